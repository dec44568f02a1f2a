// Builders of JSON answers and shared text checks of the route modules (server/responses.h).
#include "server/responses.h"

#include "core/util/text_format.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sciagents::server {

using nlohmann::json;

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse errorJson(int status, const std::string& code, const std::string& message,
                       const json& extra) {
  json body = {{"error", code}, {"message", message}};
  for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
  return jsonResponse(status, body);
}

HttpResponse errorResponse(int status, const std::string& code, const std::string& message) {
  return errorJson(status, code, message);
}

std::string echo(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 80) out += "...";
  return out;
}

std::string trimBlanks(const std::string& s) { return core::trim(s, core::kBlanks); }

std::string mediaType(const std::string& content_type) {
  std::string s = trimBlanks(content_type.substr(0, content_type.find(';')));
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool isHexId(const std::string& s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool parseUint(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace sciagents::server
