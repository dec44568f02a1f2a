#include "core/workflow/workflow.h"

#include "core/util/error.h"

#include <cmath>
#include <set>

namespace sciagents::core {

using nlohmann::json;

const Step* Workflow::step(std::string_view id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

Step* Workflow::step(std::string_view id) {
  for (auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

json Workflow::toJson() const {
  json out = {{"sciagents", format}, {"name", name}, {"steps", json::array()}};
  for (const auto& s : steps) {
    json j = {{"id", s.id}, {"agent", s.agent}, {"task", s.task}, {"params", s.params}};
    if (s.sweep) j["sweep"] = {{"param", s.sweep->param}, {"values", s.sweep->values.spec()}};
    out["steps"].push_back(std::move(j));
  }
  return out;
}

namespace {

constexpr std::size_t kMaxSweepValues = 1'000'000;

Error structural(const std::string& message, const std::string& step = {},
                 const std::string& key = {}) {
  return Error(ErrorCode::InvalidInput, message, step, key);
}

bool validId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  if (!(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

const char* typeName(const json& j) { return j.type_name(); }

SweepValues parseRange(const json& spec, const std::string& step, const std::string& kind) {
  const json& r = spec.at(kind);
  if (!r.is_array() || r.size() != 3 || !r[0].is_number() || !r[1].is_number() ||
      !r[2].is_number_integer())
    throw structural("sweep '" + kind + "' must be [start, stop, count] with an integer count",
                     step, "sweep");
  const double a = r[0].get<double>(), b = r[1].get<double>();
  const auto n = r[2].get<std::int64_t>();
  if (n < 1 || static_cast<std::size_t>(n) > kMaxSweepValues)
    throw structural("sweep count must be between 1 and " + std::to_string(kMaxSweepValues) +
                         ", got " + std::to_string(n),
                     step, "sweep");
  if (!std::isfinite(a) || !std::isfinite(b))
    throw structural("sweep range must be finite", step, "sweep");
  return SweepValues::range(
      kind == "logspace" ? SweepValues::Kind::Logspace : SweepValues::Kind::Linspace, a, b,
      static_cast<std::size_t>(n));
}

SweepSpec parseSweep(const json& j, const std::string& step) {
  if (!j.is_object()) throw structural("'sweep' must be an object", step, "sweep");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "param" && it.key() != "values")
      throw structural("unknown key '" + it.key() + "' in sweep (expected param, values)", step,
                       "sweep");
  if (!j.contains("param") || !j["param"].is_string() || j["param"].get<std::string>().empty())
    throw structural("sweep needs \"param\": the parameter path to vary, e.g. \"constants.k\"",
                     step, "sweep");
  if (!j.contains("values")) throw structural("sweep needs \"values\"", step, "sweep");
  SweepSpec s;
  s.param = j["param"].get<std::string>();
  const json& v = j["values"];
  if (v.is_array()) {
    if (v.empty()) throw structural("sweep values are empty", step, "sweep");
    if (v.size() > kMaxSweepValues) throw structural("too many sweep values", step, "sweep");
    s.values = SweepValues(std::vector<json>(v.begin(), v.end()));
  } else if (v.is_object() && v.size() == 1 && (v.contains("linspace") || v.contains("logspace"))) {
    s.values = parseRange(v, step, v.contains("linspace") ? "linspace" : "logspace");
  } else {
    throw structural(
        "sweep values must be a list or {\"linspace\": [a, b, n]} / {\"logspace\": [a, b, n]}",
        step, "sweep");
  }
  return s;
}

Step parseStep(const json& j, std::size_t index) {
  const std::string where = "#" + std::to_string(index + 1);
  if (!j.is_object())
    throw structural(std::string("step ") + where + " must be an object, got " + typeName(j));
  std::string id;
  if (j.contains("id") && j["id"].is_string()) id = j["id"].get<std::string>();
  if (!validId(id))
    throw structural("step " + where +
                     " needs an \"id\" of letters, digits, '_' or '-' starting with a letter" +
                     (id.empty() ? std::string() : ", got '" + id + "'"));
  static const std::set<std::string> allowed = {"id",    "agent",       "task", "params",
                                                "sweep", "description", "ui"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key()))
      throw structural("unknown key '" + it.key() +
                           "' (expected id, agent, task, params, sweep, description, ui)",
                       id);
  Step s;
  s.id = id;
  for (const char* key : {"agent", "task"}) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
      throw structural(std::string("missing \"") + key + "\" (a string)", id, key);
  }
  s.agent = j["agent"].get<std::string>();
  s.task = j["task"].get<std::string>();
  if (j.contains("params")) {
    if (!j["params"].is_object()) throw structural("\"params\" must be an object", id, "params");
    s.params = j["params"];
  }
  if (j.contains("sweep")) s.sweep = parseSweep(j["sweep"], id);
  return s;
}

}  // namespace

Workflow workflowFromJson(const json& j) {
  if (!j.is_object())
    throw structural(std::string("a workflow must be a JSON object, got ") + typeName(j));
  if (!j.contains("sciagents"))
    throw structural("not a SciAgents workflow: missing \"sciagents\": 1");
  if (!j["sciagents"].is_number_integer() || j["sciagents"].get<std::int64_t>() != 1)
    throw structural("unsupported workflow format " + j["sciagents"].dump() +
                     " (this version reads format 1)");
  static const std::set<std::string> allowed = {"sciagents", "name", "description", "steps", "ui"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key()))
      throw structural("unknown top-level key '" + it.key() +
                       "' (expected sciagents, name, description, steps)");
  Workflow w;
  if (j.contains("name")) {
    if (!j["name"].is_string()) throw structural("\"name\" must be a string");
    w.name = j["name"].get<std::string>();
  }
  if (!j.contains("steps") || !j["steps"].is_array())
    throw structural("a workflow needs \"steps\": a list of steps");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < j["steps"].size(); ++i) {
    Step s = parseStep(j["steps"][i], i);
    if (!ids.insert(s.id).second) throw structural("duplicate step id", s.id);
    w.steps.push_back(std::move(s));
  }
  return w;
}

Workflow parseWorkflow(std::string_view text) {
  json j;
  try {
    // Depth is bounded by nlohmann's recursive parser only by the stack; limit it ourselves.
    int depth = 0, max_depth = 0;
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
      else if (c == '[' || c == '{')
        max_depth = std::max(max_depth, ++depth);
      else if (c == ']' || c == '}')
        --depth;
    }
    if (max_depth > 200) throw structural("JSON nested deeper than 200 levels");
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::string msg = e.what();
    if (auto p = msg.find("parse error"); p != std::string::npos) msg = msg.substr(p);
    throw structural("invalid JSON: " + msg);
  }
  return workflowFromJson(j);
}

}  // namespace sciagents::core
