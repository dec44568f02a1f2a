#include "core/agents/surrogate/surrogate_agent.h"

#include "core/agents/surrogate/tasks.h"

namespace sciagents::core::agents {

AgentSpec surrogateAgent() {
  AgentSpec a;
  a.id = "surrogate";
  a.name = "Surrogate models";
  a.family = "Learning";
  a.version = "1.0.0";
  a.summary =
      "Cheap models learned from samples: Gaussian processes with fitted hyper-parameters and "
      "predictive "
      "variance, polynomial chaos with Sobol indices, radial basis function interpolation and POD.";
  a.tasks = {surrogate::gpTask(), surrogate::pceTask(), surrogate::podTask(), surrogate::rbfTask()};
  return a;
}

}  // namespace sciagents::core::agents
