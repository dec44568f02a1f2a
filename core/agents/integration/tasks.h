// Task declarations of the integration agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::integ {
TaskSpec quadTask();
TaskSpec cubatureTask();
TaskSpec monteCarloTask();
}  // namespace sciagents::core::agents::integ
