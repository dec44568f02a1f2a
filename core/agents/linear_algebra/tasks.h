// Task declarations of the linear_algebra agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::la {
TaskSpec solveTask();
TaskSpec leastSquaresTask();
TaskSpec eigenTask();
TaskSpec svdTask();
TaskSpec decomposeTask();
TaskSpec conditionTask();
TaskSpec matrixTask();
}  // namespace sciagents::core::agents::la
