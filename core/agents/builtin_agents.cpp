// Registers every built-in agent. Families still being built are listed as planned (from the
// vocabulary in docs/architecture.md §4) so users see the whole product, yet never get a fake
// result.
#include "core/agent/agent_registry.h"
#include "core/agents/assistants/assistant_agents.h"
#include "core/agents/external/external_agent.h"
#include "core/agents/integration/integration_agent.h"
#include "core/agents/inverse/inverse_agent.h"
#include "core/agents/linear_algebra/linear_algebra_agent.h"
#include "core/agents/ode_pde/ode_pde_agent.h"
#include "core/agents/optimization/optimization_agent.h"
#include "core/agents/orchestration/orchestration_agent.h"
#include "core/agents/performance_profiler/performance_profiler_agent.h"
#include "core/agents/physics_informed_ml/physics_informed_ml_agent.h"
#include "core/agents/planned_agents.h"
#include "core/agents/special_functions/special_functions_agent.h"
#include "core/agents/surrogate/surrogate_agent.h"
#include "core/agents/uq/uq_agent.h"

namespace sciagents::core {

void registerBuiltinAgents(AgentRegistry& registry) {
  registerPlannedAgents(registry);
  registry.add(agents::linearAlgebraAgent());
  registry.add(agents::orchestrationAgent());
  registry.add(agents::odePdeAgent());
  registry.add(agents::optimizationAgent());
  registry.add(agents::integrationAgent());
  registry.add(agents::specialFunctionsAgent());
  registry.add(agents::uqAgent());
  registry.add(agents::surrogateAgent());
  registry.add(agents::physicsInformedMlAgent());
  registry.add(agents::performanceProfilerAgent());
  registry.add(agents::inverseAgent());
  registry.add(agents::externalAgent());
  registry.add(agents::problemAnalyzerAgent());
  registry.add(agents::algorithmSelectorAgent());
  registry.add(agents::executorValidatorAgent());
}

}  // namespace sciagents::core
