// The tasks of the `external` agent, one file each.
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents::external {

TaskSpec commandTask();  // task_command.cpp
TaskSpec pythonTask();   // task_python.cpp

}  // namespace sciagents::core::agents::external
