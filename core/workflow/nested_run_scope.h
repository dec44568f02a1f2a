// What a nested workflow (workflow_orchestration.run, core/workflow/nested_workflow_task.h) needs
// from the run it is part of: the run's options (cache, limits, policies, the server's checks
// before each step) and agent registry, and how deep the nesting already is. The engine sets it on
// the thread that runs a step, around the step's cache key and task (the pattern of
// ModelShard::Scope); tasks read it on that thread, before spreading work over others.
#pragma once

namespace sciagents::core {

class AgentRegistry;
struct RunOptions;

struct NestedRunContext {
  const RunOptions* options = nullptr;
  const AgentRegistry* registry = nullptr;
  int depth = 0;  // 0: the top-level run; a nested run's steps see depth 1, and so on
};

// The context of the step running on this thread (null outside a run).
const NestedRunContext* currentNestedRunContext();

class NestedRunScope {
 public:
  explicit NestedRunScope(const NestedRunContext* context);
  ~NestedRunScope();
  NestedRunScope(const NestedRunScope&) = delete;
  NestedRunScope& operator=(const NestedRunScope&) = delete;

 private:
  const NestedRunContext* m_previous;
};

}  // namespace sciagents::core
