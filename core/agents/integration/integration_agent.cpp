#include "core/agents/integration/integration_agent.h"

#include "core/agents/integration/tasks.h"

namespace sciagents::core::agents {

AgentSpec integrationAgent() {
  AgentSpec a;
  a.id = "integration";
  a.name = "Integration";
  a.family = "Solvers";
  a.version = "1.0.0";
  a.summary =
      "Adaptive quadrature (finite and infinite ranges, endpoint singularities), n-D cubature and "
      "Monte Carlo / quasi-Monte Carlo integration, each with an honest error estimate.";
  a.tasks = {integ::quadTask(), integ::cubatureTask(), integ::monteCarloTask()};
  return a;
}

}  // namespace sciagents::core::agents
