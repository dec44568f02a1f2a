// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/ode_pde/tasks.h"

namespace sciagents::core::agents::ode {

TaskSpec waveTask() {
  TaskSpec t;
  t.id = "wave";
  t.summary = "Wave equation by the method of lines.";
  return t;
}

}  // namespace sciagents::core::agents::ode
