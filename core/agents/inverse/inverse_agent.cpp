#include "core/agents/inverse/inverse_agent.h"

#include "core/agents/inverse/tasks.h"

namespace sciagents::core::agents {

AgentSpec inverseAgent() {
  AgentSpec a;
  a.id = "inverse";
  a.name = "Inverse problems";
  a.family = "Learning";
  a.version = "1.0.0";
  a.summary =
      "Infer unknowns from data: Tikhonov regularisation with GCV/L-curve, Bayesian posteriors by "
      "adaptive "
      "Metropolis over parallel chains (ESS, split R-hat), the stochastic ensemble Kalman filter "
      "and "
      "Levenberg-Marquardt fits of ODE parameters with their covariance.";
  a.tasks = {inverse::tikhonovTask(), inverse::bayesianTask(), inverse::enkfTask(),
             inverse::parameterEstimationTask()};
  return a;
}

}  // namespace sciagents::core::agents
