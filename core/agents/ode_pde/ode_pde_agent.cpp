#include "core/agents/ode_pde/ode_pde_agent.h"

#include "core/agents/ode_pde/tasks.h"

namespace sciagents::core::agents {

AgentSpec odePdeAgent() {
  AgentSpec a;
  a.id = "ode_pde";
  a.name = "ODE and PDE solvers";
  a.family = "Solvers";
  a.version = "1.0.0";
  a.summary =
      "Initial value problems (explicit RK and SUNDIALS CVODE BDF/Adams, automatic stiffness "
      "detection), boundary value problems, heat, wave and Poisson equations.";
  a.tasks = {ode::ivpTask(), ode::bvpTask(), ode::heatTask(), ode::waveTask(), ode::poissonTask()};
  return a;
}

}  // namespace sciagents::core::agents
