// Text helpers (see text_format.h).
#include "core/util/text_format.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace sciagents::core {

std::string trim(std::string_view s, std::string_view chars) {
  const auto b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(chars) - b + 1));
}

std::string toLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string formatSignificant(double v, int digits) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string formatShortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace sciagents::core
