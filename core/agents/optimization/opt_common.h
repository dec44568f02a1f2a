// Shared pieces of the optimization tasks: reading names/constants/bounds/constraints, the counted
// objective with finite-difference gradients, and formatting for messages.
#pragma once

#include "core/agent/constants_param.h"
#include "core/agent/task_context.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/util/text_format.h"
#include "core/value/value.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core::agents::opt {

std::string num(double v);         // formatPrecise (%.10g), NaN spelled "NaN" in optimizer messages
std::string vec(const Vector& v);  // [a, b, ...] (first 8 entries)

std::vector<std::string> readNames(const TaskContext& ctx, const std::string& param);
// A finite vector of length n (n < 0: any length).
Vector readFinite(const TaskContext& ctx, const std::string& param, Eigen::Index n);

// Box bounds; open sides are +-inf. `any` is false when every side is open.
struct Bounds {
  Vector lo, hi;
  bool any = false;
  bool finite() const { return lo.allFinite() && hi.allFinite(); }
};
// `bounds`: list of n [lo, hi] pairs, each side a number, null, "-inf" or "inf". Absent -> open.
Bounds readBounds(const TaskContext& ctx, const std::string& param, Eigen::Index n, bool required);
Vector clip(const Vector& x, const Bounds& b);

struct Constraint {
  bool eq = false;  // eq: expr == 0; ineq: expr >= 0
  std::string text;
  Expression expr;
};
std::vector<Constraint> readConstraints(const TaskContext& ctx,
                                        const std::vector<std::string>& vars, const Constants& c);
// Largest violation and the index of the constraint holding it (-1 when none is violated).
double maxViolation(const std::vector<Constraint>& cons, const Vector& x, int* which = nullptr);

// Central differences with step cbrt(eps)*max(1,|x_i|) (error ~ eps^(2/3) relative), kept inside
// the bounds by switching to a one-sided formula.
Vector fdGradient(const std::function<double(const Vector&)>& f, const Vector& x,
                  const Bounds* b = nullptr);
// Jacobian of a vector function by central differences with a relative step (for fits/roots whose
// parameters may be far from 1 in magnitude).
Matrix fdJacobian(const std::function<Vector(const Vector&)>& f, const Vector& x);

// Signals from inside an objective evaluation that the run must stop (divergence).
struct Diverged {
  std::string message;
};

// The objective of minimize/global_minimize: counts evaluations, computes gradients (analytic
// `jac` expressions or central differences), tracks the best point, emits live metrics and
// honours cancellation.
class ModelFunction;

class Objective {
 public:
  // The objective held by task param `param`: an expression in `vars` (plus constants), or a
  // step-reference model with one input path per variable (model_function.h).
  Objective(TaskContext& ctx, const std::string& param, const std::vector<std::string>& vars,
            const Constants& c, const std::vector<std::string>& jac, const Bounds* bounds);
  ~Objective();
  double value(const Vector& x);  // counts nfev
  // f at every row of `points` (a step model runs them as one parallel batch).
  Vector values(const Matrix& points);
  double valueGrad(const Vector& x, Vector& g);  // f and gradient
  Eigen::Index dim() const { return static_cast<Eigen::Index>(m_vars.size()); }
  long nfev() const { return m_nfev; }
  long ngev() const { return m_ngev; }
  bool analyticJac() const { return !m_jac.empty(); }
  // The step model, or nullptr for an expression objective.
  const ModelFunction* model() const { return m_model.get(); }
  // The `gradient` diagnostic: analytic, or the finite-difference scheme and step.
  std::string gradientText() const;
  // Divergence guard: f below -1e100 (or -1e20 max(1,|f0|)) or |x| beyond 1e15 max(1,|x0|) throws
  // Diverged.
  void setDivergenceScale(double x0_inf, double f0) {
    m_xlimit = 1e15 * std::max(1.0, x0_inf);
    m_flimit = -1e20 * std::max(1.0, std::abs(f0));
  }
  double bestF() const { return m_best; }
  const Vector& bestX() const { return m_best_x; }
  // Live metrics (objective, gradient_norm when >= 0) and progress (fraction when >= 0).
  void emit(long it, double f, double gnorm, double fraction = -1.0);
  void checkCancelled() const { m_ctx.checkCancelled(); }

 private:
  double raw(const Vector& x);
  double track(const Vector& x, double f);  // best point and divergence checks
  TaskContext& m_ctx;
  std::vector<std::string> m_vars;
  std::optional<Expression> m_f;
  std::unique_ptr<ModelFunction> m_model;
  std::vector<Expression> m_jac;
  std::optional<ExpressionDerivatives> m_grad;  // exact gradient of m_f when no jac is given
  const Bounds* m_bounds;
  long m_nfev = 0, m_ngev = 0;
  double m_best;
  Vector m_best_x;
  double m_xlimit = 1e300;
  double m_flimit = -1e100;
  std::chrono::steady_clock::time_point m_last_check;
};

// Everything a local method reports back.
struct LocalResult {
  Vector x;
  double f = 0.0;
  long nit = 0;
  bool success = false;
  bool maxiter = false;
  std::string message;
};

struct LocalOptions {
  std::string method;  // canonical lower-case name
  double tol = 1e-8;
  long maxiter = 0;  // 0: method default
  Bounds bounds;
  const std::vector<Constraint>* constraints = nullptr;
};

// Runs one local method (bfgs: own code; the rest through NLopt). Throws Diverged on divergence.
LocalResult runLocal(Objective& obj, const Vector& x0, const LocalOptions& o);
LocalResult runBfgs(Objective& obj, const Vector& x0, double gtol, long maxiter);

}  // namespace sciagents::core::agents::opt
