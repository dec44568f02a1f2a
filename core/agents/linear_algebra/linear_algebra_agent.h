#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents {
// The complete `linear_algebra` agent: solve, least_squares, eigen, svd, decompose, condition.
AgentSpec linearAlgebraAgent();
}  // namespace sciagents::core::agents
