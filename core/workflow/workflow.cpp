#include "core/workflow/workflow.h"

#include "core/util/error.h"
#include "core/workflow/param_path.h"
#include "core/workflow/sweep_json.h"

#include <algorithm>
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
    if (s.sweep) j["sweep"] = s.sweep->spec();
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

// A sweep's values as written: a list or a linspace/logspace range. `where` names the axis in
// messages ("sweep", "sweep grid #2").
SweepValues parseSweepValues(const json& v, const std::string& step, const std::string& where) {
  if (v.is_array()) {
    if (v.empty()) throw structural(where + " values are empty", step, "sweep");
    if (v.size() > kMaxSweepValues)
      throw structural("too many " + where + " values", step, "sweep");
    return SweepValues(std::vector<json>(v.begin(), v.end()));
  }
  if (v.is_object() && v.size() == 1 && (v.contains("linspace") || v.contains("logspace")))
    return parseRange(v, step, v.contains("linspace") ? "linspace" : "logspace");
  throw structural(where +
                       " values must be a list or {\"linspace\": [a, b, n]} / {\"logspace\": "
                       "[a, b, n]}",
                   step, "sweep");
}

std::string nonEmptyPath(const json& j, const std::string& step, const std::string& where) {
  if (!j.is_string() || j.get<std::string>().empty())
    throw structural(where + " needs \"param\": the parameter path to vary, e.g. \"constants.k\"",
                     step, "sweep");
  return j.get<std::string>();
}

// "grid" / "zip": a list of {"param": PATH, "values": V}.
std::vector<SweepAxis> parseSweepAxes(const json& list, const std::string& step,
                                      const std::string& mode) {
  if (!list.is_array() || list.empty())
    throw structural(
        "sweep \"" + mode + "\" must be a non-empty list of {\"param\": PATH, \"values\": ...}",
        step, "sweep");
  std::vector<SweepAxis> axes;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "sweep " + mode + " #" + std::to_string(i + 1);
    const json& a = list[i];
    if (!a.is_object()) throw structural(where + " must be an object", step, "sweep");
    for (auto it = a.begin(); it != a.end(); ++it)
      if (it.key() != "param" && it.key() != "values")
        throw structural("unknown key '" + it.key() + "' in " + where + " (expected param, values)",
                         step, "sweep");
    SweepAxis axis;
    axis.param = nonEmptyPath(a.value("param", json()), step, where);
    if (!seen.insert(axis.param).second)
      throw structural(where + " varies '" + axis.param + "' a second time", step, "sweep");
    if (!a.contains("values")) throw structural(where + " needs \"values\"", step, "sweep");
    axis.values = parseSweepValues(a["values"], step, where);
    if (mode == "zip" && !axes.empty() && axis.values.size() != axes.front().values.size())
      throw structural(where + " ('" + axis.param + "') has " + std::to_string(axis.values.size()) +
                           " values but '" + axes.front().param + "' has " +
                           std::to_string(axes.front().values.size()) +
                           " (zip pairs the i-th values; every list must be as long)",
                       step, "sweep");
    axes.push_back(std::move(axis));
  }
  if (mode == "grid") {
    double n = 1;
    for (const auto& a : axes) n *= static_cast<double>(a.values.size());
    if (n > static_cast<double>(kMaxSweepValues))
      throw structural("sweep grid has " + std::to_string(static_cast<long long>(n)) +
                           " points, more than " + std::to_string(kMaxSweepValues),
                       step, "sweep");
  }
  return axes;
}

SweepSpec parseSweep(const json& j, const std::string& step) {
  if (!j.is_object()) throw structural("'sweep' must be an object", step, "sweep");
  SweepSpec s;
  const auto only = [&](std::initializer_list<const char*> keys, const std::string& expected) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; }))
        throw structural("unknown key '" + it.key() + "' in sweep (expected " + expected + ")",
                         step, "sweep");
  };
  if (j.contains("grid") || j.contains("zip")) {
    const std::string mode = j.contains("grid") ? "grid" : "zip";
    only({mode.c_str()}, mode + " alone");
    s.mode = mode == "grid" ? SweepSpec::Mode::Grid : SweepSpec::Mode::Zip;
    s.axes = parseSweepAxes(j[mode], step, mode);
    return s;
  }
  if (j.contains("design")) {
    only({"design", "params"}, "design, params");
    const json& d = j["design"];
    if (!d.is_object() || d.size() != 1 || !d.contains("from") || !d["from"].is_string())
      throw structural(
          "sweep \"design\" must be a link {\"from\": \"STEP.OUTPUT\"} to a "
          "matrix with one row per point",
          step, "sweep");
    s.mode = SweepSpec::Mode::Design;
    s.design_from = d["from"].get<std::string>();
    const json& p = j.value("params", json());
    if (!p.is_array() || p.empty())
      throw structural(
          "sweep design needs \"params\": the parameter path each column sets, "
          "e.g. [\"constants.k\", \"y0[0]\"]",
          step, "sweep");
    std::set<std::string> seen;
    for (const auto& path : p) {
      s.design_params.push_back(nonEmptyPath(path, step, "sweep design"));
      if (!seen.insert(s.design_params.back()).second)
        throw structural("sweep design sets '" + s.design_params.back() + "' twice", step, "sweep");
    }
    return s;
  }
  only({"param", "values"}, "param, values; or grid, zip, design");
  s.param = nonEmptyPath(j.value("param", json()), step, "sweep");
  if (!j.contains("values")) throw structural("sweep needs \"values\"", step, "sweep");
  s.values = parseSweepValues(j["values"], step, "sweep");
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

SweepSpec sweepFromJson(const json& j, const std::string& step) { return parseSweep(j, step); }

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

void setStepParam(Workflow& w, const std::string& path, nlohmann::json value,
                  const std::string& what) {
  std::string err;
  const auto full = ParamPath::parse(path, &err);
  if (!full) throw Error(ErrorCode::InvalidInput, what + ": " + err);
  if (full->size() < 2 || full->segments()[1].is_index)
    throw Error(ErrorCode::InvalidInput,
                what + ": expected STEP.PARAM (a step id, then a param path), got '" + path + "'");
  const std::string step_id = full->head();
  const ParamPath tail = full->tail(1);
  Step* step = w.step(step_id);
  if (!step)
    throw Error(ErrorCode::InvalidInput, what + ": the workflow has no step '" + step_id + "'");
  if (!setAtPath(step->params, tail, std::move(value), &err))
    throw Error(ErrorCode::InvalidInput, what + ": " + err, step_id, tail.text());
}

}  // namespace sciagents::core
