// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/integration/tasks.h"

namespace sciagents::core::agents::integ {

TaskSpec monteCarloTask() {
  TaskSpec t;
  t.id = "monte_carlo";
  t.summary = "MC/QMC integration with error.";
  return t;
}

}  // namespace sciagents::core::agents::integ
