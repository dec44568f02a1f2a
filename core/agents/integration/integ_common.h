// Shared helpers of the integration tasks: bounds (with +-inf), constants, compiled integrands.
#pragma once

#include "core/agent/constants_param.h"
#include "core/agent/task_context.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <array>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::agents::integ {

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

using Bounds = std::vector<std::array<double, 2>>;

// A bound: a finite number, or "inf"/"+inf"/"-inf"/"Infinity"/"-Infinity" (any case).
double parseBound(const Value& v, const std::string& param);
// Compiles parameter `param` over `vars`; a bad expression becomes paramError(param, ...).
// Compiled integrands are kept in a small per-thread cache keyed by (text, vars, constants):
// building a muParser instance costs ~10 us, more than a whole smooth quad, and sweeps repeat f.
// The pointer is for the calling thread only (muParser evaluation is not thread-safe).
std::shared_ptr<const Expression> compileIntegrand(const TaskContext& ctx, const std::string& param,
                                                   const std::vector<std::string>& vars);
// `vars` (one name or a list of names), non-empty and unique.
std::vector<std::string> readVars(const TaskContext& ctx);
// `bounds`: one [lo, hi] per variable, lo < hi, +-inf allowed only when allow_inf.
Bounds readBounds(const TaskContext& ctx, std::size_t dim, bool allow_inf);

}  // namespace sciagents::core::agents::integ
