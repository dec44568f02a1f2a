#include "core/agents/external/tasks.h"

namespace sciagents::core::agents::external {

TaskSpec commandTask() {
  TaskSpec t;
  t.id = "command";
  t.summary = "Run a program once per evaluation (argv, no shell) and parse its outputs.";
  return t;  // planned: no run function yet
}

}  // namespace sciagents::core::agents::external
