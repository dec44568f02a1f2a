// optimization.minimize: local minimisation, unconstrained, with bounds or general constraints.
#include "core/agents/optimization/minimize_internal.h"
#include "core/agents/optimization/model_function.h"
#include "core/agents/optimization/tasks.h"

#include <cmath>

namespace sciagents::core::agents::opt {

namespace {

std::string methodLabel(const std::string& m) {
  if (m == "bfgs") return "BFGS";
  if (m == "l-bfgs-b") return "L-BFGS-B";
  if (m == "nelder-mead") return "Nelder-Mead";
  if (m == "slsqp") return "SLSQP";
  if (m == "cobyla") return "COBYLA";
  return "AUGLAG";
}

void checkCompatible(const std::string& m, const Problem& p) {
  if (!p.constraints.empty() && (m == "bfgs" || m == "l-bfgs-b" || m == "nelder-mead"))
    throw paramError("method", "method '" + methodLabel(m) +
                                   "' does not handle general constraints (" +
                                   std::to_string(p.constraints.size()) +
                                   " given); use SLSQP, COBYLA, AUGLAG or auto");
  if (p.bounds.any && m == "bfgs")
    throw paramError("method", "method 'BFGS' does not handle bounds; use L-BFGS-B (or auto)");
}

void runMinimize(TaskContext& ctx) {
  const Problem p = readProblem(ctx, false);
  const Eigen::Index n = p.n();
  Vector x0 = readFinite(ctx, "x0", n);
  if (p.bounds.any &&
      (x0.array() < p.bounds.lo.array() || x0.array() > p.bounds.hi.array()).any()) {
    ctx.warn("x0 = " + vec(x0) + " lies outside the bounds; it was moved onto the nearest bound");
    x0 = clip(x0, p.bounds);
  }
  Objective obj(ctx, "objective", p.vars, p.constants, p.jac, p.bounds.any ? &p.bounds : nullptr);
  const double f0 = obj.value(x0);
  if (!std::isfinite(f0))
    throw paramError("x0", "the objective is " + num(f0) + " at x0 = " + vec(x0) +
                               "; start from a point where it is finite");
  obj.setDivergenceScale(x0.lpNorm<Eigen::Infinity>(), f0);
  MethodChoice choice = selectMinimize(ctx);
  if (obj.model() && toLower(ctx.text("method")) == "auto")
    choice.rationale +=
        " (the objective is a step model, assumed smooth; gradients by batched central "
        "differences)";
  checkCompatible(choice.method, p);
  LocalOptions o;
  o.method = choice.method;
  o.tol = ctx.number("tol");
  o.maxiter = ctx.has("maxiter") ? ctx.integer("maxiter") : 0;
  o.bounds = p.bounds;
  o.constraints = &p.constraints;
  const bool automatic = toLower(ctx.text("method")) == "auto";
  LocalResult r;
  auto attempt = [&] {
    try {
      return runLocal(obj, x0, o);
    } catch (const Diverged& d) {
      ctx.diagnostic("nfev", static_cast<std::int64_t>(obj.nfev()));
      if (obj.model()) obj.model()->report(ctx);
      throw Error(ErrorCode::RunFailed,
                  "divergence detected with " + methodLabel(o.method) + ": " + d.message);
    }
  };
  r = attempt();
  // A failed gradient method under auto is retried derivative-free (kinks, noisy or undefined
  // regions).
  if (automatic && !r.success && !r.maxiter && o.method != "cobyla" && o.method != "nelder-mead") {
    const std::string first = methodLabel(o.method);
    o.method = p.constraints.empty() ? "nelder-mead" : "cobyla";
    ctx.warn(first + " failed (" + r.message + "); retried with " + methodLabel(o.method));
    choice.rationale += "; " + first + " failed (" + r.message + "), so the derivative-free " +
                        methodLabel(o.method) + " was used";
    r = attempt();
  }
  ctx.setMethod(methodLabel(o.method), choice.rationale);

  Vector g;
  const double fx = obj.valueGrad(r.x, g);
  const Kkt k = kktAt(g, p.constraints, p.bounds, r.x);
  int worst = -1;
  const double viol = maxViolation(p.constraints, r.x, &worst);
  ctx.diagnostic("nfev", static_cast<std::int64_t>(obj.nfev()));
  ctx.diagnostic("gradient_evaluations", static_cast<std::int64_t>(obj.ngev()));
  ctx.diagnostic("gradient", obj.gradientText());
  if (obj.model()) obj.model()->report(ctx);
  ctx.diagnostic("kkt_stationarity", k.stationarity);
  ctx.diagnostic("max_constraint_violation", std::max(viol, k.feasibility));
  ctx.diagnostic("active_constraints", static_cast<std::int64_t>(k.n_active));
  if (k.lambda.size() > 0) ctx.diagnostic("lagrange_multipliers", k.lambda);
  ctx.diagnostic("f_x0", f0);
  const double feas_tol = 1e-6 * std::max(1.0, std::abs(fx));
  if (viol > feas_tol) {
    const Constraint& c = p.constraints[static_cast<std::size_t>(worst)];
    throw Error(ErrorCode::RunFailed,
                "constraints cannot be satisfied (infeasible problem?): " + methodLabel(o.method) +
                    " ended at x = " + vec(r.x) + " where constraint " + std::to_string(worst) +
                    " '" + c.text + (c.eq ? " = 0" : " >= 0") + "' is violated by " + num(viol) +
                    " (" + r.message + ")");
  }
  bool success = r.success;
  if (r.maxiter) {
    success = false;
    ctx.warn("maximum number of iterations reached: the result is not converged (" +
             methodLabel(o.method) + ": " + r.message + "); raise maxiter");
  } else if (!r.success) {
    ctx.warn(methodLabel(o.method) + " did not converge: " + r.message);
  }
  const double x0n = std::max(1.0, x0.lpNorm<Eigen::Infinity>()),
               xn = r.x.lpNorm<Eigen::Infinity>();
  if (!r.success && xn > 1e4 * x0n && fx < f0)
    ctx.warn("possible divergence: |x|_inf grew from " + num(x0n) + " to " + num(xn) +
             " while f fell from " + num(f0) + " to " + num(fx) +
             "; the objective may be unbounded below");
  if (success && k.stationarity > 1e-4 && o.method != "nelder-mead" && o.method != "cobyla") {
    success = false;
    ctx.warn("first-order optimality not reached: KKT stationarity residual " +
             num(k.stationarity) + " (relative); the point may not be a minimum");
  } else if (success && k.stationarity > 1e-3) {
    ctx.warn("derivative-free method stopped where the relative gradient (KKT) residual is " +
             num(k.stationarity) + "; tighten tol if more accuracy is needed");
  }
  ctx.output("x", r.x);
  ctx.output("fun", fx);
  ctx.output("nit", static_cast<std::int64_t>(r.nit));
  ctx.output("nfev", static_cast<std::int64_t>(obj.nfev()));
  ctx.output("success", success);
  ctx.output("jac", g);
  ctx.output("message", r.message);
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec minimizeTask() {
  TaskSpec t;
  t.id = "minimize";
  t.summary =
      "Local minimisation with bounds and constraints (BFGS, L-BFGS-B, Nelder-Mead, SLSQP, COBYLA, "
      "AUGLAG).";
  t.doc =
      "Minimises `objective` over `variables` from `x0`, like scipy.optimize.minimize.\n\n"
      "Methods: **BFGS** (own dense quasi-Newton with a strong-Wolfe line search; unconstrained), "
      "**L-BFGS-B** "
      "(NLopt LD_LBFGS; bounds), **SLSQP** (NLopt LD_SLSQP; bounds, equality and inequality "
      "constraints), "
      "**Nelder-Mead** (NLopt LN_NELDERMEAD; derivative-free, bounds), **COBYLA** (NLopt "
      "LN_COBYLA; "
      "derivative-free, constraints), **AUGLAG** (NLopt augmented Lagrangian around L-BFGS). "
      "Gradients come from "
      "`jac` expressions when given, otherwise from central differences (step cbrt(eps) "
      "max(1,|x|)).\n\n"
      "The objective may be another step of the workflow (`{\"step\", \"input\", \"output\"}`, as "
      "a uq model): "
      "that step is re-run at every point with its input params set to the variables; the 2n "
      "points of a "
      "finite-difference gradient run as one parallel batch. A failed run counts as NaN (the "
      "method steps "
      "away) and is reported in `failed_evaluations` with a warning.\n\n"
      "How to choose (what `auto` does): constraints -> SLSQP (COBYLA if the objective uses "
      "abs/min/max/sign...); "
      "bounds only -> L-BFGS-B; unconstrained smooth -> BFGS for n <= 10, L-BFGS for larger n; "
      "kinks -> "
      "Nelder-Mead. Under auto a failed gradient method is retried derivative-free and the "
      "rationale says so.\n\n"
      "Checks: x0 must give a finite objective; divergence (f < -1e100 or |x| growing without "
      "bound) fails the "
      "step; infeasible results fail with the violated constraint; reaching `maxiter` gives "
      "success = false and a "
      "warning. Diagnostics report the KKT stationarity residual, the largest constraint violation "
      "and the "
      "Lagrange multipliers of the active set.";
  t.params = {
      ParamSpec::make("objective", ParamType::Expression)
          .req()
          .describe("Objective f(variables) to minimise: an expression, or a step of this workflow "
                    "used as the model, "
                    "{\"step\": ID, \"input\": [PATHS] (one per variable, in order), \"output\": "
                    "\"NAME[i]\"} (one number); "
                    "the step is re-run per point, gradients by central differences with each "
                    "gradient's points run "
                    "in parallel."),
      ParamSpec::make("variables", ParamType::StringList)
          .req()
          .describe("Names of the unknowns, e.g. [\"x\", \"y\"]."),
      ParamSpec::make("x0", ParamType::Vector)
          .req()
          .describe("Starting point, one value per variable."),
      ParamSpec::make("bounds", ParamType::Any)
          .describe("One [lo, hi] pair per variable; null, \"-inf\" or \"inf\" for an open side."),
      ParamSpec::make("constraints", ParamType::Any)
          .describe("List of {\"type\": \"eq\"|\"ineq\", \"expr\": ...}; eq means expr = 0, ineq "
                    "means expr >= 0."),
      ParamSpec::make("method", ParamType::String)
          .oneOf({"auto", "BFGS", "L-BFGS-B", "Nelder-Mead", "SLSQP", "COBYLA", "AUGLAG"})
          .def("auto")
          .describe("Local method (case-insensitive); auto chooses from the problem structure and "
                    "explains why."),
      ParamSpec::make("jac", ParamType::ExpressionList)
          .describe("Optional gradient: one expression per variable (otherwise central finite "
                    "differences)."),
      ParamSpec::make("tol", ParamType::Number)
          .def(1e-8)
          .positive()
          .describe("BFGS: gradient tolerance ||g||_inf <= tol max(1,|f|). NLopt methods: relative "
                    "x tolerance (f: tol/100)."),
      ParamSpec::make("maxiter", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("Iteration limit (BFGS, default 200 n) or evaluation limit (NLopt methods, "
                    "default max(20000, 2000 n))."),
      ParamSpec::make("constants", ParamType::Map)
          .describe("Named constants usable in every expression."),
  };
  t.outputs = {
      {"x", ValueKind::Vector, "The minimiser found."},
      {"fun", ValueKind::Scalar, "Objective value at x."},
      {"nit", ValueKind::Integer, "Iterations (BFGS) or optimizer evaluations (NLopt methods)."},
      {"success", ValueKind::Bool, "Converged, feasible and first-order optimal."},
      {"nfev", ValueKind::Integer, "Objective evaluations, finite-difference ones included."},
      {"jac", ValueKind::Vector, "Gradient of the objective at x."},
      {"message", ValueKind::String, "Why the method stopped."},
  };
  t.run = runMinimize;
  t.select = selectMinimize;
  t.analyze = analyzeMinimize;
  t.validate = validateMinimize;
  return t;
}

}  // namespace sciagents::core::agents::opt
