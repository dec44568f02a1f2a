// minimize: problem reading, the auto choice (select), problem facts (analyze) and the independent
// KKT check of a finished step (validate).
#include "core/agents/optimization/minimize_internal.h"
#include "core/agents/optimization/model_function.h"
#include "core/linalg/dense_decompositions.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

int Problem::nEq() const {
  int k = 0;
  for (const auto& c : constraints) k += c.eq ? 1 : 0;
  return k;
}
int Problem::nIneq() const { return static_cast<int>(constraints.size()) - nEq(); }

Problem readProblem(const TaskContext& ctx, bool bounds_required) {
  Problem p;
  p.vars = readNames(ctx, "variables");
  p.constants = readConstants(ctx);
  p.bounds = readBounds(ctx, "bounds", p.n(), bounds_required);
  if (ctx.spec().param("constraints")) p.constraints = readConstraints(ctx, p.vars, p.constants);
  if (ctx.spec().param("jac") && ctx.has("jac")) p.jac = ctx.param("jac").toStringList();
  return p;
}

std::string canonicalLocalMethod(const std::string& given) {
  const std::string m = toLower(given);
  if (m == "auto" || m == "bfgs" || m == "l-bfgs-b" || m == "nelder-mead" || m == "slsqp" ||
      m == "cobyla" || m == "auglag")
    return m;
  if (m == "lbfgs" || m == "l-bfgs" || m == "lbfgsb") return "l-bfgs-b";
  if (m == "neldermead" || m == "simplex") return "nelder-mead";
  throw paramError(
      "method", "unknown method '" + given +
                    "'; expected one of auto, BFGS, L-BFGS-B, Nelder-Mead, SLSQP, COBYLA, AUGLAG "
                    "(case-insensitive)");
}

std::string nonSmoothFunctions(const std::string& text) {
  std::string found;
  for (const char* f : {"abs", "sign", "rint", "min", "max", "floor", "ceil"}) {
    const std::string call = std::string(f) + "(";
    for (std::size_t pos = text.find(call); pos != std::string::npos;
         pos = text.find(call, pos + 1)) {
      const bool word_start =
          pos == 0 ||
          !(std::isalnum(static_cast<unsigned char>(text[pos - 1])) || text[pos - 1] == '_');
      if (word_start) {
        found += (found.empty() ? "" : ", ") + std::string(f);
        break;
      }
    }
  }
  return found;
}

Kkt kktAt(const Vector& grad, const std::vector<Constraint>& cons, const Bounds& b,
          const Vector& x) {
  const Eigen::Index n = x.size();
  std::vector<Vector> cols;
  std::vector<double> vals;
  std::vector<bool> ineq;
  Kkt k;
  for (const auto& c : cons) {
    const double v = c.expr.eval(x.data());
    auto h = [&](const Vector& y) { return c.expr.eval(y.data()); };
    const Vector gc = fdGradient(h, x);
    const double viol = std::isnan(v) ? std::numeric_limits<double>::infinity()
                        : c.eq        ? std::abs(v)
                                      : std::max(0.0, -v);
    k.feasibility = std::max(k.feasibility, viol);
    if (c.eq || std::abs(v) <= 1e-6 * std::max(1.0, gc.norm())) {
      cols.push_back(gc);
      vals.push_back(v);
      ineq.push_back(!c.eq);
    }
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    k.feasibility = std::max({k.feasibility, b.lo[i] - x[i], x[i] - b.hi[i]});
    const bool at_lo =
        std::isfinite(b.lo[i]) && x[i] - b.lo[i] <= 1e-8 * std::max(1.0, std::abs(b.lo[i]));
    const bool at_hi =
        std::isfinite(b.hi[i]) && b.hi[i] - x[i] <= 1e-8 * std::max(1.0, std::abs(b.hi[i]));
    if (at_lo || at_hi) {
      Vector e = Vector::Zero(n);
      e[i] = at_lo ? 1.0 : -1.0;
      cols.push_back(e);
      vals.push_back(at_lo ? x[i] - b.lo[i] : b.hi[i] - x[i]);
      ineq.push_back(true);
    }
  }
  const double gscale = std::max(1.0, grad.lpNorm<Eigen::Infinity>());
  k.n_active = static_cast<int>(cols.size());
  if (cols.empty()) {
    k.stationarity = grad.lpNorm<Eigen::Infinity>() / gscale;
    return k;
  }
  Matrix a(n, static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) a.col(static_cast<Eigen::Index>(j)) = cols[j];
  k.lambda = a.colPivHouseholderQr().solve(grad);
  k.stationarity = (grad - a * k.lambda).lpNorm<Eigen::Infinity>() / gscale;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    if (!ineq[j]) continue;
    const double l = k.lambda[static_cast<Eigen::Index>(j)];
    k.dual_feasibility = std::max(k.dual_feasibility, -l / gscale);
    k.complementarity = std::max(k.complementarity, std::abs(l * vals[j]));
  }
  return k;
}

MethodChoice selectMinimize(const TaskContext& ctx) {
  const std::string given = ctx.has("method") ? canonicalLocalMethod(ctx.text("method")) : "auto";
  if (given != "auto") return {given, "requested by the user", {}};
  const Problem p = readProblem(ctx, false);
  const std::string kinks = nonSmoothFunctions(expressionText(ctx, "objective"));
  const std::string n = std::to_string(p.n());
  if (!p.constraints.empty()) {
    if (!kinks.empty())
      return {"cobyla",
              "general constraints and a non-smooth objective (uses " + kinks +
                  "): COBYLA (derivative-free, linear approximations, handles constraints)",
              {}};
    return {"slsqp",
            std::to_string(p.nEq()) + " equality and " + std::to_string(p.nIneq()) +
                " inequality constraints on a smooth objective: SLSQP (sequential quadratic "
                "programming)",
            {}};
  }
  if (!kinks.empty())
    return {"nelder-mead",
            "the objective uses " + kinks +
                " (kinks defeat gradient methods): Nelder-Mead simplex" +
                (p.bounds.any ? " with bounds" : ""),
            {}};
  if (p.bounds.any)
    return {"l-bfgs-b",
            "bound constraints only on a smooth objective: L-BFGS-B (limited-memory quasi-Newton "
            "with bounds)",
            {}};
  if (p.n() > 10)
    return {"l-bfgs-b",
            "unconstrained and smooth with n = " + n +
                " > 10 variables: L-BFGS (limited-memory, O(n) work per iteration)",
            {}};
  return {"bfgs",
          "unconstrained and smooth with n = " + n +
              " <= 10 variables: BFGS (dense quasi-Newton, superlinear convergence)",
          {}};
}

Map analyzeMinimize(const TaskContext& ctx) {
  const Problem p = readProblem(ctx, false);
  Map m;
  m["dimension"] = static_cast<std::int64_t>(p.n());
  m["bounded"] = p.bounds.any;
  m["n_eq"] = static_cast<std::int64_t>(p.nEq());
  m["n_ineq"] = static_cast<std::int64_t>(p.nIneq());
  m["problem_class"] = !p.constraints.empty() ? "constrained"
                       : p.bounds.any         ? "bound-constrained"
                                              : "unconstrained";
  const std::string kinks = nonSmoothFunctions(expressionText(ctx, "objective"));
  m["nonsmooth_functions"] = kinks;
  m["step_model"] = isModelParam(ctx, "objective");
  if (!ctx.has("x0") || isModelParam(ctx, "objective")) return m;  // probes would re-run the step
  const Expression f(ctx.text("objective"), p.vars, p.constants);
  const Vector x0 = ctx.vector("x0");
  if (x0.size() != p.n()) return m;
  auto fn = [&](const Vector& y) { return f.eval(y.data()); };
  const double f0 = fn(x0);
  m["f_x0"] = f0;
  m["finite_at_x0"] = std::isfinite(f0);
  if (!std::isfinite(f0)) return m;
  // Smoothness probe: central-difference gradients with steps 6e-6 and 1e-3 agree on smooth
  // functions.
  const Vector g1 = fdGradient(fn, x0);
  Vector g2(p.n());
  Vector xp = x0;
  for (Eigen::Index i = 0; i < p.n(); ++i) {
    const double h = 1e-3 * std::max(1.0, std::abs(x0[i]));
    xp[i] = x0[i] + h;
    const double fp = fn(xp);
    xp[i] = x0[i] - h;
    g2[i] = (fp - fn(xp)) / (2 * h);
    xp[i] = x0[i];
  }
  const double disc =
      (g1 - g2).lpNorm<Eigen::Infinity>() / std::max(1.0, g1.lpNorm<Eigen::Infinity>());
  m["gradient_norm_x0"] = g1.norm();
  m["smoothness_probe"] = disc;
  m["smooth"] = kinks.empty() && disc < 1e-2;
  return m;
}

std::vector<ValidationCheck> validateMinimize(const TaskContext& ctx, const Map& outputs) {
  std::vector<ValidationCheck> out;
  // A step-model objective is not re-run here (each point is a run of that step).
  if (isModelParam(ctx, "objective")) return out;
  const Problem p = readProblem(ctx, ctx.spec().id == "global_minimize");
  const Expression f(ctx.text("objective"), p.vars, p.constants);
  const auto xit = outputs.find("x");
  if (xit == outputs.end()) return out;
  const Vector x = xit->second.toVector();
  auto fn = [&](const Vector& y) { return f.eval(y.data()); };
  const double fx = fn(x);
  if (const auto fit = outputs.find("fun"); fit != outputs.end()) {
    const double d = std::abs(fx - fit->second.asDouble());
    out.push_back({"objective_recomputed", d, 1e-12 * std::max(1.0, std::abs(fx)),
                   d <= 1e-12 * std::max(1.0, std::abs(fx)),
                   "|f(x) - fun| re-evaluating the objective expression at the returned x"});
  }
  // Gradient with a different step (1e-7 relative, 5-point stencil) than the run's own estimate.
  Vector g(x.size());
  Vector xp = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double h = 1e-3 * std::max(1.0, std::abs(x[i]));
    double s[4];
    const double off[4] = {-2, -1, 1, 2};
    for (int k = 0; k < 4; ++k) {
      xp[i] = std::clamp(x[i] + off[k] * h, p.bounds.lo[i] - 2 * h, p.bounds.hi[i] + 2 * h);
      s[k] = fn(xp);
    }
    xp[i] = x[i];
    g[i] = (s[0] - 8 * s[1] + 8 * s[2] - s[3]) / (12 * h);
  }
  const Kkt k = kktAt(g, p.constraints, p.bounds, x);
  const double scale_f = std::max(1.0, std::abs(fx));
  out.push_back({"kkt_stationarity", k.stationarity, 1e-4, k.stationarity <= 1e-4,
                 "||grad f - sum lambda_i grad c_i||_inf / max(1, ||grad f||_inf) with " +
                     std::to_string(k.n_active) +
                     " active constraints/bounds, multipliers by least squares, 5-point gradient "
                     "(h = 1e-3 |x|)"});
  out.push_back({"feasibility", k.feasibility, 1e-6 * scale_f, k.feasibility <= 1e-6 * scale_f,
                 "largest violation of constraints and bounds at x"});
  if (k.n_active > 0) {
    out.push_back(
        {"dual_feasibility", k.dual_feasibility, 1e-6, k.dual_feasibility <= 1e-6,
         "largest negative multiplier of an active inequality or bound (relative to ||grad f||)"});
    out.push_back({"complementarity", k.complementarity, 1e-6 * scale_f,
                   k.complementarity <= 1e-6 * scale_f,
                   "max |lambda_i c_i(x)| over active inequalities"});
  }
  return out;
}

}  // namespace sciagents::core::agents::opt
