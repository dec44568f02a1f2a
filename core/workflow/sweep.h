#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::core {

// Sets the dotted parameter path (e.g. "constants.k", "x0[1]" is not supported: sweep whole
// entries of objects) inside `params` to `value`. Intermediate objects must exist or are created
// when the path ends below an object. Returns false with `error` when the path cannot be applied.
bool applySweepValue(nlohmann::json& params, const std::string& path, const nlohmann::json& value,
                     std::string* error);

}  // namespace sciagents::core
