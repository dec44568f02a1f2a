// Admission control: resource checks of a job before it is queued, and of each step again when it
// is about to run (RunOptions::before_step) once linked values are known. Estimates come from the
// tasks' own estimators (core/agent/resource_estimate.h).
#pragma once

#include "core/agent/external_policy.h"
#include "core/value/value.h"
#include "core/workflow/workflow.h"
#include "server/server_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {
class AgentRegistry;
struct TaskSpec;
}  // namespace sciagents::core

namespace sciagents::server {

// Every limit, with its default and the `sciagents serve` flag that sets it (docs/server.md).
struct AdmissionLimits {
  std::int64_t max_grid_points = 50'000'000;  // n^dim of a PDE step (--max-grid-points)
  double max_memory_mb = 4096;    // estimated memory of one step (--max-job-memory-mb); a step's
                                  // memory_limit_mb may ask less, not more
  double max_work = 1e14;         // estimated operations of a whole job (--max-job-work)
  double max_solver_steps = 1e7;  // ivp step budget, max_num_steps (--max-solver-steps)
  std::int64_t max_sweep_points = 10000;  // sweep points of a whole job (--max-sweep-points)
  std::int64_t max_steps = 1000;          // steps of a workflow (--max-steps)
  // External models: allowed only inside these folders (--allow-external; empty: refused), with
  // these per-evaluation limits (--external-time-s, --external-memory-mb).
  std::vector<std::string> external_roots;
  double external_time_s = 600;
  double external_memory_mb = 2048;
};

// What a job's external steps may do under `limits`: work directories in `work_dir`, relative
// paths against the first allowed root. Disabled (with the flag named) when no root is allowed.
core::ExternalPolicy externalPolicy(const AdmissionLimits& limits, const std::string& work_dir);

AdmissionLimits admissionLimits(const ServerConfig& config);

// True when the step is an external step, or a nested workflow that contains one or is read from a
// file (whose steps are only known when it runs): what the Slurm backend must refuse.
bool mayRunExternalCode(const core::Step& s, int depth = 0);

struct LimitViolation {
  std::string step;
  std::string param;
  std::string limit;  // the flag of the limit that was exceeded, e.g. "--max-job-memory-mb"
  std::string message;
};

// Counts the steps of a request body (a workflow, or an envelope {"workflow": ...}) with a SAX
// pass that stops as soon as the count passes `max_steps`, so a body of 10^5 steps is refused
// without being parsed into a document. Returns the count seen when it is above max_steps.
std::optional<std::size_t> stepsAbove(std::string_view body, std::int64_t max_steps);

// Checks a parsed and validated workflow. Links to values known at submit time (a
// workflow_orchestration.value step with a literal value) are resolved first; a param whose value
// arrives through any other link is left to checkStep at run time. Sweeps are checked without
// being expanded. The first violation is reported.
std::optional<LimitViolation> checkWorkflowLimits(const core::Workflow& w,
                                                  const core::AgentRegistry& registry,
                                                  const AdmissionLimits& limits);

// Checks one step (one sweep point) about to run, on its resolved params. The engine hook throws
// the violation as an Error naming the step and parameter.
std::optional<LimitViolation> checkStepLimits(const core::AgentRegistry& registry,
                                              const core::Step& step, const core::TaskSpec& task,
                                              const core::Map& params,
                                              const AdmissionLimits& limits);

// The hook for core::RunOptions::before_step: throws Error(InvalidInput) on a violation.
void enforceStepLimits(const core::AgentRegistry& registry, const core::Step& step,
                       const core::TaskSpec& task, const core::Map& params,
                       const AdmissionLimits& limits);

}  // namespace sciagents::server
