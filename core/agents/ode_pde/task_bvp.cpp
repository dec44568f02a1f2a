// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/ode_pde/tasks.h"

namespace sciagents::core::agents::ode {

TaskSpec bvpTask() {
  TaskSpec t;
  t.id = "bvp";
  t.summary = "Two-point boundary value problem.";
  return t;
}

}  // namespace sciagents::core::agents::ode
