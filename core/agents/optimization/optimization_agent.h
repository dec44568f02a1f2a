#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents {
AgentSpec optimizationAgent();
}  // namespace sciagents::core::agents
