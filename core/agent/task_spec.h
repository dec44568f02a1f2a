// An agent task: its schema and the function that runs it.
#pragma once

#include "core/agent/param_spec.h"
#include "core/agent/task_context.h"

#include <functional>
#include <string>
#include <vector>

namespace sciagents::core {

using TaskFn = std::function<void(TaskContext&)>;

struct TaskSpec {
  std::string id;
  std::string summary;  // one line
  std::string doc;      // longer description (markdown)
  std::vector<ParamSpec> params;
  std::vector<OutputSpec> outputs;
  TaskFn run;  // empty: the task is planned, listed but rejected by validate/run

  bool planned() const { return !static_cast<bool>(run); }
  const ParamSpec* param(std::string_view name) const;
  const OutputSpec* output(std::string_view name) const;

  // Applies defaults, checks required/unknown params and normalises every value to its declared
  // type. Errors name the parameter (the engine adds the step).
  Map resolveParams(const Map& given) const;
};

struct AgentSpec {
  std::string id;       // public API, e.g. "linear_algebra"
  std::string name;     // human name, e.g. "Linear algebra"
  std::string family;   // palette group
  std::string version;  // bump when results may change: it keys the result cache
  std::string summary;
  std::vector<TaskSpec> tasks;

  const TaskSpec* task(std::string_view id) const;
};

}  // namespace sciagents::core
