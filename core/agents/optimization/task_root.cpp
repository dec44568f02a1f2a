// optimization.root: roots of a scalar equation (Brent with a bracket, safeguarded Newton without)
// or of a system (Newton with a backtracking line search, Levenberg-Marquardt as fallback).
#include "core/agents/optimization/lm.h"
#include "core/agents/optimization/model_function.h"
#include "core/agents/optimization/root_internal.h"
#include "core/agents/optimization/tasks.h"

#include <Eigen/QR>

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

namespace {

struct RootProblem {
  std::vector<std::string> vars;
  std::optional<ExpressionSet> f;
  std::unique_ptr<ModelFunction> model;  // `f` is a step model with a vector output (the residuals)
  long nfev = 0;
  const TaskContext* ctx = nullptr;
  Vector eval(const Vector& x) {
    if (model) {
      ++nfev;
      Vector out = model->vector(x);
      if (out.size() != x.size())
        throw paramError("f", "the model gives " + std::to_string(out.size()) +
                                  " residual(s) for " + std::to_string(x.size()) +
                                  " variable(s); a root needs a square system");
      return out;
    }
    if ((++nfev & 255) == 0) ctx->checkCancelled();
    Vector out(static_cast<Eigen::Index>(f->size()));
    f->eval(std::span<const double>(x.data(), static_cast<std::size_t>(x.size())),
            std::span<double>(out.data(), f->size()));
    return out;
  }
  // The batched Jacobian of a step model (empty for expressions: the solvers' own differences).
  std::function<Matrix(const Vector&, const Vector&)> jacobian() {
    if (!model) return {};
    return [this](const Vector& x, const Vector& fx) {
      nfev += 2 * static_cast<long>(x.size());
      return model->jacobian(x, fx);
    };
  }
};

std::vector<std::string> rootVariables(const TaskContext& ctx) {
  return ctx.has("variables") ? readNames(ctx, "variables") : std::vector<std::string>{"x"};
}

// Number of equations: the expressions, or (step model) one per variable.
std::size_t equationCount(const TaskContext& ctx) {
  return isModelParam(ctx, "f") ? rootVariables(ctx).size() : ctx.param("f").toStringList().size();
}

RootProblem readRoot(const TaskContext& ctx) {
  RootProblem p;
  p.vars = rootVariables(ctx);
  p.ctx = &ctx;
  if (isModelParam(ctx, "f")) {
    p.model = std::make_unique<ModelFunction>(ctx, "f", p.vars, true);
    return p;
  }
  const std::vector<std::string> texts = ctx.param("f").toStringList();
  if (texts.size() != p.vars.size())
    throw paramError("f", std::to_string(texts.size()) + " equations for " +
                              std::to_string(p.vars.size()) +
                              " variables; a root needs a square system");
  try {
    p.f.emplace(texts, p.vars, readConstants(ctx));
  } catch (const Error& e) {
    throw paramError("f", e.bareMessage());
  }
  return p;
}

std::string canonicalRoot(const std::string& given) {
  const std::string m = toLower(given);
  if (m == "auto" || m == "brentq" || m == "newton" || m == "lm" || m == "kinsol") return m;
  if (m == "brent") return "brentq";
  throw paramError("method",
                   "unknown method '" + given + "'; expected auto, brentq, newton, lm or kinsol");
}

MethodChoice selectRoot(const TaskContext& ctx) {
  const std::string m = canonicalRoot(ctx.text("method"));
  const auto n = equationCount(ctx);
  if (m == "brentq" && (n != 1 || !ctx.has("bracket")))
    throw paramError("method", "brentq needs a single equation and a bracket [a, b]");
  if (m != "auto") return {m, "requested by the user", {}};
  if (n == 1 && ctx.has("bracket"))
    return {"brentq",
            "scalar equation with a bracket: Brent's method (guaranteed convergence, superlinear)",
            {}};
  if (n == 1)
    return {"newton",
            "scalar equation without a bracket: Newton with finite-difference derivative, step "
            "halving, "
            "and Brent as soon as a sign change is found",
            {}};
  return {"newton",
          "system of " + std::to_string(n) +
              " equations: Newton with backtracking line search on ||F||^2, "
              "Levenberg-Marquardt if the line search fails",
          {}};
}

Map analyzeRoot(const TaskContext& ctx) {
  Map m;
  m["dimension"] = static_cast<std::int64_t>(rootVariables(ctx).size());
  m["has_bracket"] = ctx.has("bracket");
  m["step_model"] = isModelParam(ctx, "f");
  if (isModelParam(ctx, "f")) return m;  // probing would re-run the step
  RootProblem p = readRoot(ctx);
  if (ctx.has("bracket") && p.vars.size() == 1) {
    const Vector b = ctx.vector("bracket");
    if (b.size() == 2) {
      const double fa = p.eval(Vector::Constant(1, b[0]))[0],
                   fb = p.eval(Vector::Constant(1, b[1]))[0];
      m["f_a"] = fa;
      m["f_b"] = fb;
      m["sign_change"] = fa * fb <= 0;
    }
  }
  return m;
}

std::vector<ValidationCheck> validateRoot(const TaskContext& ctx, const Map& outputs) {
  std::vector<ValidationCheck> out;
  const auto it = outputs.find("x");
  // A step model is not re-run here (the run's own residual is in the outputs).
  if (it == outputs.end() || isModelParam(ctx, "f")) return out;
  RootProblem p = readRoot(ctx);
  const Vector x = it->second.toVector();
  const Vector fx = p.eval(x);
  const Matrix j = fdJacobian([&](const Vector& y) { return p.eval(y); }, x);
  // |f(x)| against what rounding allows: eps * (|J| |x| + 1) per equation.
  const double scale =
      std::numeric_limits<double>::epsilon() * (j.cwiseAbs() * x.cwiseAbs()).maxCoeff() + 1e-300;
  const double lim = std::max(1e-10, 1e4 * scale);
  out.push_back({"residual", fx.lpNorm<Eigen::Infinity>(), lim, fx.lpNorm<Eigen::Infinity>() <= lim,
                 "max |f_i(x)| re-evaluated at the returned x"});
  if (ctx.has("bracket") && x.size() == 1) {
    const Vector b = ctx.vector("bracket");
    const bool inside = x[0] >= std::min(b[0], b[1]) && x[0] <= std::max(b[0], b[1]);
    out.push_back(
        {"inside_bracket", inside ? 0.0 : 1.0, 0.0, inside, "the root lies in the given bracket"});
  }
  return out;
}

void runRoot(TaskContext& ctx) {
  RootProblem p = readRoot(ctx);
  const MethodChoice choice = selectRoot(ctx);
  std::string method = choice.method, rationale = choice.rationale;
  const double xtol = ctx.number("xtol"), ftol = ctx.number("ftol");
  const long maxiter = ctx.integer("maxiter");
  const auto n = static_cast<Eigen::Index>(p.vars.size());
  auto scalar = [&](double x) { return p.eval(Vector::Constant(1, x))[0]; };
  RootResult r;
  if (method == "brentq") {
    const Vector b = readFinite(ctx, "bracket", 2);
    r = brentq(scalar, b[0], b[1], xtol, maxiter, ctx);
  } else {
    if (!ctx.has("x0"))
      throw paramError("x0",
                       "a starting point x0 is needed (or a bracket [a, b] for one equation)");
    const Vector x0 = readFinite(ctx, "x0", n);
    const Vector f0 = p.eval(x0);
    if (!f0.allFinite())
      throw paramError("x0", "f is not finite at x0 = " + vec(x0) + ": f = " + vec(f0));
    if (method == "kinsol") {
      r = kinsolSystem([&](const Vector& x) { return p.eval(x); }, x0, xtol, ftol, maxiter, ctx);
    } else if (n == 1 && method == "newton") {
      r = scalarNewton(scalar, x0[0], xtol, ftol, maxiter, ctx);
    } else if (method == "newton") {
      r = newtonSystem([&](const Vector& x) { return p.eval(x); }, x0, xtol, ftol, maxiter, ctx,
                       p.jacobian());
      if (!r.success && !r.maxiter && toLower(ctx.text("method")) == "auto") {
        ctx.warn("Newton failed (" + r.message + "); retried with Levenberg-Marquardt");
        rationale += "; Newton failed (" + r.message + "), Levenberg-Marquardt used";
        method = "lm";
      }
    }
    if (method == "lm") {
      LmOptions o;
      o.ftol = 1e-15;
      o.xtol = xtol;
      o.gtol = 1e-15;
      o.on_iteration = [&](long it, double cost) {
        ctx.metric("residual", static_cast<double>(it), std::sqrt(cost));
      };
      if (auto jac = p.jacobian())
        o.jacobian = [jac](const Vector& x, const Vector& fx) { return jac(x, fx); };
      const LmResult l = levenbergMarquardt([&](const Vector& x) { return p.eval(x); }, x0, o);
      r = {l.p,
           l.r,
           l.nit,
           l.r.lpNorm<Eigen::Infinity>() <= ftol,
           l.maxfev,
           l.message + (l.r.lpNorm<Eigen::Infinity>() <= ftol
                            ? ""
                            : "; converged to a minimum of ||F|| that is not a root")};
    }
  }
  ctx.setMethod(method, rationale);
  const Vector fx = p.eval(r.x);
  if (r.maxiter)
    ctx.warn("maximum number of iterations reached (" + r.message + "): the root is not converged");
  else if (!r.success)
    ctx.warn("no root found: " + r.message + "; |f| = " + num(fx.lpNorm<Eigen::Infinity>()));
  ctx.output("x", r.x);
  ctx.output("fun", fx);
  ctx.output("success", r.success && fx.allFinite());
  ctx.output("nfev", static_cast<std::int64_t>(p.nfev));
  ctx.output("nit", static_cast<std::int64_t>(r.nit));
  ctx.output("message", r.message);
  ctx.diagnostic("residual_inf", fx.lpNorm<Eigen::Infinity>());
  if (p.model) {
    ctx.diagnostic("jacobian", method == "newton" || method == "lm"
                                   ? p.model->gradientText()
                                   : std::string(method == "kinsol" ? "KINSOL difference quotients"
                                                                    : "not used (bracketing)"));
    p.model->report(ctx);
  }
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec rootTask() {
  TaskSpec t;
  t.id = "root";
  t.summary =
      "Roots of a scalar equation (Brent, Newton) or of a nonlinear system (Newton line search, "
      "LM).";
  t.doc =
      "Solves f(x) = 0. `f` is one expression (scalar equation) or a list (a square system in "
      "`variables`), "
      "or a step-reference model whose output is the residual vector (re-run per point; the 2n "
      "points of "
      "each finite-difference Jacobian run as one parallel batch; a failed run counts as NaN and "
      "is "
      "reported in `failed_evaluations`).\n\n"
      "Methods: **brentq** (Brent's method on a sign-changing `bracket` [a, b]: never fails, "
      "superlinear), "
      "**newton** (scalar: Newton with a central-difference derivative, halving steps that do not "
      "reduce |f|, "
      "switching to Brent once a sign change is seen; system: Newton with a finite-difference "
      "Jacobian solved "
      "by column-pivoted QR and a backtracking line search on ||F||^2), **lm** "
      "(Levenberg-Marquardt on ||F||^2: "
      "robust far from the root, may stop at a local minimum of ||F|| that is not a root, which is "
      "reported), "
      "**kinsol** (SUNDIALS KINSOL: Newton with its own difference-quotient Jacobian refreshed "
      "every step, a dense "
      "direct solve and KINSOL's line search; stops on max |f_i| <= ftol or a scaled step below "
      "xtol).\n\n"
      "How to choose: give a bracket when you have one (auto then uses Brent); otherwise auto uses "
      "Newton and, "
      "for systems, falls back to LM. kinsol is the SUNDIALS alternative for systems (the same "
      "Newton/line-search "
      "idea in a widely used library); choose it to cross-check newton, auto never picks it.";
  t.params = {
      ParamSpec::make("f", ParamType::ExpressionList)
          .req()
          .describe("Equation(s) f(x) = 0: one expression or a list; or a step of this workflow as "
                    "the model, "
                    "{\"step\": ID, \"input\": [PATHS] (one per variable), \"output\": \"NAME\"} "
                    "giving the vector of "
                    "residuals (one per variable)."),
      ParamSpec::make("variables", ParamType::StringList)
          .describe("Names of the unknowns (default [\"x\"])."),
      ParamSpec::make("x0", ParamType::Vector)
          .describe("Starting point (needed unless a bracket is given)."),
      ParamSpec::make("bracket", ParamType::Vector)
          .describe("[a, b] with f(a) and f(b) of opposite signs (scalar only)."),
      ParamSpec::make("method", ParamType::String)
          .oneOf({"auto", "brentq", "newton", "lm", "kinsol"})
          .def("auto")
          .describe("Root-finding method (case-insensitive)."),
      ParamSpec::make("xtol", ParamType::Number)
          .def(1e-15)
          .positive()
          .describe("Absolute step/bracket tolerance (plus 4 eps |x|)."),
      ParamSpec::make("ftol", ParamType::Number)
          .def(1e-12)
          .positive()
          .describe("Residual tolerance max |f_i| for Newton/LM."),
      ParamSpec::make("maxiter", ParamType::Integer)
          .def(200)
          .range(1, std::nullopt)
          .describe("Iteration limit."),
      ParamSpec::make("constants", ParamType::Map)
          .describe("Named constants usable in the equations."),
  };
  t.outputs = {
      {"x", ValueKind::Vector, "The root."},
      {"fun", ValueKind::Vector, "Residual f(x)."},
      {"success", ValueKind::Bool, "A root was found to tolerance."},
      {"nfev", ValueKind::Integer, "Function evaluations (finite differences included)."},
      {"nit", ValueKind::Integer, "Iterations."},
      {"message", ValueKind::String, "Why the method stopped."},
  };
  t.run = runRoot;
  t.select = selectRoot;
  t.analyze = analyzeRoot;
  t.validate = validateRoot;
  return t;
}

}  // namespace sciagents::core::agents::opt
