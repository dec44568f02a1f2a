// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/optimization/tasks.h"

namespace sciagents::core::agents::opt {

TaskSpec globalMinimizeTask() {
  TaskSpec t;
  t.id = "global_minimize";
  t.summary = "Global minimisation on a box.";
  return t;
}

}  // namespace sciagents::core::agents::opt
