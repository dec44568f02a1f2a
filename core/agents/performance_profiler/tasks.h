// Task declarations of the performance_profiler agent.
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::core::agents::profiler {
TaskSpec profileTask();
// The work of `profile` against a given registry (the registered task uses the built-in one).
void runProfile(const AgentRegistry& registry, TaskContext& ctx);
}  // namespace sciagents::core::agents::profiler
