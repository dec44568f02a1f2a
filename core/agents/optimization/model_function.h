// A step-reference model as the function of an optimization task: the objective of minimize and
// global_minimize, the residuals of root, the predicted series of curve_fit. The referenced step
// is re-run per point by the engine (core/agent/model_evaluator.h); the points of one
// finite-difference gradient or Jacobian go to the model as one batch, so they run in parallel.
#pragma once

#include "core/agent/model_evaluator.h"
#include "core/agents/optimization/opt_common.h"

#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::agents::opt {

// True when `param` holds a step-reference model {"step", "input", "output"} rather than
// expressions.
bool isModelParam(const TaskContext& ctx, const std::string& param);
// The expression text of `param`, or "" when it holds a step model (for the structural hooks:
// method choice, analysis, validation).
std::string expressionText(const TaskContext& ctx, const std::string& param);

// Central differences (the stencils of fdGradient and fdJacobian): step h_i = cbrt(eps) max(1,
// |x_i|), or with `relative` cbrt(eps) |x_i| (1 when x_i = 0), second-order one-sided at a bound.
// Every point of the stencil is a row of one matrix evaluated in one call.
struct FdStencil {
  Matrix points;  // the points to evaluate, one per row
  Vector h;       // step per variable (signed for one-sided formulas)
  std::vector<bool> one_sided;
};
FdStencil gradientStencil(const Vector& x, const Bounds* b, bool relative = false);
// Gradient (values: one per stencil row) or Jacobian (one row of outputs per stencil row; `f0` the
// value at x, needed by one-sided formulas).
Matrix applyStencil(const FdStencil& s, const Matrix& values, const Vector& f0);

class ModelFunction {
 public:
  // Builds the model of `param` over `vars` (one input path per variable, in order). With
  // `vector` the output is a vector (residuals, predicted series), else one number.
  ModelFunction(const TaskContext& ctx, const std::string& param,
                const std::vector<std::string>& vars, bool vector);

  // f at each row of `points`: n x m (m = 1 for a scalar model). Failed evaluations are NaN rows,
  // counted in failures() (a NaN steers every method away, as a NaN expression does).
  Matrix batch(const Matrix& points);
  double scalar(const Vector& x);
  Vector vector(const Vector& x);
  // Central-difference gradient (scalar model) or Jacobian (vector model, m x n) with all points
  // in one batch; `f0` is f(x).
  Vector gradient(const Vector& x, double f0, const Bounds* b);
  Matrix jacobian(const Vector& x, const Vector& f0);

  long evaluations() const { return m_evaluations; }
  long failures() const { return m_failures; }
  const std::string& param() const { return m_param; }
  // "finite differences (h = ...)", for the `gradient`/`jacobian` diagnostic.
  std::string gradientText() const;
  // Diagnostics: model (the evaluator's), model_evaluations, failed_evaluations (+ a warning).
  void report(TaskContext& ctx) const;

 private:
  const TaskContext& m_ctx;
  std::string m_param;
  std::unique_ptr<ModelEvaluator> m_model;
  bool m_vector;
  long m_evaluations = 0, m_failures = 0, m_gradients = 0;
  Eigen::Index m_dim;
  Vector m_last_h;
  std::string m_first_failure;
};

}  // namespace sciagents::core::agents::opt
