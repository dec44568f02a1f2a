// Strict JSON parsing for request bodies: size limit, nesting depth limit, valid UTF-8 only
// (nlohmann's lexer rejects ill-formed UTF-8), no comments, no trailing garbage.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sciagents::server {

struct JsonParseResult {
  std::optional<nlohmann::json> value;
  std::string error;  // set when value is empty
};

JsonParseResult parseJsonStrict(std::string_view text, std::size_t max_depth = 64,
                                std::size_t max_bytes = 16u << 20);

}  // namespace sciagents::server
