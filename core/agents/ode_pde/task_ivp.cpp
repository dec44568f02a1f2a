// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/ode_pde/tasks.h"

namespace sciagents::core::agents::ode {

TaskSpec ivpTask() {
  TaskSpec t;
  t.id = "ivp";
  t.summary = "Initial value problem y' = f(t, y) (rk45, dop853, bdf, adams, auto).";
  return t;
}

}  // namespace sciagents::core::agents::ode
