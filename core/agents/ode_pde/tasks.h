// Task declarations of the ode_pde agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::ode {
TaskSpec ivpTask();
TaskSpec bvpTask();
TaskSpec heatTask();
TaskSpec waveTask();
TaskSpec poissonTask();
}  // namespace sciagents::core::agents::ode
