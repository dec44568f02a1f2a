// Fingerprints of workflow steps for "is this result still current?": a step's fingerprint
// changes when its own definition (agent, task, params, sweep) changes or when a step it reads
// from changes. Layout (positions) is not part of it.
#pragma once

#include "core/workflow/workflow.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace sciagents::ui {

QHash<QString, QByteArray> stepFingerprints(const core::Workflow& workflow);

}  // namespace sciagents::ui
