#pragma once

#include "core/agent/task_context.h"
#include "core/expr/expression.h"

#include <string_view>

namespace sciagents::core {
// The named constants of an expression-based task (a Map param of finite numbers, usually
// "constants"); empty when the param is absent. Throws paramError naming the bad constant.
Constants readConstants(const TaskContext& ctx, std::string_view param = "constants");
}  // namespace sciagents::core
