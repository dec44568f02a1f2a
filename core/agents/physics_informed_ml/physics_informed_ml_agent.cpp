#include "core/agents/physics_informed_ml/physics_informed_ml_agent.h"

#include "core/agents/physics_informed_ml/tasks.h"

namespace sciagents::core::agents {

AgentSpec physicsInformedMlAgent() {
  AgentSpec a;
  a.id = "physics_informed_ml";
  a.name = "Physics-informed learning";
  a.family = "Learning";
  a.version = "1.0.0";
  a.summary =
      "Physics-informed neural networks: small tanh networks trained on the residual of a linear "
      "PDE with "
      "its boundary/initial conditions (exact derivatives, Adam then L-BFGS), and identification "
      "of an "
      "unknown PDE coefficient from observations.";
  a.tasks = {pinn::pinnTask(), pinn::pinnInverseTask()};
  return a;
}

}  // namespace sciagents::core::agents
