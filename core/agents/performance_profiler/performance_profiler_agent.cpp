#include "core/agents/performance_profiler/performance_profiler_agent.h"

#include "core/agents/performance_profiler/tasks.h"

namespace sciagents::core::agents {

AgentSpec performanceProfilerAgent() {
  AgentSpec a;
  a.id = "performance_profiler";
  a.name = "Performance profiler";
  a.family = "Assistants";
  a.version = "1.0.0";
  a.summary = "Time and memory of a step over problem sizes, with the fitted scaling exponent.";
  a.tasks = {profiler::profileTask()};
  return a;
}

}  // namespace sciagents::core::agents
