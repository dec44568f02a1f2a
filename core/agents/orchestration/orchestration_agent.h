#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents {
// `workflow_orchestration`: the engine's own agent. Its `value` task publishes a literal (or
// linked) value as an output, so one input can feed many steps and be swept in one place.
AgentSpec orchestrationAgent();
}  // namespace sciagents::core::agents
