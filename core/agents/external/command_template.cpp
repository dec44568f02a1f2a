#include "core/agents/external/command_template.h"

#include "core/util/error.h"
#include "core/util/text_format.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace sciagents::core::agents::external {

namespace {

std::string shortest(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

std::string formatted(double x, const std::string& format) {
  if (format.empty()) return shortest(x);
  char buf[512];
  const char conv = format.back();
  int n;
  if (conv == 'd' || conv == 'i') {
    n = std::snprintf(buf, sizeof buf, (format.substr(0, format.size() - 1) + "lld").c_str(),
                      static_cast<long long>(std::llround(x)));
  } else {
    n = std::snprintf(buf, sizeof buf, format.c_str(), x);
  }
  return n < 0 ? std::string()
               : std::string(buf, static_cast<std::size_t>(std::min<int>(n, sizeof buf - 1)));
}

}  // namespace

std::string checkNumberFormat(const std::string& f) {
  // %[flags][width][.precision]conversion, nothing else: the format is the user's, so it must not
  // be able to read further arguments (%s, %n, two conversions...).
  if (f.size() < 2 || f[0] != '%') return "a number format starts with '%', e.g. %.6e";
  std::size_t i = 1;
  while (i < f.size() && std::string_view("-+ #0").find(f[i]) != std::string_view::npos) ++i;
  std::size_t digits = 0;
  while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i, ++digits;
  if (digits > 3) return "the width is too large";
  if (i < f.size() && f[i] == '.') {
    ++i;
    std::size_t p = 0;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i, ++p;
    if (p > 2) return "the precision is too large (at most 2 digits)";
  }
  if (i + 1 != f.size() || std::string_view("eEfFgGaAdi").find(f[i]) == std::string_view::npos)
    return "expected one conversion among e E f F g G a A d i, as in %.6e, %12.4f or %d";
  return {};
}

std::string fillPlaceholders(const std::string& text, const Map& inputs, const std::string& param,
                             const std::string& where) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (true) {
    const auto open = text.find("{{", pos);
    if (open == std::string::npos) {
      out.append(text, pos, std::string::npos);
      return out;
    }
    out.append(text, pos, open - pos);
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + open, '\n'));
    const std::string at = where + " line " + std::to_string(line);
    const auto close = text.find("}}", open + 2);
    if (close == std::string::npos) throw paramError(param, at + ": '{{' without a closing '}}'");
    const std::string inner = text.substr(open + 2, close - open - 2);
    std::string name = trim(inner, kBlanks), format;
    if (const auto colon = name.find(':'); colon != std::string::npos) {
      format = trim(name.substr(colon + 1), kBlanks);
      name = trim(name.substr(0, colon), kBlanks);
      if (auto problem = checkNumberFormat(format); !problem.empty())
        throw paramError(
            param, at + ": placeholder {{" + inner + "}}: format '" + format + "': " + problem);
    }
    std::optional<long long> index;
    if (const auto bracket = name.find('['); bracket != std::string::npos && name.back() == ']') {
      const std::string num = name.substr(bracket + 1, name.size() - bracket - 2);
      char* end = nullptr;
      const long long k = std::strtoll(num.c_str(), &end, 10);
      if (num.empty() || *end != '\0')
        throw paramError(
            param, at + ": placeholder {{" + inner + "}}: index '" + num + "' is not an integer");
      index = k;
      name = trim(name.substr(0, bracket), kBlanks);
    }
    auto it = inputs.find(name);
    if (it == inputs.end()) {
      std::string known;
      for (const auto& [n, _] : inputs) known += (known.empty() ? "" : ", ") + n;
      throw paramError(param, at + ": placeholder {{" + inner + "}} names no input (inputs: " +
                                  (known.empty() ? "none" : known) + ")");
    }
    const Value& v = it->second;
    if (v.kind() == ValueKind::Vector) {
      const Vector& x = v.asVector();
      if (index) {
        const long long n = x.size(), k = *index < 0 ? n + *index : *index;
        if (k < 0 || k >= n)
          throw paramError(param, at + ": placeholder {{" + inner +
                                      "}}: index out of range (input '" + name + "' has " +
                                      std::to_string(n) + " elements)");
        out += formatted(x[static_cast<Eigen::Index>(k)], format);
      } else {
        for (Eigen::Index k = 0; k < x.size(); ++k) out += (k ? " " : "") + formatted(x[k], format);
      }
    } else {
      if (index)
        throw paramError(param,
                         at + ": placeholder {{" + inner + "}}: input '" + name + "' is a number");
      out += formatted(v.asDouble(), format);
    }
    pos = close + 2;
  }
}

}  // namespace sciagents::core::agents::external
