// Task declarations of the special_functions agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::special {
TaskSpec evaluateTask();
TaskSpec fftTask();
}  // namespace sciagents::core::agents::special
