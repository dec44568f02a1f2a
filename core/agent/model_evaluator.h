// The "model" of uq / surrogate / inverse tasks: a scalar function y = f(x1..xd) of the task's
// uncertain inputs, given either as an expression or as a reference to another workflow step.
//
//   "model": "sin(x1) + 7*sin(x2)^2"                               expression in the input names
//   "model": {"step": "sim", "input": ["constants.k", "constants.c"], "output": "y[-1]"}
//
// A step reference makes that step a template: the engine re-runs its agent task once per sample
// point with the input param paths overridden (in the order of the task's `inputs`), in parallel on
// the run's thread pool and through the result cache, and reads the indexed output (which must be
// one number). Tasks only see this interface; core supplies the expression implementation and the
// workflow engine the step implementation (see core/workflow/step_model.h).
#pragma once

#include "core/value/value.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {

class TaskContext;

class ModelEvaluator {
 public:
  // Called after each finished sample with the number finished so far (serialised; may run on a
  // worker thread).
  using DoneCallback = std::function<void(std::size_t done)>;

  virtual ~ModelEvaluator() = default;

  // Evaluates every row of `points` (n x d, columns in the order of the task's inputs) and returns
  // the n outputs in row order, whatever the scheduling, so results never depend on thread count.
  // Throws Error(RunFailed) naming the sample on a failed or non-finite evaluation, and
  // cancelledError() when the context is cancelled.
  virtual Vector evaluate(const Matrix& points, const TaskContext& ctx,
                          const DoneCallback& done = {}) = 0;

  // Models with a vector output (a step reference whose output names a whole array, or an external
  // program returning several values): row i of the result is the output at row i of `points`
  // (n x m, m the output length, the same for every row). The default calls evaluate() (m = 1).
  virtual Matrix evaluateVector(const Matrix& points, const TaskContext& ctx,
                                const DoneCallback& done = {});

  // Failed samples. By default a failed or non-finite evaluation throws, naming the sample. A task
  // that handles missing samples explicitly (and reports how many) allows them: the failed rows are
  // then NaN and failedSamples() lists their row indices from the last call.
  void allowFailedSamples(bool allow) { m_allow_failed = allow; }
  bool failedSamplesAllowed() const { return m_allow_failed; }
  const std::vector<std::size_t>& failedSamples() const { return m_failed; }

  // One line for diagnostics, e.g. "expression 'x1+x2'" or "step 'sim' (ode_pde.ivp), output
  // y[-1]".
  virtual std::string describe() const = 0;
  // Figures for the task's diagnostics (kind, evaluations, cache hits...).
  virtual Map diagnostics() const = 0;

 protected:
  bool m_allow_failed = false;
  std::vector<std::size_t> m_failed;
};

// Builds the engine-side evaluator for a resolved step reference (supplied through TaskContext).
using StepModelFactory = std::function<std::unique_ptr<ModelEvaluator>(
    const Map& ref, const std::vector<std::string>& input_names)>;

// The model held by parameter `param` of the task: an expression string in `input_names` plus the
// task's `constants`, or a step reference resolved by the engine. Errors name `param`.
std::unique_ptr<ModelEvaluator> makeModel(const TaskContext& ctx, std::string_view param,
                                          const std::vector<std::string>& input_names);

// True when `v` (a resolved param value) is a step-reference model.
bool isStepModel(const Value& v);

// "x1=0.5, x2=3" for row `row` of `points` (columns named by `names`), for messages.
std::string samplePointText(const Matrix& points, Eigen::Index row,
                            const std::vector<std::string>& names);

}  // namespace sciagents::core
