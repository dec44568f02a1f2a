// An agent task: its schema and the function that runs it.
#pragma once

#include "core/agent/param_spec.h"
#include "core/agent/task_context.h"

#include <functional>
#include <string>
#include <vector>

namespace sciagents::core {

using TaskFn = std::function<void(TaskContext&)>;

// The method a task uses for `method: "auto"`, and why (see TaskSpec::select).
struct MethodChoice {
  std::string method;
  std::string rationale;
  Map settings;  // method parameters the selector recommends (e.g. {"rtol": 1e-8}); may be empty
};

// One independent check of a finished step (see TaskSpec::validate).
struct ValidationCheck {
  std::string name;    // e.g. "residual", "resolve_difference", "kkt_stationarity"
  double value = 0.0;  // the measured figure
  double limit = 0.0;  // pass when value <= limit
  bool passed = false;
  std::string detail;  // how it was measured, in words
};

struct TaskSpec {
  std::string id;
  std::string summary;  // one line
  std::string doc;      // longer description (markdown)
  std::vector<ParamSpec> params;
  std::vector<OutputSpec> outputs;
  TaskFn run;  // empty: the task is planned, listed but rejected by validate/run

  // Optional hooks used by the assistant agents; each gets a context holding this task's resolved
  // params (defaults applied), exactly as `run` would.
  // Facts about the problem (problem_analyzer.analyze): e.g. {"stiff": true, "stiffness_ratio":
  // 1e7}.
  std::function<Map(const TaskContext&)> analyze;
  // The choice for method "auto" (algorithm_selector.select). A task with a `method` parameter
  // routes its own auto choice through this hook so the selector and the run always agree.
  std::function<MethodChoice(const TaskContext&)> select;
  // Independent checks of a finished step of this task (executor_validator.validate): `outputs`
  // are the step's outputs; the hook re-derives figures by other means (residuals, a re-solve with
  // another method at tighter tolerance, KKT conditions, another quadrature rule) and never just
  // re-reads the step's own diagnostics. `ctx` is the params context of the checked step.
  std::function<std::vector<ValidationCheck>(const TaskContext& ctx, const Map& outputs)> validate;

  // What the result depends on beyond the resolved params, e.g. the SHA-256 of a program file or a
  // template the task reads. Added to the step's cache key; empty for most tasks.
  std::function<std::string(const Map& params)> content_key;

  // Optional: runs the task for many parameter sets at once and returns each set's outputs, in
  // order. Step models (core/workflow/step_model.h) use it when present for their samples, which
  // differ only in the overridden inputs; a task provides it when a batch is cheaper than one run
  // per set (a vectorised Python function called once with arrays). `ctx` holds the first set's
  // params and the run's cancellation, threads, base folder and external policy.
  std::function<std::vector<Map>(TaskContext& ctx, const std::vector<Map>& param_sets)> run_batch;

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
