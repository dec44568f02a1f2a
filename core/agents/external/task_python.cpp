#include "core/agents/external/tasks.h"

namespace sciagents::core::agents::external {

TaskSpec pythonTask() {
  TaskSpec t;
  t.id = "python";
  t.summary = "Call a function from a Python module in persistent worker processes.";
  return t;  // planned: no run function yet
}

}  // namespace sciagents::core::agents::external
