// Task declarations of the surrogate agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::surrogate {
TaskSpec gpTask();
TaskSpec pceTask();
TaskSpec rbfTask();
TaskSpec podTask();
}  // namespace sciagents::core::agents::surrogate
