#include "server/json_body.h"

namespace sciagents::server {

JsonParseResult parseJsonStrict(std::string_view text, std::size_t max_depth,
                                std::size_t max_bytes) {
  JsonParseResult r;
  if (text.size() > max_bytes) {
    r.error = "JSON body of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
              std::to_string(max_bytes);
    return r;
  }
  // Cheap pre-scan of the nesting depth so deep input never reaches the recursive parser.
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        r.error = "JSON nesting is deeper than " + std::to_string(max_depth) + " levels";
        return r;
      }
    } else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  bool too_deep = false;
  auto cb = [&](int d, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (static_cast<std::size_t>(d) > max_depth) too_deep = true;
    return true;
  };
  try {
    auto j = nlohmann::json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true,
                                   /*ignore_comments=*/false);
    if (too_deep) {
      r.error = "JSON nesting is deeper than " + std::to_string(max_depth) + " levels";
      return r;
    }
    r.value = std::move(j);
  } catch (const nlohmann::json::exception& e) {
    std::string msg = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> keep the readable
    // part.
    const auto p = msg.find("] ");
    r.error = "malformed JSON: " + (p == std::string::npos ? msg : msg.substr(p + 2));
  }
  return r;
}

}  // namespace sciagents::server
