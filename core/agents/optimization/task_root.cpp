// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/optimization/tasks.h"

namespace sciagents::core::agents::opt {

TaskSpec rootTask() {
  TaskSpec t;
  t.id = "root";
  t.summary = "Roots of scalar equations and systems.";
  return t;
}

}  // namespace sciagents::core::agents::opt
