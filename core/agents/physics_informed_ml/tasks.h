// Task declarations of the physics_informed_ml agent (one translation unit per task).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::pinn {
TaskSpec pinnTask();
TaskSpec pinnInverseTask();
}  // namespace sciagents::core::agents::pinn
