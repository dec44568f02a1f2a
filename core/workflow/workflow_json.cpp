#include "core/workflow/workflow_json.h"

namespace sciagents::core {

using nlohmann::json;
using nlohmann::ordered_json;

WorkflowFile workflowFileFromJson(const json& j) {
  WorkflowFile f;
  f.workflow = workflowFromJson(j);  // throws on structural problems
  if (j.contains("description") && j["description"].is_string())
    f.description = j["description"].get<std::string>();
  if (j.contains("ui")) f.ui = j["ui"];
  for (const auto& s : j["steps"]) {
    StepExtras e;
    if (s.contains("description") && s["description"].is_string())
      e.description = s["description"].get<std::string>();
    if (s.contains("ui")) e.ui = s["ui"];
    if (s.contains("sweep") && s["sweep"].is_object() && s["sweep"].contains("values"))
      e.sweep_values = s["sweep"]["values"];
    if (!e.description.empty() || !e.ui.is_null() || !e.sweep_values.is_null())
      f.steps[s["id"].get<std::string>()] = std::move(e);
  }
  return f;
}

WorkflowFile parseWorkflowFile(std::string_view text) {
  // parseWorkflow guards nesting depth and formats JSON errors; parse again to keep the extras.
  (void)parseWorkflow(text);
  return workflowFileFromJson(json::parse(text.begin(), text.end()));
}

ordered_json workflowFileToJson(const WorkflowFile& f) {
  ordered_json out;
  out["sciagents"] = f.workflow.format;
  out["name"] = f.workflow.name;
  if (!f.description.empty()) out["description"] = f.description;
  if (!f.ui.is_null()) out["ui"] = ordered_json::parse(f.ui.dump());
  out["steps"] = ordered_json::array();
  for (const auto& s : f.workflow.steps) {
    const StepExtras* e = f.extras(s.id);
    ordered_json j;
    j["id"] = s.id;
    j["agent"] = s.agent;
    j["task"] = s.task;
    if (e && !e->description.empty()) j["description"] = e->description;
    j["params"] = ordered_json::parse(s.params.dump());
    if (s.sweep && s.sweep->mode != SweepSpec::Mode::One) {
      j["sweep"] = ordered_json::parse(s.sweep->spec().dump());
    } else if (s.sweep) {
      ordered_json sw;
      sw["param"] = s.sweep->param;
      if (e && !e->sweep_values.is_null())
        sw["values"] = ordered_json::parse(e->sweep_values.dump());
      else
        sw["values"] = ordered_json::parse(s.sweep->values.spec().dump());
      j["sweep"] = std::move(sw);
    }
    if (e && !e->ui.is_null()) j["ui"] = ordered_json::parse(e->ui.dump());
    out["steps"].push_back(std::move(j));
  }
  return out;
}

std::string dumpWorkflowFile(const WorkflowFile& f) { return workflowFileToJson(f).dump(2) + "\n"; }

}  // namespace sciagents::core
