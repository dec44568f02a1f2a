// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/ode_pde/tasks.h"

namespace sciagents::core::agents::ode {

TaskSpec poissonTask() {
  TaskSpec t;
  t.id = "poisson";
  t.summary = "Poisson equation -∇²u = f in 2D/3D by finite differences.";
  return t;
}

}  // namespace sciagents::core::agents::ode
