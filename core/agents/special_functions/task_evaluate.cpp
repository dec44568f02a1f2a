// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/special_functions/tasks.h"

namespace sciagents::core::agents::special {

TaskSpec evaluateTask() {
  TaskSpec t;
  t.id = "evaluate";
  t.summary = "Evaluate a special function over broadcast arrays.";
  return t;
}

}  // namespace sciagents::core::agents::special
