// The assistant agents: problem_analyzer, algorithm_selector, executor_validator. They work on
// another task's problem through that task's analyze/select/validate hooks (TaskSpec), so each
// task family owns its expertise and the assistants stay generic.
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::core::agents {

AgentSpec problemAnalyzerAgent();
AgentSpec algorithmSelectorAgent();
AgentSpec executorValidatorAgent();

namespace assist {
// The work of each assistant task against a given registry (the registered tasks use the built-in
// one; tests pass their own).
void runAnalyze(const AgentRegistry& registry, TaskContext& ctx);
void runSelect(const AgentRegistry& registry, TaskContext& ctx);
void runValidate(const AgentRegistry& registry, TaskContext& ctx);
void runConvergence(const AgentRegistry& registry, TaskContext& ctx);
}  // namespace assist

}  // namespace sciagents::core::agents
