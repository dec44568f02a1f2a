#include "core/workflow/run_result_reader.h"

#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace sciagents::core {

namespace {
Map mapFrom(const nlohmann::json& j) {
  if (!j.is_object()) return {};
  try {
    Value v = fromJson(j);
    if (v.kind() == ValueKind::Map) return v.asMap();
  } catch (const std::exception&) {
  }
  return {};
}
}  // namespace

StepStatus stepStatusFromName(const std::string& name) {
  if (name == "succeeded") return StepStatus::Succeeded;
  if (name == "failed" || name == "timed_out") return StepStatus::Failed;
  if (name == "cancelled") return StepStatus::Cancelled;
  if (name == "skipped") return StepStatus::Skipped;
  if (name == "running") return StepStatus::Running;
  return StepStatus::Pending;
}

RunResult runResultFromJson(const nlohmann::json& doc, const Workflow* workflow) {
  RunResult r;
  if (!doc.is_object()) return r;
  r.workflow = doc.value("workflow", std::string());
  r.status = stepStatusFromName(doc.value("status", std::string()));
  if (doc.contains("wall_s") && doc["wall_s"].is_number())
    r.wall_seconds = doc["wall_s"].get<double>();
  const nlohmann::json steps =
      doc.contains("steps") && doc["steps"].is_object() ? doc["steps"] : nlohmann::json::object();
  std::vector<std::string> order;
  if (workflow)
    for (const auto& s : workflow->steps)
      if (steps.contains(s.id)) order.push_back(s.id);
  for (auto it = steps.begin(); it != steps.end(); ++it)
    if (std::find(order.begin(), order.end(), it.key()) == order.end()) order.push_back(it.key());
  for (const auto& id : order) {
    const auto& j = steps[id];
    StepResult s;
    s.id = id;
    s.agent = j.value("agent", std::string());
    s.task = j.value("task", std::string());
    if (workflow && (s.agent.empty() || s.task.empty()))
      if (const auto* ws = workflow->step(id)) s.agent = ws->agent, s.task = ws->task;
    if (workflow)
      if (const auto* ws = workflow->step(id))
        s.params = mapFrom(ws->params);  // state names for plots
    s.status = stepStatusFromName(j.value("status", std::string()));
    s.cached = j.value("cached", false);
    if (j.contains("outputs")) s.outputs = mapFrom(j["outputs"]);
    if (j.contains("diagnostics")) s.diagnostics = mapFrom(j["diagnostics"]);
    if (j.contains("timing") && j["timing"].is_object()) {
      const auto& t = j["timing"];
      if (t.contains("wall_s") && t["wall_s"].is_number())
        s.wall_seconds = t["wall_s"].get<double>();
      if (t.contains("start_unix_us") && t["start_unix_us"].is_number_integer())
        s.start_us = t["start_unix_us"].get<std::int64_t>();
      if (t.contains("end_unix_us") && t["end_unix_us"].is_number_integer())
        s.end_us = t["end_unix_us"].get<std::int64_t>();
    }
    if (j.contains("provenance")) s.provenance = j["provenance"];
    if (j.contains("error") && j["error"].is_string()) s.error = j["error"].get<std::string>();
    if (j.contains("sweep_points") && j["sweep_points"].is_number_unsigned())
      s.points = j["sweep_points"].get<std::size_t>();
    r.steps.push_back(std::move(s));
  }
  return r;
}

}  // namespace sciagents::core
