#include "core/workflow/sweep.h"

namespace sciagents::core {

bool applySweepValue(nlohmann::json& params, const std::string& path, const nlohmann::json& value,
                     std::string* error) {
  nlohmann::json* cur = &params;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) {
      if (error) *error = "sweep parameter path '" + path + "' has an empty component";
      return false;
    }
    if (!cur->is_object()) {
      if (error) *error = "sweep parameter path '" + path + "': '" + key + "' is inside a value that is not an object";
      return false;
    }
    if (dot == std::string::npos) {
      (*cur)[key] = value;
      return true;
    }
    cur = &(*cur)[key];
    if (cur->is_null()) *cur = nlohmann::json::object();
    start = dot + 1;
  }
}

}  // namespace sciagents::core
