// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/integration/tasks.h"

namespace sciagents::core::agents::integ {

TaskSpec cubatureTask() {
  TaskSpec t;
  t.id = "cubature";
  t.summary = "n-D adaptive cubature.";
  return t;
}

}  // namespace sciagents::core::agents::integ
