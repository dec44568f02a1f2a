#include "core/agents/external/command_outputs.h"

#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace sciagents::core::agents::external {

namespace {

constexpr std::uintmax_t kMaxOutputFile = 64u << 20;
constexpr std::uintmax_t kMaxRegexText = 16u << 20;

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

std::string readFile(const std::filesystem::path& work_dir, const std::string& name,
                     std::uintmax_t cap, const std::string& source) {
  const auto path = work_dir / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail(source + ": the program did not write '" + name + "' in its work directory");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > cap)
    fail(source + ": '" + name + "' is larger than " + std::to_string(cap >> 20) + " MB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  if (!in && !in.eof()) fail(source + ": cannot read '" + name + "'");
  return os.str();
}

// Python's json writes NaN, Infinity and -Infinity bare; quote them (outside strings) so the
// standard parser reads them and fromJson turns them into numbers.
std::string quoteNonFinite(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const char* token : {"-Infinity", "Infinity", "NaN"}) {
      const std::string t = token;
      if (text.compare(i, t.size(), t) == 0) {
        out += "\"" + t + "\"";
        i += t.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

std::optional<double> nonFinite(const std::string& s) {
  if (s == "NaN" || s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity" || s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity" || s == "-inf") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::optional<double> parseNumber(std::string s) {
  const auto a = s.find_first_not_of(" \t\r\"");
  if (a == std::string::npos) return std::nullopt;
  s = s.substr(a, s.find_last_not_of(" \t\r\"") - a + 1);
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  return x;
}

void put(Map& into, const std::string& name, Value v, const std::string& source) {
  if (!isIdentifier(name))
    fail(source + ": output name '" + name + "' cannot be linked (use letters, digits and _)");
  if (name == "outputs")
    fail(source + ": output name 'outputs' is reserved (the step's map of every output)");
  if (!into.emplace(name, std::move(v)).second)
    fail(source + ": output '" + name + "' is given twice");
}

void readCsv(const std::string& text, const std::string& source, Map& into) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<std::string> cells;
    std::size_t start = 0;
    while (true) {
      const auto comma = line.find(',', start);
      cells.push_back(
          line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(cells));
  }
  if (rows.size() < 2)
    fail(source + ": expected a header row naming the columns and at least one data row");
  std::vector<std::string> names;
  for (auto name : rows[0]) {
    const auto a = name.find_first_not_of(" \t\"");
    name = a == std::string::npos ? "" : name.substr(a, name.find_last_not_of(" \t\"") - a + 1);
    names.push_back(name);
  }
  const auto n = static_cast<Eigen::Index>(rows.size() - 1);
  std::vector<Vector> columns(names.size(), Vector(n));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != names.size())
      fail(source + ": row " + std::to_string(r + 1) + " has " + std::to_string(rows[r].size()) +
           " cells, the header has " + std::to_string(names.size()));
    for (std::size_t c = 0; c < names.size(); ++c) {
      const auto x = parseNumber(rows[r][c]);
      if (!x)
        fail(source + ": row " + std::to_string(r + 1) + ", column '" + names[c] + "': '" +
             rows[r][c] + "' is not a number");
      columns[c][static_cast<Eigen::Index>(r - 1)] = *x;
    }
  }
  for (std::size_t c = 0; c < names.size(); ++c)
    put(into, names[c], n == 1 ? Value(columns[c][0]) : Value(std::move(columns[c])), source);
}

void readRegex(const std::string& text, const OutputReader& r, const std::string& source,
               Map& into) {
  for (const auto& [name, pattern] : r.patterns) {
    const std::regex re(pattern, std::regex::ECMAScript);
    std::vector<double> found;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
         ++it) {
      const std::string cap = (*it)[1].str();
      const auto x = parseNumber(cap);
      if (!x)
        fail(source + ": output '" + name + "': pattern '" + pattern + "' captured '" + cap +
             "', which is not a number");
      found.push_back(*x);
    }
    if (found.empty())
      fail(source + ": output '" + name + "': no match for pattern '" + pattern + "'");
    if (found.size() == 1) {
      put(into, name, found[0], source);
    } else {
      put(into, name,
          Vector(Eigen::Map<const Vector>(found.data(), static_cast<Eigen::Index>(found.size()))),
          source);
    }
  }
}

}  // namespace

Map parseJsonOutputs(const std::string& text, const std::string& source) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) j = nlohmann::json::parse(quoteNonFinite(text), nullptr, false);
  if (j.is_discarded()) {
    std::string head = text.substr(0, 200);
    fail(source + ": not valid JSON (it starts with: " + nlohmann::json(head).dump() + ")");
  }
  if (!j.is_object())
    fail(source + ": expected a JSON object of named results like {\"y\": 1.5}, got a " +
         std::string(j.type_name()));
  Map out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const auto& v = it.value();
    Value value;
    if (v.is_number()) {
      value = v.get<double>();
    } else if (v.is_null()) {
      value = std::numeric_limits<double>::quiet_NaN();
    } else if (v.is_string() && nonFinite(v.get<std::string>())) {
      value = *nonFinite(v.get<std::string>());
    } else if (v.is_array()) {
      try {
        value = fromJson(v);
      } catch (const std::exception& e) {
        fail(source + ": output '" + name + "': " + e.what());
      }
      if (value.kind() != ValueKind::Vector && value.kind() != ValueKind::Matrix)
        fail(source + ": output '" + name +
             "' is not a list of numbers (or a list of equal-length lists)");
    } else {
      fail(source + ": output '" + name + "' is a " + std::string(v.type_name()) +
           "; expected a number or a list of numbers");
    }
    put(out, name, std::move(value), source);
  }
  return out;
}

Map readOutputs(const std::vector<OutputReader>& readers, const std::filesystem::path& work_dir,
                const std::string& stdout_text) {
  Map all;
  for (const auto& r : readers) {
    const std::string source = r.describe();
    Map got;
    switch (r.kind) {
      case OutputReader::Kind::StdoutJson:
        got = parseJsonOutputs(stdout_text, source);
        break;
      case OutputReader::Kind::JsonFile:
        got = parseJsonOutputs(readFile(work_dir, r.file, kMaxOutputFile, source), source);
        break;
      case OutputReader::Kind::CsvFile:
        readCsv(readFile(work_dir, r.file, kMaxOutputFile, source), source, got);
        break;
      case OutputReader::Kind::Regex: {
        if (r.file.empty()) {
          readRegex(stdout_text.size() > kMaxRegexText ? stdout_text.substr(0, kMaxRegexText)
                                                       : stdout_text,
                    r, source, got);
        } else {
          readRegex(readFile(work_dir, r.file, kMaxRegexText, source), r, source, got);
        }
        break;
      }
    }
    for (auto& [name, v] : got)
      if (!all.emplace(name, std::move(v)).second)
        fail(source + ": output '" + name + "' was already read from another source");
  }
  return all;
}

}  // namespace sciagents::core::agents::external
