#include "core/metrics/prometheus_text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace sciagents::core::metrics {

namespace {

bool isNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool isNameChar(char c) { return isNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

void skipSpaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string readName(std::string_view s, std::size_t& i) {
  const std::size_t b = i;
  if (i < s.size() && isNameStart(s[i])) {
    ++i;
    while (i < s.size() && isNameChar(s[i])) ++i;
  }
  return std::string(s.substr(b, i - b));
}

// Help text escapes: \\ and \n. Label values additionally \".
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      out += n == 'n' ? '\n' : n;  // \\ -> \, \" -> ", unknown escapes keep the character
    } else {
      out += s[i];
    }
  }
  return out;
}

bool parseValue(std::string_view t, double& v) {
  if (t == "+Inf" || t == "Inf") return v = std::numeric_limits<double>::infinity(), true;
  if (t == "-Inf") return v = -std::numeric_limits<double>::infinity(), true;
  if (t == "NaN") return v = std::numeric_limits<double>::quiet_NaN(), true;
  if (t.empty()) return false;
  const std::string copy(t);  // strtod: from_chars for double is missing in older libstdc++
  char* end = nullptr;
  v = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

bool includes(const std::map<std::string, std::string>& labels,
              const std::map<std::string, std::string>& match) {
  for (const auto& [k, v] : match) {
    const auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

PrometheusText PrometheusText::parse(std::string_view text) {
  PrometheusText out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t i = 0;
    skipSpaces(line, i);
    if (i == line.size()) continue;
    auto fail = [&](const char* why) {
      out.errors.push_back("line " + std::to_string(line_no) + ": " + why);
    };
    if (line[i] == '#') {
      ++i;
      skipSpaces(line, i);
      const bool is_help = line.substr(i, 4) == "HELP", is_type = line.substr(i, 4) == "TYPE";
      if (!is_help && !is_type) continue;  // a comment
      i += 4;
      skipSpaces(line, i);
      const std::string name = readName(line, i);
      if (name.empty()) {
        fail("metadata without a metric name");
        continue;
      }
      skipSpaces(line, i);
      std::string_view rest = line.substr(i);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
      if (is_help)
        out.help[name] = unescape(rest);
      else
        out.types[name] = std::string(rest);
      continue;
    }
    Sample s;
    s.name = readName(line, i);
    if (s.name.empty()) {
      fail("expected a metric name");
      continue;
    }
    bool ok = true;
    if (i < line.size() && line[i] == '{') {
      ++i;
      for (;;) {
        skipSpaces(line, i);
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        const std::string key = readName(line, i);
        skipSpaces(line, i);
        if (key.empty() || i >= line.size() || line[i] != '=') {
          ok = false;
          break;
        }
        ++i;
        skipSpaces(line, i);
        if (i >= line.size() || line[i] != '"') {
          ok = false;
          break;
        }
        const std::size_t b = ++i;
        while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
        if (i >= line.size()) {
          ok = false;
          break;
        }
        s.labels[key] = unescape(line.substr(b, i - b));
        ++i;
        skipSpaces(line, i);
        if (i < line.size() && line[i] == ',') ++i;
      }
    }
    if (!ok) {
      fail("malformed labels");
      continue;
    }
    skipSpaces(line, i);
    const std::size_t vb = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (!parseValue(line.substr(vb, i - vb), s.value)) {
      fail("malformed value");
      continue;
    }
    out.samples.push_back(std::move(s));  // an optional timestamp after the value is ignored
  }
  return out;
}

bool PrometheusText::has(const std::string& name) const {
  return std::any_of(samples.begin(), samples.end(),
                     [&](const Sample& s) { return s.name == name; });
}

double PrometheusText::sum(const std::string& name,
                           const std::map<std::string, std::string>& match) const {
  double total = 0.0;
  for (const auto& s : samples)
    if (s.name == name && includes(s.labels, match) && !std::isnan(s.value)) total += s.value;
  return total;
}

PrometheusText::HistogramSummary PrometheusText::histogram(
    const std::string& name, const std::map<std::string, std::string>& match) const {
  HistogramSummary h;
  h.count = sum(name + "_count", match);
  h.sum = sum(name + "_sum", match);
  std::map<double, double> by_le;
  const std::string bucket = name + "_bucket";
  for (const auto& s : samples) {
    if (s.name != bucket || !includes(s.labels, match)) continue;
    const auto le = s.labels.find("le");
    double bound = 0.0;
    if (le == s.labels.end() || !parseValue(le->second, bound)) continue;
    by_le[bound] += s.value;
  }
  h.buckets.assign(by_le.begin(), by_le.end());
  return h;
}

double PrometheusText::HistogramSummary::quantile(double q) const {
  if (buckets.empty()) return 0.0;
  const double total = buckets.back().second;
  if (total <= 0.0) return 0.0;
  const double rank = std::clamp(q, 0.0, 1.0) * total;
  double prev_bound = 0.0, prev_count = 0.0;
  for (const auto& [bound, cum] : buckets) {
    if (cum >= rank) {
      // In the +Inf bucket the answer is the highest finite bound (as Prometheus does).
      if (std::isinf(bound)) return prev_bound;
      const double in_bucket = cum - prev_count;
      if (in_bucket <= 0.0) return bound;
      return prev_bound + (bound - prev_bound) * (rank - prev_count) / in_bucket;
    }
    prev_bound = bound;
    prev_count = cum;
  }
  return prev_bound;
}

}  // namespace sciagents::core::metrics
