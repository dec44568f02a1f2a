// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/optimization/tasks.h"

namespace sciagents::core::agents::opt {

TaskSpec minimizeTask() {
  TaskSpec t;
  t.id = "minimize";
  t.summary = "Local minimisation with bounds and constraints.";
  return t;
}

}  // namespace sciagents::core::agents::opt
