#include "core/agents/external/command_spec.h"

#include "core/util/error.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <regex>
#include <set>

namespace sciagents::core::agents::external {

namespace {

std::string shown(const Value& v) {
  std::string s = toJson(v).dump();
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

const Value& at(const Map& params, const std::string& name) {
  static const Value null;
  auto it = params.find(name);
  return it == params.end() ? null : it->second;
}

// A relative path that stays inside the work directory.
void checkInsideWorkDir(const std::string& param, const std::string& path) {
  if (path.empty()) throw paramError(param, "the file name is empty");
  if (path.front() == '/')
    throw paramError(
        param, "'" + path + "' must be a name inside the work directory, not an absolute path");
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..")
      throw paramError(param, "'" + path + "' must stay inside the work directory (no '..')");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

std::string baseName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "file" or {"file": ..., "to": ...}; `strip` is removed from the end of the default "to".
std::vector<FileCopy> fileList(const Map& params, const std::string& name,
                               const std::string& strip) {
  const Value& v = at(params, name);
  std::vector<FileCopy> out;
  if (v.isNull()) return out;
  if (v.kind() != ValueKind::List && !(v.kind() == ValueKind::Vector && v.size() == 0))
    throw paramError(
        name,
        "expected a list of file names or {\"file\": ..., \"to\": ...} objects, got " + shown(v));
  if (v.kind() == ValueKind::Vector) return out;
  for (std::size_t i = 0; i < v.asList().size(); ++i) {
    const Value& item = v.asList()[i];
    const std::string label = name + "[" + std::to_string(i) + "]";
    FileCopy f;
    if (item.isString()) {
      f.file = item.asString();
    } else if (item.kind() == ValueKind::Map) {
      for (const auto& [key, _] : item.asMap())
        if (key != "file" && key != "to")
          throw paramError(label,
                           "unknown key '" + key + "' (expected \"file\" and optionally \"to\")");
      const Value* file = item.find("file");
      const Value* to = item.find("to");
      if (!file || !file->isString())
        throw paramError(label, "\"file\" must be a file name, got " + shown(item));
      if (to && !to->isString())
        throw paramError(label, "\"to\" must be a file name, got " + shown(*to));
      f.file = file->asString();
      if (to) f.to = to->asString();
    } else {
      throw paramError(label,
                       "expected a file name or {\"file\": ..., \"to\": ...}, got " + shown(item));
    }
    if (f.file.empty()) throw paramError(label, "the file name is empty");
    if (f.to.empty()) {
      f.to = baseName(f.file);
      if (!strip.empty() && f.to.size() > strip.size() && f.to.ends_with(strip))
        f.to.resize(f.to.size() - strip.size());
    }
    checkInsideWorkDir(label + ".to", f.to);
    out.push_back(std::move(f));
  }
  return out;
}

OutputReader readerFrom(const Value& item, const std::string& label) {
  OutputReader r;
  if (item.isString()) {
    if (item.asString() != "stdout_json")
      throw paramError(
          label, "'" + item.asString() +
                     "' is not an output mode (expected \"stdout_json\", {\"file\": \"out.json\"}, "
                     "{\"file\": \"out.csv\"} or {\"file\": \"log.txt\", \"regex\": {...}})");
    return r;
  }
  if (item.kind() != ValueKind::Map)
    throw paramError(
        label,
        "expected \"stdout_json\" or an object like {\"file\": \"out.json\"}, got " + shown(item));
  for (const auto& [key, _] : item.asMap())
    if (key != "file" && key != "regex" && key != "format")
      throw paramError(label,
                       "unknown key '" + key + "' (expected \"file\", \"regex\", \"format\")");
  const Value* file = item.find("file");
  const Value* regex = item.find("regex");
  const Value* format = item.find("format");
  if (file && !file->isString())
    throw paramError(label + ".file", "expected a file name, got " + shown(*file));
  if (format && !format->isString())
    throw paramError(label + ".format",
                     "expected \"json\", \"csv\" or \"regex\", got " + shown(*format));
  r.file = file ? file->asString() : "";
  if (file) checkInsideWorkDir(label + ".file", r.file);
  std::string fmt = format ? format->asString() : "";
  if (fmt.empty()) {
    if (regex)
      fmt = "regex";
    else if (r.file.ends_with(".json"))
      fmt = "json";
    else if (r.file.ends_with(".csv"))
      fmt = "csv";
    else if (r.file.empty())
      throw paramError(label,
                       "give \"file\" (a .json or .csv file, or a text file with \"regex\")");
    else
      throw paramError(
          label, "cannot tell the format of '" + r.file +
                     "' from its name: add \"format\": \"json\" or \"csv\", or a \"regex\" map");
  }
  if (fmt == "json") {
    r.kind = r.file.empty() ? OutputReader::Kind::StdoutJson : OutputReader::Kind::JsonFile;
  } else if (fmt == "csv") {
    if (r.file.empty()) throw paramError(label, "format \"csv\" needs a \"file\"");
    r.kind = OutputReader::Kind::CsvFile;
  } else if (fmt == "regex") {
    r.kind = OutputReader::Kind::Regex;
  } else {
    throw paramError(label + ".format",
                     "'" + fmt + "' is not a format (expected json, csv or regex)");
  }
  if (regex && r.kind != OutputReader::Kind::Regex)
    throw paramError(label, "\"regex\" goes with format \"regex\", not \"" + fmt + "\"");
  if (r.kind == OutputReader::Kind::Regex) {
    if (!regex || regex->kind() != ValueKind::Map || regex->asMap().empty())
      throw paramError(label + ".regex",
                       "expected a map {\"output name\": \"pattern with one (capture)\"}");
    for (const auto& [name, pattern] : regex->asMap()) {
      const std::string where = label + ".regex." + name;
      if (!isIdentifier(name)) throw paramError(where, "'" + name + "' is not a valid output name");
      if (!pattern.isString())
        throw paramError(where, "expected a pattern string, got " + shown(pattern));
      try {
        const std::regex re(pattern.asString(), std::regex::ECMAScript);
        if (re.mark_count() != 1)
          throw paramError(
              where,
              "pattern '" + pattern.asString() + "' has " + std::to_string(re.mark_count()) +
                  " capture groups; it needs exactly one (the number), e.g. \"range = (\\\\S+)\"");
      } catch (const std::regex_error& e) {
        throw paramError(where, "pattern '" + pattern.asString() +
                                    "' is not a valid regular expression: " + e.what());
      }
      r.patterns.emplace_back(name, pattern.asString());
    }
  }
  return r;
}

double limit(const Map& params, const std::string& name) {
  const Value& v = at(params, name);
  return v.isNumber() ? v.asDouble() : 0.0;
}

}  // namespace

bool isIdentifier(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::string OutputReader::describe() const {
  switch (kind) {
    case Kind::StdoutJson:
      return "stdout (JSON)";
    case Kind::JsonFile:
      return "file '" + file + "' (JSON)";
    case Kind::CsvFile:
      return "file '" + file + "' (CSV)";
    case Kind::Regex:
      return file.empty() ? "stdout (regex)" : "file '" + file + "' (regex)";
  }
  return "?";
}

CommandSpec parseCommandSpec(const Map& params) {
  CommandSpec s;
  const Value& command = at(params, "command");
  if (command.kind() != ValueKind::List || command.asList().empty())
    throw paramError("command",
                     "expected a non-empty list of strings (the program and its arguments), got " +
                         shown(command));
  for (std::size_t i = 0; i < command.asList().size(); ++i) {
    const Value& a = command.asList()[i];
    if (!a.isString())
      throw paramError("command[" + std::to_string(i) + "]", "expected a string, got " + shown(a));
    s.argv.push_back(a.asString());
  }
  if (s.argv[0].empty()) throw paramError("command[0]", "the program name is empty");
  if (s.argv[0].find("{{") != std::string::npos)
    throw paramError("command[0]", "the program '" + s.argv[0] + "' cannot hold a {{placeholder}}");

  const Value& inputs = at(params, "inputs");
  if (!inputs.isNull() && inputs.kind() != ValueKind::Map)
    throw paramError(
        "inputs", "expected an object {\"name\": number or list of numbers}, got " + shown(inputs));
  if (!inputs.isNull()) {
    for (const auto& [name, v] : inputs.asMap()) {
      if (!isIdentifier(name))
        throw paramError("inputs." + name,
                         "'" + name + "' is not a valid input name (letters, digits, _)");
      if (v.isNumber()) {
        s.inputs[name] = v.asDouble();
      } else if (v.kind() == ValueKind::Vector) {
        s.inputs[name] = v;
      } else {
        throw paramError("inputs." + name,
                         "expected a number or a list of numbers, got " + shown(v));
      }
    }
  }
  s.templates = fileList(params, "templates", ".tpl");
  s.files = fileList(params, "files", "");
  std::set<std::string> targets;
  for (const auto* list : {&s.templates, &s.files})
    for (const auto& f : *list)
      if (!targets.insert(f.to).second)
        throw paramError(
            list == &s.templates ? "templates" : "files",
            "two files are copied to the same name '" + f.to + "' in the work directory");

  const Value& in = at(params, "stdin");
  s.stdin_json = in.isString() && in.asString() == "json";

  const Value& outputs = at(params, "outputs");
  if (outputs.isNull()) {
    s.outputs.push_back({});
  } else if (outputs.kind() == ValueKind::List) {
    if (outputs.asList().empty())
      throw paramError("outputs", "give at least one way to read the results");
    for (std::size_t i = 0; i < outputs.asList().size(); ++i)
      s.outputs.push_back(readerFrom(outputs.asList()[i], "outputs[" + std::to_string(i) + "]"));
  } else {
    s.outputs.push_back(readerFrom(outputs, "outputs"));
  }
  std::set<std::string> names;
  if (const Value& declared = at(params, "output_names"); declared.kind() == ValueKind::List) {
    for (const auto& n : declared.asList()) {
      const std::string name = n.isString() ? n.asString() : shown(n);
      if (!n.isString() || !isIdentifier(name))
        throw paramError("output_names",
                         "'" + name + "' is not a valid output name (letters, digits, _)");
      if (names.insert(name).second) s.output_names.push_back(name);
    }
  }
  for (const auto& r : s.outputs)
    for (const auto& [name, _] : r.patterns)
      if (names.insert(name).second) s.output_names.push_back(name);
  for (const auto& n : s.output_names)
    if (n == "outputs")
      throw paramError("output_names",
                       "'outputs' is reserved (the step's map of every named output)");

  s.timeout_s = limit(params, "timeout_s");
  s.cpu_time_s = limit(params, "cpu_time_s");
  s.memory_mb = limit(params, "memory_mb");
  if (const Value& r = at(params, "retries"); r.isNumber()) s.retries = static_cast<int>(r.asInt());
  const Value& on_failure = at(params, "on_failure");
  s.nan_on_failure = on_failure.isString() && on_failure.asString() == "nan";
  if (s.nan_on_failure && s.output_names.empty())
    throw paramError("on_failure",
                     "'nan' needs the names of the outputs (output_names, or regex outputs) so "
                     "that a failed evaluation can set each of them to NaN");
  const Value& keep = at(params, "keep");
  if (keep.isString() && keep.asString() == "all") s.keep = KeepMode::All;
  if (keep.isString() && keep.asString() == "none") s.keep = KeepMode::None;
  return s;
}

}  // namespace sciagents::core::agents::external
