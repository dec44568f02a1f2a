// Task declarations of the uq agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::uq {
TaskSpec monteCarloTask();
TaskSpec lhsTask();
TaskSpec sobolTask();
TaskSpec confidenceIntervalTask();
TaskSpec rareEventTask();
TaskSpec morrisTask();
TaskSpec fitDistributionTask();
}  // namespace sciagents::core::agents::uq
