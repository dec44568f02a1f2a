// optimization.curve_fit: nonlinear least squares with the parameter covariance, as SciPy.
#include "core/agents/optimization/lm.h"
#include "core/agents/optimization/model_function.h"
#include "core/agents/optimization/tasks.h"
#include "core/linalg/dense_decompositions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace sciagents::core::agents::opt {

namespace {

// The fitting problem read from the params: model(x; params), data, weights.
struct Fit {
  std::vector<std::string> names;
  std::optional<Expression> model;
  std::optional<ExpressionDerivatives> grad;  // d model / d params, exact (an expression model)
  std::shared_ptr<ModelFunction> step;        // a step model: params -> the predicted series
  Vector xdata, ydata, sigma;                 // sigma empty: unweighted
  Vector p0;
  Bounds bounds;

  Vector modelAt(const Vector& p) const {
    if (step) {
      Vector f = step->vector(p);
      if (f.size() != ydata.size())
        throw paramError("model", "the model's output has " + std::to_string(f.size()) +
                                      " values but ydata has " + std::to_string(ydata.size()) +
                                      "; the step must predict one value per data point");
      return f;
    }
    std::vector<double> args(static_cast<std::size_t>(p.size()) + 1);
    for (Eigen::Index k = 0; k < p.size(); ++k) args[static_cast<std::size_t>(k) + 1] = p[k];
    Vector f(xdata.size());
    for (Eigen::Index i = 0; i < xdata.size(); ++i) {
      args[0] = xdata[i];
      f[i] = model->eval(args.data());
    }
    return f;
  }
  Vector weigh(Vector r) const {
    if (sigma.size()) r.array() /= sigma.array();
    return r;
  }
  Vector residuals(const Vector& p) const {
    return weigh(modelAt(p) - ydata);
  }  // weighted: (f - y) / sigma
  // Jacobian of the residuals: exact derivatives of an expression model, else the step model's
  // batched central differences, else fdJacobian.
  Matrix jacobian(const Vector& p) const {
    if (grad) {
      std::vector<double> args(static_cast<std::size_t>(p.size()) + 1);
      for (Eigen::Index k = 0; k < p.size(); ++k) args[static_cast<std::size_t>(k) + 1] = p[k];
      Matrix j(xdata.size(), p.size());
      Vector row(p.size());
      for (Eigen::Index i = 0; i < xdata.size(); ++i) {
        args[0] = xdata[i];
        grad->eval(args.data(), row.data());
        j.row(i) = sigma.size() ? Vector(row / sigma[i]) : row;
      }
      return j;
    }
    if (!step) return fdJacobian([&](const Vector& q) { return residuals(q); }, p);
    Matrix j = step->jacobian(p, modelAt(p));
    if (sigma.size()) j = sigma.cwiseInverse().asDiagonal() * j;
    return j;
  }
};

Fit readFit(const TaskContext& ctx) {
  Fit f;
  f.names = readNames(ctx, "params");
  if (isModelParam(ctx, "model")) {
    f.step = std::make_shared<ModelFunction>(ctx, "model", f.names, true);
  } else {
    const std::string xname = ctx.text("independent");
    std::vector<std::string> vars{xname};
    vars.insert(vars.end(), f.names.begin(), f.names.end());
    try {
      f.model.emplace(ctx.text("model"), vars, readConstants(ctx));
    } catch (const Error& e) {
      throw paramError("model", e.bareMessage());
    }
    std::vector<std::size_t> params(f.names.size());
    for (std::size_t k = 0; k < params.size(); ++k) params[k] = k + 1;  // variable 0 is x
    f.grad = ExpressionDerivatives::of(*f.model, std::move(params));
  }
  f.xdata = readFinite(ctx, "xdata", -1);
  f.ydata = readFinite(ctx, "ydata", -1);
  const auto n = static_cast<Eigen::Index>(f.names.size());
  if (f.xdata.size() != f.ydata.size())
    throw paramError("ydata", "expected " + std::to_string(f.xdata.size()) +
                                  " values (as many as xdata), got " +
                                  std::to_string(f.ydata.size()));
  if (f.xdata.size() < n)
    throw paramError("xdata", std::to_string(f.xdata.size()) + " data points cannot determine " +
                                  std::to_string(n) + " parameters");
  f.p0 = ctx.has("p0") ? readFinite(ctx, "p0", n) : Vector::Ones(n);
  if (ctx.has("sigma")) {
    f.sigma = readFinite(ctx, "sigma", f.xdata.size());
    if ((f.sigma.array() <= 0).any()) throw paramError("sigma", "every sigma must be > 0");
  }
  f.bounds = readBounds(ctx, "bounds", n, false);
  return f;
}

MethodChoice selectFit(const TaskContext& ctx) {
  const std::string m = toLower(ctx.text("method"));
  if (m == "lm" || m == "trf") {
    if (m == "lm" && ctx.has("bounds"))
      throw paramError("method", "method 'lm' does not handle bounds; use 'trf' or auto");
    return {m, "requested by the user", {}};
  }
  if (m != "auto")
    throw paramError("method",
                     "unknown method '" + ctx.text("method") + "'; expected auto, lm or trf");
  if (ctx.has("bounds"))
    return {"trf",
            "parameter bounds given: bounded Levenberg-Marquardt (projected steps, parameters "
            "pinned at a "
            "bound are frozen), the role of SciPy's 'trf'",
            {}};
  return {"lm",
          "unbounded problem: Levenberg-Marquardt (MINPACK-style scaling, QR-solved steps), as "
          "SciPy's default",
          {}};
}

Map analyzeFit(const TaskContext& ctx) {
  if (isModelParam(ctx, "model"))  // probing would re-run the step
    return Map{{"n_params", static_cast<std::int64_t>(readNames(ctx, "params").size())},
               {"step_model", true}};
  const Fit f = readFit(ctx);
  Map m;
  m["n_data"] = static_cast<std::int64_t>(f.xdata.size());
  m["n_params"] = static_cast<std::int64_t>(f.names.size());
  m["dof"] = static_cast<std::int64_t>(f.xdata.size() - static_cast<Eigen::Index>(f.names.size()));
  m["weighted"] = f.sigma.size() > 0;
  m["bounded"] = f.bounds.any;
  const Vector r0 = f.residuals(f.p0);
  m["finite_at_p0"] = r0.allFinite();
  if (r0.allFinite()) {
    m["rss_p0"] = r0.squaredNorm();
    const Eigen::JacobiSVD<Matrix> svd(f.jacobian(f.p0));
    const Vector s = svd.singularValues();
    m["jacobian_condition_p0"] =
        s[s.size() - 1] > 0 ? s[0] / s[s.size() - 1] : std::numeric_limits<double>::infinity();
  }
  return m;
}

// Lag-1 autocorrelation of the residuals taken in increasing x (mean removed). For independent
// errors it is about N(0, 1/n), so |rho_1| > 3/sqrt(n) happens by chance about 0.3 % of the time;
// a wrong model leaves long same-sign runs (rho_1 near 1). Needs n >= 10 (3/sqrt(n) < 1, else the
// bound could never be crossed) and residuals above rounding level (an exact fit's rounding noise
// is not a sample of the errors); otherwise no check is reported.
std::optional<ValidationCheck> residualAutocorrelation(const Fit& f, const Vector& r) {
  const Eigen::Index n = r.size();
  if (n < 10) return std::nullopt;
  const Vector y = f.sigma.size() ? Vector(f.ydata.cwiseQuotient(f.sigma)) : f.ydata;
  if (r.norm() <= 1e-10 * y.norm()) return std::nullopt;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return f.xdata[a] < f.xdata[b]; });
  const double mean = r.mean();
  double cross = 0.0, den = 0.0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const double d = r[order[i]] - mean;
    den += d * d;
    if (i > 0) cross += d * (r[order[i - 1]] - mean);
  }
  if (!(den > 0)) return std::nullopt;
  const double rho = cross / den, limit = 3.0 / std::sqrt(static_cast<double>(n));
  return ValidationCheck{
      "residual_autocorrelation", std::abs(rho), limit, std::abs(rho) <= limit,
      "|lag-1 autocorrelation| of the residuals in increasing x (" + num(rho) +
          "); independent errors stay within 3/sqrt(n), a wrong model leaves long same-sign runs"};
}

// Independent checks: the RSS gradient 2 J^T r (fresh Jacobian) vanishes relative to |J| |r|, the
// RSS recomputes, and the residuals show no systematic trend (residual_autocorrelation).
std::vector<ValidationCheck> validateFit(const TaskContext& ctx, const Map& outputs) {
  std::vector<ValidationCheck> out;
  const auto it = outputs.find("popt");
  // A step model is not re-run here (the run's residuals are in the outputs).
  if (it == outputs.end() || isModelParam(ctx, "model")) return out;
  const Fit f = readFit(ctx);
  const Vector p = it->second.toVector();
  const Vector r = f.residuals(p);
  const Matrix j = f.jacobian(p);
  Vector g = j.transpose() * r;
  double worst = 0.0;
  for (Eigen::Index k = 0; k < p.size(); ++k) {
    const bool pinned =
        (p[k] <= f.bounds.lo[k] && g[k] > 0) || (p[k] >= f.bounds.hi[k] && g[k] < 0);
    const double cn = j.col(k).norm();
    if (!pinned && cn > 0 && r.norm() > 0)
      worst = std::max(worst, std::abs(g[k]) / (cn * r.norm()));
  }
  out.push_back({"rss_gradient", worst, 1e-6, worst <= 1e-6,
                 "max_k |J_k . r| / (|J_k| |r|): cosine between residuals and each Jacobian column "
                 "(0 at a minimum)"});
  if (const auto rs = outputs.find("rss"); rs != outputs.end()) {
    const double d = std::abs(r.squaredNorm() - rs->second.asDouble());
    out.push_back({"rss_recomputed", d, 1e-10 * std::max(1e-300, r.squaredNorm()),
                   d <= 1e-10 * std::max(1e-300, r.squaredNorm()),
                   "|sum r_i^2 - rss| re-evaluating the model at popt"});
  }
  if (!r.allFinite()) {
    out.push_back(
        {"finite_residuals", 1, 0, false, "the model is not finite at popt for every data point"});
    return out;
  }
  if (auto ac = residualAutocorrelation(f, r)) out.push_back(std::move(*ac));
  return out;
}

void runFit(TaskContext& ctx) {
  const Fit f = readFit(ctx);
  const MethodChoice choice = selectFit(ctx);
  ctx.setMethod(choice.method, choice.rationale);
  const auto n = static_cast<Eigen::Index>(f.names.size());
  const Eigen::Index m = f.xdata.size();
  const Vector r0 = f.residuals(f.bounds.any ? clip(f.p0, f.bounds) : f.p0);
  for (Eigen::Index i = 0; i < m; ++i)
    if (!std::isfinite(r0[i]))
      throw paramError("p0", "the model is " + num(r0[i]) + " at x = " + num(f.xdata[i]) +
                                 " with p0 = " + vec(f.p0) +
                                 (f.step && f.step->failures() ? " (the step failed there)" : ""));
  LmOptions o;
  o.ftol = ctx.number("ftol");
  o.xtol = ctx.number("xtol");
  o.gtol = ctx.number("gtol");
  o.maxfev = ctx.has("maxfev") ? ctx.integer("maxfev") : 0;
  o.bounds = f.bounds.any ? &f.bounds : nullptr;
  o.on_iteration = [&](long it, double cost) {
    ctx.checkCancelled();
    ctx.metric("objective", static_cast<double>(it), cost);
  };
  if (f.step || f.grad) o.jacobian = [&f](const Vector& p, const Vector&) { return f.jacobian(p); };
  const LmResult r = levenbergMarquardt([&](const Vector& p) { return f.residuals(p); }, f.p0, o);
  // Covariance from a fresh Jacobian at the optimum: pcov = s^2 (J^T J)^-1 via SVD.
  const Matrix j = f.jacobian(r.p);
  const Eigen::JacobiSVD<Matrix> svd(j, Eigen::ComputeThinV);
  const Vector s = svd.singularValues();
  const double thresh =
      std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(m, n)) * s[0];
  Matrix pcov;
  const bool singular = s[n - 1] <= thresh;
  const bool absolute = ctx.flag("absolute_sigma");
  const double s2 =
      m > n ? r.cost / static_cast<double>(m - n) : std::numeric_limits<double>::infinity();
  if (singular || (!absolute && m <= n)) {
    pcov = Matrix::Constant(n, n, std::numeric_limits<double>::infinity());
    ctx.warn(singular ? "the Jacobian at popt is singular: the covariance of the parameters cannot "
                        "be estimated "
                        "(parameters are not identifiable from these data)"
                      : "as many parameters as data points: no degrees of freedom to estimate the "
                        "covariance");
  } else {
    const Matrix v = svd.matrixV();
    pcov = v * s.array().square().inverse().matrix().asDiagonal() * v.transpose();
    if (!absolute) pcov *= s2;
  }
  const Vector perr = pcov.diagonal().cwiseSqrt();
  const Vector fitted = f.modelAt(r.p);
  ctx.output("popt", r.p);
  ctx.output("pcov", pcov);
  ctx.output("perr", perr);
  ctx.output("rss", r.cost);
  ctx.output("residuals", Vector(f.ydata - fitted));
  ctx.output("nfev", static_cast<std::int64_t>(r.nfev));
  ctx.output("success", r.success);
  ctx.diagnostic("nit", static_cast<std::int64_t>(r.nit));
  ctx.diagnostic("message", r.message);
  ctx.diagnostic("residual_variance", s2);
  ctx.diagnostic("jacobian_condition",
                 s[n - 1] > 0 ? s[0] / s[n - 1] : std::numeric_limits<double>::infinity());
  if (f.step) {
    ctx.diagnostic("jacobian", f.step->gradientText());
    f.step->report(ctx);
  } else if (f.grad) {
    ctx.diagnostic("jacobian", "automatic differentiation (exact derivatives of the model)");
  } else {
    ctx.diagnostic("jacobian", "central differences, step cbrt(eps)|p|");
  }
  if (r.maxfev)
    ctx.warn("maximum number of function evaluations reached: " + r.message +
             "; the fit is not converged");
  else if (!r.success)
    ctx.warn("the fit did not converge: " + r.message);
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec curveFitTask() {
  TaskSpec t;
  t.id = "curve_fit";
  t.summary =
      "Nonlinear least-squares fit of a model to data, with parameter covariance (as "
      "scipy.optimize.curve_fit).";
  t.doc =
      "Fits `model` (an expression in `x` and the `params`) to (xdata, ydata) by minimising "
      "sum(((model - y) / sigma)^2).\n\n"
      "Methods: **lm** (Levenberg-Marquardt with MINPACK-style column scaling; each step solves "
      "the augmented "
      "least-squares system by QR, never the normal equations) and **trf** (the same iteration "
      "with projected "
      "steps for `bounds`: parameters pinned at a bound are frozen; SciPy's trust-region "
      "reflective plays this "
      "role). `auto`: lm without bounds, trf with bounds.\n\n"
      "Covariance as SciPy: pcov = s^2 (J^T J)^-1 with s^2 = RSS/(m - n), or (J^T J)^-1 with "
      "`absolute_sigma`, "
      "from the Jacobian at the optimum (SVD; a singular Jacobian gives inf and a warning). The "
      "Jacobian of an "
      "expression model is exact (automatic differentiation); a step model's is by central "
      "differences. "
      "`perr` = sqrt(diag(pcov)).\n\n"
      "The model may be a step of the workflow (`{\"step\", \"input\", \"output\"}`) that maps the "
      "params to "
      "the predicted series: e.g. an `ode_pde.ivp` step with `input` [\"constants.k\"] and "
      "`output` \"y\" "
      "(one state) or a vector output, with `t_eval` at the data's times; `xdata` are then the "
      "abscissae of "
      "the series (used to order residuals). It is re-run per parameter set and the 2n points of "
      "each "
      "Jacobian run as one parallel batch.";
  t.params = {
      ParamSpec::make("model", ParamType::Expression)
          .req()
          .describe("Model expression in x (see `independent`) and the params; or a step of this "
                    "workflow as the model, "
                    "{\"step\": ID, \"input\": [PATHS] (one per param), \"output\": \"NAME\"} "
                    "whose output is the "
                    "predicted series, one value per data point (e.g. \"y_final\" or an ODE's "
                    "\"y\" with one state)."),
      ParamSpec::make("params", ParamType::StringList)
          .req()
          .describe("Names of the fitted parameters."),
      ParamSpec::make("xdata", ParamType::Vector).req().describe("Independent variable values."),
      ParamSpec::make("ydata", ParamType::Vector)
          .req()
          .describe("Observed values, one per xdata entry."),
      ParamSpec::make("p0", ParamType::Vector)
          .describe("Initial guess (default: all ones, as SciPy)."),
      ParamSpec::make("sigma", ParamType::Vector)
          .describe("Standard deviations of ydata (weights 1/sigma^2)."),
      ParamSpec::make("absolute_sigma", ParamType::Boolean)
          .def(false)
          .describe("true: sigma is absolute and pcov is not rescaled by the residual variance."),
      ParamSpec::make("bounds", ParamType::Any)
          .describe("One [lo, hi] pair per parameter (null / \"inf\" for open)."),
      ParamSpec::make("method", ParamType::String)
          .oneOf({"auto", "lm", "trf"})
          .def("auto")
          .describe("lm (unbounded) or trf (bounded); auto picks by the presence of bounds."),
      ParamSpec::make("independent", ParamType::String)
          .def("x")
          .describe("Name of the independent variable in `model`."),
      ParamSpec::make("ftol", ParamType::Number)
          .def(1e-10)
          .positive()
          .describe("Relative reduction of the sum of squares."),
      ParamSpec::make("xtol", ParamType::Number)
          .def(1e-10)
          .positive()
          .describe("Relative (scaled) step size."),
      ParamSpec::make("gtol", ParamType::Number)
          .def(1e-10)
          .positive()
          .describe("Cosine between residuals and Jacobian columns."),
      ParamSpec::make("maxfev", ParamType::Integer)
          .range(1, std::nullopt)
          .describe(
              "Model evaluations allowed (finite differences included); default 1000 (n + 1)."),
      ParamSpec::make("constants", ParamType::Map).describe("Named constants usable in the model."),
  };
  t.outputs = {
      {"popt", ValueKind::Vector, "Fitted parameters."},
      {"pcov", ValueKind::Matrix, "Covariance of popt."},
      {"perr", ValueKind::Vector, "Standard errors sqrt(diag(pcov))."},
      {"rss", ValueKind::Scalar,
       "Residual sum of squares (weighted by 1/sigma^2 when sigma is given)."},
      {"residuals", ValueKind::Vector, "ydata - model(xdata; popt)."},
      {"nfev", ValueKind::Integer, "Model evaluations over the data set."},
      {"success", ValueKind::Bool, "A convergence criterion was met."},
  };
  t.run = runFit;
  t.select = selectFit;
  t.analyze = analyzeFit;
  t.validate = validateFit;
  return t;
}

}  // namespace sciagents::core::agents::opt
