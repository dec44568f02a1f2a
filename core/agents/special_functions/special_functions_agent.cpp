#include "core/agents/special_functions/special_functions_agent.h"

#include "core/agents/special_functions/tasks.h"

namespace sciagents::core::agents {

AgentSpec specialFunctionsAgent() {
  AgentSpec a;
  a.id = "special_functions";
  a.name = "Special functions";
  a.family = "Solvers";
  a.version = "1.0.0";
  a.summary =
      "Special functions (Boost.Math) evaluated over broadcast arrays, and fast Fourier "
      "transforms.";
  a.tasks = {special::evaluateTask(), special::fftTask()};
  return a;
}

}  // namespace sciagents::core::agents
