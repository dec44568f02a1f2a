// A task prepared once for many runs that differ only in a few numbers: the samples of a
// step-model study (core/workflow/step_model.h), which re-run a template step with its model input
// paths ("constants.k", "y0[0]") set to each sample's values. A task that offers it registers its
// preparer under "agent.task" (registerPreparedTask, called by the task's builder); it parses,
// compiles and checks the template's params once, and each sample then binds its values and runs,
// without copying, resolving or re-reading the params.
#pragma once

#include "core/agent/task_context.h"

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sciagents::core {

class PreparedTask {
 public:
  virtual ~PreparedTask() = default;
  // Runs the task with values[k] at the k-th prepared path and puts into `ctx` exactly the outputs
  // (and, when `diagnostics` is true, the diagnostics) that the task's run gives for the template's
  // params with those values set; throws the same errors. `ctx` carries the run's wiring
  // (cancellation, seed, threads) but no params. May be called from several threads at once.
  virtual void run(TaskContext& ctx, std::span<const double> values, bool diagnostics) const = 0;
};

// `ctx` holds the template's resolved params; `paths` are the input paths (already checked to
// exist in those params). Returns nullptr when the task cannot prepare these paths: the study
// then runs the task once per sample.
using PrepareTaskFn = std::function<std::shared_ptr<const PreparedTask>(
    const TaskContext& ctx, const std::vector<std::string>& paths)>;

// The preparer of task `agent_task` ("ode_pde.ivp"); registering again replaces it.
void registerPreparedTask(const std::string& agent_task, PrepareTaskFn fn);
// nullptr when the task has none.
const PrepareTaskFn* preparedTaskFor(const std::string& agent, const std::string& task);

}  // namespace sciagents::core
