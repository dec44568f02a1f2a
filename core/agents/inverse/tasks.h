// Task declarations of the inverse agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::inverse {
TaskSpec tikhonovTask();
TaskSpec bayesianTask();
TaskSpec enkfTask();
TaskSpec parameterEstimationTask();
}  // namespace sciagents::core::agents::inverse
