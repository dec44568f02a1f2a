#include "core/agent/constants_param.h"

#include "core/util/error.h"

#include <cmath>

namespace sciagents::core {

Constants readConstants(const TaskContext& ctx, std::string_view param) {
  Constants c;
  if (!ctx.has(param)) return c;
  const std::string name(param);
  for (const auto& [k, v] : ctx.param(param).asMap()) {
    if (!v.isNumber())
      throw paramError(name,
                       "constant '" + k + "' must be a number, got " + std::string(v.kindName()));
    if (!std::isfinite(v.asDouble()))
      throw paramError(name, "constant '" + k + "' must be a finite number, got " +
                                 std::to_string(v.asDouble()));
    c[k] = v.asDouble();
  }
  return c;
}

}  // namespace sciagents::core
