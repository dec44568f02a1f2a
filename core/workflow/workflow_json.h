// Lossless reading and writing of `*.workflow.json` for editors (Studio). parseWorkflow() keeps
// only what the engine needs; a WorkflowFile also keeps the optional "description" and "ui" members
// (workflow-level and per step, e.g. node positions "ui": {"x": 10, "y": 20}) and sweep values as
// written ({"linspace": [a, b, n]} stays a linspace), so open → save gives the same JSON back.
#pragma once

#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace sciagents::core {

struct StepExtras {
  std::string description;
  nlohmann::json ui;            // null when absent
  nlohmann::json sweep_values;  // "values" as written; null when the step has no sweep
};

struct WorkflowFile {
  Workflow workflow;
  std::string description;
  nlohmann::json ui;                        // workflow-level "ui", null when absent
  std::map<std::string, StepExtras> steps;  // by step id; missing entries mean "no extras"

  StepExtras* extras(const std::string& id) {
    auto it = steps.find(id);
    return it == steps.end() ? nullptr : &it->second;
  }
  const StepExtras* extras(const std::string& id) const {
    auto it = steps.find(id);
    return it == steps.end() ? nullptr : &it->second;
  }
};

// Structural parse (same errors as parseWorkflow) keeping the extras.
WorkflowFile workflowFileFromJson(const nlohmann::json& j);
WorkflowFile parseWorkflowFile(std::string_view text);

// The file form: keys in the documented order (sciagents, name, description, ui, steps; per step
// id, agent, task, description, params, sweep, ui), extras only when present.
nlohmann::ordered_json workflowFileToJson(const WorkflowFile& file);
// Pretty-printed with 2-space indentation and a final newline.
std::string dumpWorkflowFile(const WorkflowFile& file);

}  // namespace sciagents::core
