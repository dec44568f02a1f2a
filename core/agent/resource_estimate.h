// Rough resource estimates of a task before it runs: the memory its dominant arrays need, the work
// (floating-point operations or model evaluations) and, for time steppers, the step budget. The
// server refuses jobs whose estimate exceeds its limits before they are queued, and the engine can
// check a step again once linked values are known (RunOptions::before_step).
//
// Estimators live next to their tasks (core/agents/<family>/) and are listed in
// resource_estimate.cpp; they read the same resolved params the run reads, so a param the run
// would use and that is not known yet (a link still unresolved) makes the estimate unknown.
#pragma once

#include "core/agent/task_context.h"
#include "core/util/text_format.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sciagents::core {

class AgentRegistry;
struct TaskSpec;

struct ResourceEstimate {
  double memory_bytes = 0;   // peak bytes of the dominant arrays (0: small)
  std::string memory_param;  // the param that drives it, e.g. "n"
  std::string memory_what;   // how it was counted, in words
  double work = 0;           // rough floating-point operations or model evaluations (0: small)
  std::string work_param;
  double steps = 0;  // time-stepping budget (ivp: steps the solver may take; 0: none)
  std::string steps_param;
};

using ResourceEstimator = std::function<ResourceEstimate(const AgentRegistry&, const TaskContext&)>;

// The estimator of agent.task, or nullptr when the task allocates nothing large.
const ResourceEstimator* findEstimator(std::string_view agent, std::string_view task);

// `given` resolved as resolveParams would (defaults applied, values normalised), except that the
// params named in `unknown` are left out (their value arrives later through a link) and values
// that fail their check are left out too (the validator reports those).
Map knownParams(const TaskSpec& task, const Map& given, const std::set<std::string>& unknown);

// Runs the estimator of agent.task on `params` (resolved or knownParams). nullopt when the task
// has no estimator or the estimate needs a param that is not known yet.
std::optional<ResourceEstimate> estimateResources(const AgentRegistry& registry,
                                                  std::string_view agent, const TaskSpec& task,
                                                  const Map& params, const std::string& step = {});

// Helpers for estimators: a count from a number param, the length of a vector-ish param.
double paramCount(const TaskContext& ctx, std::string_view name);
// formatCount(v) ("7.07e+03", "20000") is in core/util/text_format.h.

}  // namespace sciagents::core
