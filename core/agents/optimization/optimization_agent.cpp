#include "core/agents/optimization/optimization_agent.h"

#include "core/agents/optimization/tasks.h"

namespace sciagents::core::agents {

AgentSpec optimizationAgent() {
  AgentSpec a;
  a.id = "optimization";
  a.name = "Optimization";
  a.family = "Solvers";
  a.version = "1.0.0";
  a.summary =
      "Local and global minimisation with bounds and constraints, roots of equations and systems, "
      "nonlinear curve fitting with parameter covariance.";
  a.tasks = {opt::minimizeTask(), opt::globalMinimizeTask(), opt::rootTask(), opt::curveFitTask()};
  return a;
}

}  // namespace sciagents::core::agents
