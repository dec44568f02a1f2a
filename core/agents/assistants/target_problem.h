// A problem handed to an assistant agent: {"step": "ID"} (resolved by the engine to the whole
// step) or an explicit {"agent": ..., "task": ..., "params": {...}}.
#pragma once

#include "core/agent/task_spec.h"

#include <memory>
#include <string>

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::core::agents::assist {

struct TargetProblem {
  const AgentSpec* agent = nullptr;
  const TaskSpec* task = nullptr;
  std::string label;                     // "agent.task" (and the step id when known)
  std::unique_ptr<TaskContext> context;  // the task's resolved params, as its run would see them
  const Map* outputs = nullptr;          // only for step references
  Map given;                             // the params as given (before defaults)
};

// Reads `param` of `ctx`; throws paramError naming what is wrong (unknown agent/task, planned task,
// bad params of the target). With `resolve` false the params are only kept as given (`context` is
// null): for callers that complete them first (performance_profiler's generated inputs).
TargetProblem openProblem(const AgentRegistry& registry, const TaskContext& ctx,
                          const std::string& param, bool resolve = true);

// Runs `task` on `params` in-process (for convergence studies), sharing ctx's cancellation.
Map runTask(const TaskSpec& task, const Map& params, const TaskContext& ctx,
            const std::string& label);

}  // namespace sciagents::core::agents::assist
