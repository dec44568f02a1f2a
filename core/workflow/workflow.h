// The workflow model (`*.workflow.json`, format version 1) and its parser. Qt-free and
// JSON-serialisable: the CLI, server and Studio all use this one model.
#pragma once

#include "core/workflow/sweep.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {

struct Step {
  std::string id;
  std::string agent;
  std::string task;
  nlohmann::json params = nlohmann::json::object();  // raw; may hold {"from": ...} links anywhere
  std::optional<SweepSpec> sweep;
};

struct Workflow {
  int format = 1;
  std::string name;
  std::vector<Step> steps;

  const Step* step(std::string_view id) const;
  Step* step(std::string_view id);
  nlohmann::json toJson() const;
};

// Structure-level parsing: JSON syntax, required keys, types of the envelope, duplicate ids.
// Throws Error(InvalidInput) naming the step (and key) on the first structural problem.
// Schema-level checks (agents, params, links, cycles) are in validateWorkflow().
Workflow parseWorkflow(std::string_view text);
Workflow workflowFromJson(const nlohmann::json& j);

// Sets the param at `path` ("STEP.PARAM", "s.constants.k", "s.b[1]": one path syntax,
// core/workflow/param_path.h) to `value`: `--set` on the command line, `set=` in Python. Throws
// Error(InvalidInput) starting with `what` (e.g. "--set s.b[1]=3") and saying what is wrong.
void setStepParam(Workflow& w, const std::string& path, nlohmann::json value,
                  const std::string& what);

}  // namespace sciagents::core
