// Task declarations of the optimization agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::opt {
TaskSpec minimizeTask();
TaskSpec globalMinimizeTask();
TaskSpec rootTask();
TaskSpec curveFitTask();
}  // namespace sciagents::core::agents::opt
