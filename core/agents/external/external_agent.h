// The `external` agent: the user's own model as a step — a program run once per evaluation
// (`command`) or a function in a Python module called in persistent worker processes (`python`).
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core::agents {

AgentSpec externalAgent();

}  // namespace sciagents::core::agents
