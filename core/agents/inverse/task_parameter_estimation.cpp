// inverse.parameter_estimation: least-squares fit of ODE constants (and initial values) to
// time-series data by Levenberg-Marquardt (the optimization agent's implementation) on residuals
// computed by the ode_pde.ivp integrators, with the covariance s^2 (J^T J)^-1 from the Jacobian.
// With `model` instead of an ODE, the predicted data come from a workflow step (a simulation
// program, a Python function, any task) run once per parameter set.
#include "core/agents/inverse/inverse_common.h"
#include "core/agents/inverse/tasks.h"
#include "core/agents/optimization/lm.h"
#include "core/agents/optimization/model_function.h"
#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

namespace sciagents::core::agents::inverse {

namespace {

struct Unknown {
  std::string name;    // constant name, or "y0.<state>"
  Eigen::Index state;  // >= 0: an initial value
  double init;
};

// `p` is the ODE, or null for a step model (then every unknown needs its "init").
std::vector<Unknown> readUnknowns(const TaskContext& ctx, const ode::Problem* p) {
  const Value& v = ctx.param("parameters");
  if (v.kind() != ValueKind::List || v.asList().empty())
    throw paramError("parameters",
                     "expected a non-empty list of names or {\"name\", \"init\"} objects");
  std::vector<Unknown> out;
  for (const Value& e : v.asList()) {
    Unknown u{"", -1, NAN};
    if (e.isString()) {
      u.name = e.asString();
    } else if (e.kind() == ValueKind::Map && e.find("name") && e.find("name")->isString()) {
      u.name = e.find("name")->asString();
      for (const auto& [k, _] : e.asMap())
        if (k != "name" && k != "init")
          throw paramError("parameters", "unknown field \"" + k + "\" of '" + u.name + "'");
      if (const Value* i = e.find("init")) {
        if (!i->isNumber())
          throw paramError("parameters", "init of '" + u.name + "' must be a number");
        u.init = i->asDouble();
      }
    } else {
      throw paramError("parameters", "every entry must be a name or {\"name\", \"init\"}, got " +
                                         std::string(e.kindName()));
    }
    for (const auto& o : out)
      if (o.name == u.name) throw paramError("parameters", "'" + u.name + "' is listed twice");
    if (!p) {
      if (std::isnan(u.init))
        throw paramError("parameters", "'" + u.name +
                                           "' has no starting value: with a step model give "
                                           "{\"name\": \"" +
                                           u.name + "\", \"init\": ...}");
    } else if (u.name.rfind("y0.", 0) == 0) {
      u.state = stateIndices("parameters", {u.name.substr(3)}, p->states)[0];
      if (std::isnan(u.init)) u.init = p->y0[u.state];
    } else {
      auto it = p->constants.find(u.name);
      if (std::isnan(u.init)) {
        if (it == p->constants.end())
          throw paramError(
              "parameters",
              "'" + u.name +
                  "' has no starting value: give it in constants or as {\"name\", \"init\"} "
                  "(fit an initial value as \"y0.<state>\")");
        u.init = it->second;
      }
      if (it == p->constants.end())
        throw paramError(
            "parameters",
            "'" + u.name +
                "' is not a constant of the rhs: list it in constants (with its starting value)");
    }
    if (!std::isfinite(u.init))
      throw paramError("parameters", "the starting value of '" + u.name + "' is not finite");
    out.push_back(u);
  }
  return out;
}

// y_data as a matrix (a vector is one column).
Matrix readData(const TaskContext& ctx) {
  Matrix ydata;
  const Value& yv = ctx.param("y_data");
  try {
    ydata = yv.kind() == ValueKind::Vector || (yv.kind() == ValueKind::List &&
                                               !yv.asList().empty() && yv.asList()[0].isNumber())
                ? Matrix(yv.toVector())
                : yv.toMatrix();
  } catch (const std::exception& e) {
    throw paramError(
        "y_data", std::string("expected a matrix (rows: t_data, columns: observed) or a vector: ") +
                      e.what());
  }
  requireFinite("y_data", ydata);
  if (ydata.size() == 0) throw paramError("y_data", "is empty");
  return ydata;
}

// The outputs and diagnostics both forms share: estimates, covariance from the Jacobian at the
// optimum, t intervals, the fitted data and residuals (nt x observed), fit diagnostics.
void reportFit(TaskContext& ctx, const std::vector<Unknown>& unk, const opt::LmResult& fit,
               Eigen::Index nres, bool known_sigma, const Matrix& fitted, const Matrix& resid) {
  const auto np = static_cast<Eigen::Index>(unk.size());
  const double ssr = fit.cost;
  const double dof = static_cast<double>(nres - np);
  const double s2 = known_sigma ? 1.0 : ssr / dof;
  const Matrix jtj = fit.jac.transpose() * fit.jac;
  const Eigen::ColPivHouseholderQR<Matrix> qr(fit.jac);
  Matrix cov = Matrix::Constant(np, np, NAN);
  if (qr.rank() == np)
    cov = s2 * jtj.ldlt().solve(Matrix::Identity(np, np));
  else
    ctx.warn(
        "the Jacobian has rank " + std::to_string(qr.rank()) + " < " + std::to_string(np) +
        " parameters: some parameters are not identifiable from these data (covariance undefined)");
  const Vector se = cov.diagonal().cwiseSqrt();
  Matrix corr = cov;
  for (Eigen::Index i = 0; i < np; ++i)
    for (Eigen::Index j = 0; j < np; ++j) corr(i, j) = cov(i, j) / (se[i] * se[j]);
  const double tq = boost::math::quantile(boost::math::students_t(dof), 0.975);

  List names;
  for (const auto& u : unk) names.emplace_back(u.name);
  Table table;
  table.columns = {"parameter", "value", "std_error", "ci_lower", "ci_upper"};
  table.data = {Value(names), Value(fit.p), Value(se), Value(Vector(fit.p - tq * se)),
                Value(Vector(fit.p + tq * se))};
  ctx.output("parameter_names", names);
  ctx.output("parameters", fit.p);
  ctx.output("std_errors", se);
  ctx.output("covariance", cov);
  ctx.output("correlation", corr);
  ctx.output("ci_lower", Vector(fit.p - tq * se));
  ctx.output("ci_upper", Vector(fit.p + tq * se));
  ctx.output("summary", table);
  ctx.output("residual_norm", std::sqrt(ssr));
  ctx.output("s2", known_sigma ? ssr / dof : s2);
  ctx.output("fitted", fitted);
  ctx.output("residuals", resid);
  ctx.output("iterations", static_cast<std::int64_t>(fit.nit));
  ctx.diagnostic("converged", fit.success);
  ctx.diagnostic("termination", fit.message);
  ctx.diagnostic("dof", static_cast<std::int64_t>(nres - np));
  ctx.diagnostic("covariance_scale", known_sigma ? "known sigma: (J^T W J)^-1"
                                                 : "s^2 (J^T J)^-1 with s^2 = SSR / (N - p)");
  ctx.diagnostic("jacobian_condition", [&] {
    const Eigen::JacobiSVD<Matrix> svd(fit.jac);
    const Vector sv = svd.singularValues();
    return sv[sv.size() - 1] > 0 ? sv[0] / sv[sv.size() - 1] : INFINITY;
  }());
  if (!fit.success) ctx.warn("Levenberg-Marquardt stopped without converging: " + fit.message);
  if (known_sigma && ssr / dof > 4)
    ctx.warn("the reduced chi-square is " + formatFine(ssr / dof) +
             " with the given sigma: the model or sigma may be wrong");
}

opt::LmOptions lmOptions(TaskContext& ctx) {
  opt::LmOptions o;
  o.ftol = o.xtol = ctx.number("tol");
  o.gtol = 1e-12;
  o.maxfev = ctx.integer("max_solves");
  o.on_iteration = [&ctx](long it, double cost) {
    ctx.metric("cost", static_cast<double>(it), cost);
    ctx.checkCancelled();
  };
  return o;
}

void runOdeEstimation(TaskContext& ctx) {
  const OdeModel model = readOdeModel(ctx);
  const ode::Problem& prob = model.problem;
  const std::vector<Unknown> unk = readUnknowns(ctx, &prob);
  const auto np = static_cast<Eigen::Index>(unk.size());
  const Vector tdata = ctx.vector("t_data");
  requireFinite("t_data", tdata);
  const std::vector<std::string> obs_names =
      ctx.has("observed") ? ctx.param("observed").toStringList() : prob.states;
  const auto obs = stateIndices("observed", obs_names, prob.states);
  const auto no = static_cast<Eigen::Index>(obs.size());
  const Matrix ydata = readData(ctx);
  const Eigen::Index nt = tdata.size();
  if (nt == 0) throw paramError("t_data", "is empty");
  if (ydata.rows() != nt || ydata.cols() != no)
    throw paramError("y_data", "is " + std::to_string(ydata.rows()) + " x " +
                                   std::to_string(ydata.cols()) + "; expected " +
                                   std::to_string(nt) + " x " + std::to_string(no) +
                                   " (t_data x observed states)");
  for (Eigen::Index k = 0; k < nt; ++k)
    if (tdata[k] < prob.t0 || tdata[k] > prob.t1 || (k > 0 && tdata[k] <= tdata[k - 1]))
      throw paramError("t_data", "t_data[" + std::to_string(k) + "] = " + formatFine(tdata[k]) +
                                     ": times must increase strictly within t_span [" +
                                     formatFine(prob.t0) + ", " + formatFine(prob.t1) + "]");
  const Eigen::Index nres = nt * no;
  if (nres <= np)
    throw paramError("t_data", std::to_string(nres) + " data for " + std::to_string(np) +
                                   " parameters: need more data than parameters");
  const bool known_sigma = ctx.has("sigma");
  const Vector w = known_sigma
                       ? Vector(readSigma(ctx, "sigma", no, "observed state").cwiseInverse())
                       : Vector(Vector::Ones(no));

  std::int64_t nfev = 0, solves = 0;
  auto simulate = [&](const Vector& q) {
    Constants c = prob.constants;
    Vector y0 = prob.y0;
    for (Eigen::Index i = 0; i < np; ++i) {
      const Unknown& u = unk[static_cast<std::size_t>(i)];
      if (u.state >= 0)
        y0[u.state] = q[i];
      else
        c[u.name] = q[i];
    }
    ++solves;
    return integrateOde(model, prob.t0, y0, tdata, c, &nfev);
  };
  auto residuals = [&](const Vector& q) {
    Vector r(nres);
    Matrix y;
    try {
      y = simulate(q);
    } catch (const Error&) {
      return Vector::Constant(nres, NAN).eval();  // LM shortens the step
    }
    for (Eigen::Index k = 0; k < nt; ++k)
      for (Eigen::Index j = 0; j < no; ++j)
        r[k * no + j] = (y(k, obs[static_cast<std::size_t>(j)]) - ydata(k, j)) * w[j];
    return r;
  };
  Vector q0(np);
  for (Eigen::Index i = 0; i < np; ++i) q0[i] = unk[static_cast<std::size_t>(i)].init;
  const opt::LmOptions o = lmOptions(ctx);
  opt::LmResult fit;
  try {
    fit = opt::levenbergMarquardt(residuals, q0, o);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Cancelled) throw;
    throw Error(ErrorCode::RunFailed,
                "the ODE cannot be solved at the starting values: " + e.bareMessage());
  }

  const Matrix fitted = simulate(fit.p);
  Matrix resid(nt, no);
  for (Eigen::Index k = 0; k < nt; ++k)
    for (Eigen::Index j = 0; j < no; ++j)
      resid(k, j) = ydata(k, j) - fitted(k, obs[static_cast<std::size_t>(j)]);
  ctx.setMethod(
      "levenberg_marquardt",
      "Levenberg-Marquardt on the (weighted) residuals y(t_i; p) - y_i; Jacobian by central finite "
      "differences of ODE solutions (relative step eps^(1/3)), ODE solved by " +
          model.method + " at rtol " + formatFine(prob.rtol) +
          " (keep rtol well below the step so the Jacobian is accurate)");
  reportFit(ctx, unk, fit, nres, known_sigma, fitted, resid);
  ctx.diagnostic("ode_solves", solves);
  ctx.diagnostic("nfev", nfev);
  ctx.diagnostic("ode_method", model.method);
}

// `model` (a step reference) predicts y_data, all of it (row by row for a matrix), from the
// parameters; the Jacobian's points go to the step as one batch (parallel on the run's threads).
void runStepModelEstimation(TaskContext& ctx) {
  const std::vector<Unknown> unk = readUnknowns(ctx, nullptr);
  const auto np = static_cast<Eigen::Index>(unk.size());
  const Matrix ydata = readData(ctx);
  const Eigen::Index nt = ydata.rows(), no = ydata.cols(), nres = ydata.size();
  if (nres <= np)
    throw paramError("y_data", std::to_string(nres) + " data for " + std::to_string(np) +
                                   " parameters: need more data than parameters");
  if (ctx.has("t_data") && ctx.vector("t_data").size() != nt)
    throw paramError("t_data", "has " + std::to_string(ctx.vector("t_data").size()) +
                                   " times for " + std::to_string(nt) + " rows of y_data");
  if (ctx.has("observed"))
    throw paramError("observed",
                     "applies to an ODE given by rhs; a step model predicts y_data as it is");
  const bool known_sigma = ctx.has("sigma");
  const Vector wcol = known_sigma
                          ? Vector(readSigma(ctx, "sigma", no, "column of y_data").cwiseInverse())
                          : Vector(Vector::Ones(no));
  Vector y(nres), w(nres);  // row-major: the order in which the model returns the series
  for (Eigen::Index k = 0; k < nt; ++k)
    for (Eigen::Index j = 0; j < no; ++j) y[k * no + j] = ydata(k, j), w[k * no + j] = wcol[j];
  std::vector<std::string> names;
  for (const auto& u : unk) names.push_back(u.name);
  opt::ModelFunction model(ctx, "model", names, true);
  auto predict = [&](const Vector& q) {
    const Vector f = model.vector(q);
    if (f.size() != nres)
      throw paramError("model", "the step's output has " + std::to_string(f.size()) +
                                    " values but y_data has " + std::to_string(nres) +
                                    "; it must predict every datum (row by row for a matrix)");
    return f;
  };
  auto residuals = [&](const Vector& q) { return Vector((predict(q) - y).cwiseProduct(w)); };
  Vector q0(np);
  for (Eigen::Index i = 0; i < np; ++i) q0[i] = unk[static_cast<std::size_t>(i)].init;
  opt::LmOptions o = lmOptions(ctx);
  o.jacobian = [&](const Vector& q, const Vector& r) {
    return Matrix(w.asDiagonal() * model.jacobian(q, r.cwiseQuotient(w) + y));
  };
  opt::LmResult fit;
  try {
    fit = opt::levenbergMarquardt(residuals, q0, o);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Cancelled || e.param() == "model") throw;
    throw Error(ErrorCode::RunFailed,
                "the model cannot be evaluated at the starting values: " + e.bareMessage());
  }
  const Vector f = predict(fit.p);
  Matrix fitted(nt, no);
  for (Eigen::Index k = 0; k < nt; ++k)
    for (Eigen::Index j = 0; j < no; ++j) fitted(k, j) = f[k * no + j];
  ctx.setMethod("levenberg_marquardt",
                "Levenberg-Marquardt on the (weighted) residuals model(p) - y_data of the step "
                "model; Jacobian by " +
                    model.gradientText());
  reportFit(ctx, unk, fit, nres, known_sigma, fitted, Matrix(ydata - fitted));
  model.report(ctx);
}

void runParameterEstimation(TaskContext& ctx) {
  if (!ctx.has("model")) {
    for (const char* p : {"rhs", "states", "y0", "t_span", "t_data"})
      if (!ctx.has(p))
        throw paramError(
            p, "is required: give the ODE (rhs, states, y0, t_span) and t_data, or a step `model`");
    return runOdeEstimation(ctx);
  }
  if (!isStepModel(ctx.param("model")))
    throw paramError(
        "model",
        "expected a step reference {\"step\", \"input\": [one path per parameter], \"output\"}");
  for (const char* p : {"rhs", "states", "y0", "t_span"})
    if (ctx.has(p))
      throw paramError(p,
                       "give either the ODE (rhs, states, y0, t_span) or a step `model`, not both");
  runStepModelEstimation(ctx);
}

}  // namespace

TaskSpec parameterEstimationTask() {
  TaskSpec t;
  t.id = "parameter_estimation";
  t.summary =
      "Fit ODE parameters (constants and initial values) to time-series data by "
      "Levenberg-Marquardt, with "
      "covariance, standard errors and intervals.";
  t.doc =
      "Minimises sum_i,j w_j^2 (y_j(t_i; p) - y_data_ij)^2 over the listed `parameters` of an ODE "
      "given as in "
      "ode_pde.ivp (rhs, states, y0 at t_span[0], constants). A parameter is a constant name (its "
      "value in "
      "`constants` or `init` is the starting value) or \"y0.<state>\" for an initial value. "
      "`y_data` has one row "
      "per `t_data` time and one column per `observed` state (default all). Levenberg-Marquardt "
      "(the optimization "
      "agent's, with Marquardt scaling) uses a central finite-difference Jacobian of the ODE "
      "solutions (2 solves "
      "per parameter; the default rtol 1e-8 keeps its error near 1e-5 relative). The covariance is "
      "s^2 (J^T J)^-1 with s^2 = SSR/(N - p), or (J^T W J)^-1 when `sigma` is given; standard "
      "errors and t "
      "intervals (95%) follow. Live series: cost per iteration.";
  t.params = odeParams("dop853", 1e-8);
  for (auto& spec : t.params)  // not with a step `model` (checked when the task runs)
    if (spec.name == "rhs" || spec.name == "states" || spec.name == "y0" || spec.name == "t_span") {
      spec.required = false;
      spec.doc += " Required unless `model` is given.";
    }
  for (auto spec : {
           ParamSpec::make("parameters", ParamType::Any)
               .req()
               .describe("Unknowns: names of constants or \"y0.<state>\", or {\"name\", \"init\"} "
                         "objects."),
           ParamSpec::make("t_data", ParamType::Vector)
               .describe("Observation times (strictly increasing, within t_span); required with an "
                         "ODE, optional with `model` "
                         "(then one per row of y_data)."),
           ParamSpec::make("model", ParamType::Any)
               .describe("Instead of an ODE: a step model {\"step\", \"input\": [one param path "
                         "per parameter], \"output\"} "
                         "whose output (a vector) predicts y_data, row by row for a matrix: a "
                         "simulation program, a Python "
                         "function or any other step, run once per parameter set."),
           ParamSpec::make("y_data", ParamType::Any)
               .req()
               .describe("Observed values: a matrix (rows: t_data, columns: observed) or a vector "
                         "(one observed state)."),
           ParamSpec::make("observed", ParamType::StringList)
               .describe("Observed state names (default: all states)."),
           ParamSpec::make("sigma", ParamType::Any)
               .describe("Known noise std (one number or one per observed state): weights and an "
                         "absolute covariance."),
           ParamSpec::make("tol", ParamType::Number)
               .def(1e-10)
               .positive()
               .describe("Relative tolerance on the cost and the step."),
           ParamSpec::make("max_solves", ParamType::Integer)
               .def(2000)
               .range(10, 1e7)
               .describe("Largest number of ODE solves."),
       })
    t.params.push_back(spec);
  t.outputs = {
      {"parameter_names", ValueKind::List, "Names of the fitted parameters."},
      {"parameters", ValueKind::Vector, "Best-fit values."},
      {"std_errors", ValueKind::Vector, "Standard errors (sqrt of the covariance diagonal)."},
      {"covariance", ValueKind::Matrix, "Covariance of the estimates."},
      {"correlation", ValueKind::Matrix, "Correlation of the estimates."},
      {"ci_lower", ValueKind::Vector, "95% t-interval lower ends."},
      {"ci_upper", ValueKind::Vector, "95% t-interval upper ends."},
      {"summary", ValueKind::Table, "parameter, value, std_error, ci_lower, ci_upper."},
      {"residual_norm", ValueKind::Scalar, "sqrt of the weighted sum of squared residuals."},
      {"s2", ValueKind::Scalar,
       "SSR / (N - p): residual variance (reduced chi-square when sigma is given)."},
      {"fitted", ValueKind::Matrix, "Model states at t_data (all states)."},
      {"residuals", ValueKind::Matrix, "y_data - fitted (observed states)."},
      {"iterations", ValueKind::Integer, "Levenberg-Marquardt iterations."},
  };
  t.run = runParameterEstimation;
  return t;
}

}  // namespace sciagents::core::agents::inverse
