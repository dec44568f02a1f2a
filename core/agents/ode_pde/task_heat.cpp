// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/ode_pde/tasks.h"

namespace sciagents::core::agents::ode {

TaskSpec heatTask() {
  TaskSpec t;
  t.id = "heat";
  t.summary = "Heat equation by the method of lines.";
  return t;
}

}  // namespace sciagents::core::agents::ode
