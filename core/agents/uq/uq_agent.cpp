#include "core/agents/uq/uq_agent.h"

#include "core/agents/uq/tasks.h"

namespace sciagents::core::agents {

AgentSpec uqAgent() {
  AgentSpec a;
  a.id = "uq";
  a.name = "Uncertainty quantification";
  a.family = "Uncertainty";
  a.version = "1.1.0";
  a.summary =
      "Propagate input uncertainty through an expression or a workflow step: Monte Carlo, Latin "
      "hypercube "
      "designs, Morris screening, Sobol sensitivity indices with bootstrap intervals, confidence "
      "intervals and "
      "rare-event "
      "probabilities, all seeded and reproducible across thread counts.";
  a.tasks = {uq::monteCarloTask(),         uq::lhsTask(),       uq::sobolTask(),
             uq::confidenceIntervalTask(), uq::rareEventTask(), uq::morrisTask(),
             uq::fitDistributionTask()};
  return a;
}

}  // namespace sciagents::core::agents
