#include "core/workflow/run_result.h"

namespace sciagents::core {

std::string_view stepStatusName(StepStatus s) {
  switch (s) {
    case StepStatus::Pending:
      return "pending";
    case StepStatus::Running:
      return "running";
    case StepStatus::Succeeded:
      return "succeeded";
    case StepStatus::Failed:
      return "failed";
    case StepStatus::Cancelled:
      return "cancelled";
    case StepStatus::Skipped:
      return "skipped";
  }
  return "?";
}

const StepResult* RunResult::step(std::string_view id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

nlohmann::json RunResult::toJson(const JsonWriteOptions& options) const {
  nlohmann::json steps_json = nlohmann::json::object();
  for (const auto& s : steps) {
    JsonWriteOptions o = options;
    o.sidecar_prefix = options.sidecar_prefix + s.id + ".";
    nlohmann::json j = {
        {"status", stepStatusName(s.status)},
        {"agent", s.agent},
        {"task", s.task},
        {"outputs", core::toJson(Value(s.outputs), o)},
        {"diagnostics", core::toJson(Value(s.diagnostics))},
        {"timing",
         {{"wall_s", s.wall_seconds}, {"start_unix_us", s.start_us}, {"end_unix_us", s.end_us}}},
        {"provenance", s.provenance},
        {"cached", s.cached}};
    if (s.points > 1) j["sweep_points"] = s.points, j["cached_points"] = s.cached_points;
    if (!s.error.empty()) j["error"] = s.error;
    steps_json[s.id] = std::move(j);
  }
  nlohmann::json doc = {{"sciagents_result", 1},
                        {"status", stepStatusName(status)},
                        {"workflow", workflow},
                        {"wall_s", wall_seconds},
                        {"steps", steps_json}};
  if (!workflow_spec.is_null()) doc["workflow_spec"] = workflow_spec;
  if (!run_info.is_null()) doc["run"] = run_info;
  return doc;
}

}  // namespace sciagents::core
