#include "core/agents/external/external_agent.h"

#include "core/agents/external/tasks.h"

namespace sciagents::core::agents {

AgentSpec externalAgent() {
  AgentSpec a;
  a.id = "external";
  a.name = "External models";
  a.family = "Models";
  a.version = "1.0.0";
  a.summary =
      "The user's own model as a step: a simulation program run once per evaluation, or a Python "
      "function called in persistent worker processes.";
  a.tasks = {external::commandTask(), external::pythonTask()};
  return a;
}

}  // namespace sciagents::core::agents
