// Registers every built-in agent. Families still being built are listed as planned (from the
// vocabulary in ARCHITECTURE.md §4) so users see the whole product, yet never get a fake result.
#include "core/agent/agent_registry.h"
#include "core/agents/planned_agents.h"
#include "core/agents/linear_algebra/linear_algebra_agent.h"
#include "core/agents/orchestration/orchestration_agent.h"

namespace sciagents::core {

void registerBuiltinAgents(AgentRegistry& registry) {
  registerPlannedAgents(registry);
  registry.add(agents::linearAlgebraAgent());
  registry.add(agents::orchestrationAgent());
}

}  // namespace sciagents::core
