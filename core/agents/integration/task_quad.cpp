// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/integration/tasks.h"

namespace sciagents::core::agents::integ {

TaskSpec quadTask() {
  TaskSpec t;
  t.id = "quad";
  t.summary = "1-D adaptive quadrature.";
  return t;
}

}  // namespace sciagents::core::agents::integ
