// inverse.enkf: stochastic ensemble Kalman filter (Evensen 1994; Burgers, van Leeuwen & Evensen
// 1998 perturbed observations) with multiplicative inflation, for an ODE model integrated by the
// ode_pde.ivp integrators between observation times.
#include "core/agents/inverse/inverse_common.h"
#include "core/agents/inverse/tasks.h"
#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::inverse {

namespace {

// Observation operator H (p x n) from `H` or the `observed` state names (default: every state).
Matrix readObservationOperator(const TaskContext& ctx, const std::vector<std::string>& states) {
  const auto n = static_cast<Eigen::Index>(states.size());
  if (ctx.has("H") && ctx.has("observed"))
    throw paramError("H", "give either H or observed, not both");
  if (ctx.has("H")) {
    const Matrix h = ctx.matrix("H");
    requireFinite("H", h);
    if (h.cols() != n)
      throw paramError(
          "H", "has " + std::to_string(h.cols()) + " columns for " + std::to_string(n) + " states");
    return h;
  }
  std::vector<std::string> names =
      ctx.has("observed") ? ctx.param("observed").toStringList() : states;
  const auto idx = stateIndices("observed", names, states);
  Matrix h = Matrix::Zero(static_cast<Eigen::Index>(idx.size()), n);
  for (std::size_t k = 0; k < idx.size(); ++k) h(static_cast<Eigen::Index>(k), idx[k]) = 1.0;
  return h;
}

void runEnkf(TaskContext& ctx) {
  const OdeModel model = readOdeModel(ctx);
  const Eigen::Index n = model.problem.n();
  const Matrix h = readObservationOperator(ctx, model.problem.states);
  const Eigen::Index p = h.rows();
  const Vector times = ctx.vector("obs_times");
  const Matrix obs = ctx.matrix("observations");
  requireFinite("obs_times", times);
  requireFinite("observations", obs);
  const Eigen::Index k_obs = times.size();
  if (k_obs == 0) throw paramError("obs_times", "is empty");
  if (obs.rows() != k_obs || obs.cols() != p)
    throw paramError("observations", "is " + std::to_string(obs.rows()) + " x " +
                                         std::to_string(obs.cols()) + "; expected " +
                                         std::to_string(k_obs) + " x " + std::to_string(p) +
                                         " (obs_times x observed quantities)");
  const double t0 = model.problem.t0;
  for (Eigen::Index k = 0; k < k_obs; ++k) {
    if (times[k] < t0 || (k > 0 && times[k] <= times[k - 1]) || times[k] > model.problem.t1)
      throw paramError("obs_times", "obs_times[" + std::to_string(k) +
                                        "] = " + formatFine(times[k]) +
                                        ": times must increase strictly within t_span [" +
                                        formatFine(t0) + ", " + formatFine(model.problem.t1) + "]");
  }
  const Vector sigma = readSigma(ctx, "obs_sigma", p, "observed quantity");
  const Vector spread0 = readSigma(ctx, "initial_spread", n, "state");
  const Eigen::Index members = ctx.integer("ensemble_size");
  const double inflation = ctx.number("inflation");
  const std::uint64_t seed = taskSeed(ctx);
  const Stream stream(seed, 7);
  std::optional<Matrix> truth;
  if (ctx.has("truth")) {
    truth = ctx.matrix("truth");
    if (truth->rows() != k_obs || truth->cols() != n)
      throw paramError("truth", "is " + std::to_string(truth->rows()) + " x " +
                                    std::to_string(truth->cols()) + "; expected " +
                                    std::to_string(k_obs) + " x " + std::to_string(n) +
                                    " (obs_times x states)");
  }
  ctx.setMethod(
      "stochastic_enkf",
      "stochastic EnKF with perturbed observations (analysis ensemble has the Kalman covariance in "
      "expectation), multiplicative inflation " +
          formatFine(inflation) +
          " of the forecast anomalies; members "
          "integrated with " +
          model.method + " (" + model.rationale + ")");

  // Initial ensemble ~ N(y0, diag(spread^2)); deviates indexed by (member, state) then per cycle.
  Matrix ens(members, n);  // one member per row
  std::uint64_t next = 0;
  auto draw = [&](Eigen::Index count, double* out) {
    gaussians(stream, next, out, count);
    next += static_cast<std::uint64_t>(count + (count % 2));  // keep pairs aligned
  };
  {
    Vector z(members * n);
    draw(z.size(), z.data());
    for (Eigen::Index j = 0; j < members; ++j)
      ens.row(j) = (model.problem.y0 + spread0.cwiseProduct(z.segment(j * n, n))).transpose();
  }
  const Matrix r = sigma.array().square().matrix().asDiagonal();
  Matrix mean_a(k_obs, n), mean_f(k_obs, n), spread(k_obs, n);
  Vector rmse_t(k_obs), rmse_f(k_obs);
  std::vector<std::int64_t> nfev(static_cast<std::size_t>(members), 0);
  double t = t0;
  const auto nm1 = static_cast<double>(members - 1);
  for (Eigen::Index k = 0; k < k_obs; ++k) {
    // Forecast: every member to the observation time (parallel; each member is independent).
    const double t1 = times[k];
    parallelFor(ctx.threads(), members, [&](Eigen::Index j) {
      ens.row(j) =
          propagateOde(model, t, t1, ens.row(j).transpose(), &nfev[static_cast<std::size_t>(j)])
              .transpose();
    });
    t = t1;
    if (!ens.allFinite())
      throw Error(ErrorCode::RunFailed,
                  "the ensemble diverged (non-finite states) at t = " + formatFine(t1));
    Vector mean = ens.colwise().mean().transpose();
    Matrix a = (ens.rowwise() - mean.transpose()) * inflation;
    ens = a.rowwise() + mean.transpose();
    mean_f.row(k) = mean.transpose();
    // Analysis with perturbed observations: K = P H^T (H P H^T + R)^-1 from the anomalies.
    const Matrix ha = a * h.transpose();  // members x p
    const Matrix s = ha.transpose() * ha / nm1 + r;
    const Matrix pht = a.transpose() * ha / nm1;  // n x p
    const Eigen::LLT<Matrix> sl(s);
    Matrix pert(members, p);
    Vector z(members * p);
    draw(z.size(), z.data());
    for (Eigen::Index j = 0; j < members; ++j)
      pert.row(j) = obs.row(k) + sigma.cwiseProduct(z.segment(j * p, p)).transpose();
    const Matrix innov = pert - ens * h.transpose();  // members x p
    ens += (pht * sl.solve(innov.transpose())).transpose();
    mean = ens.colwise().mean().transpose();
    mean_a.row(k) = mean.transpose();
    spread.row(k) = ((ens.rowwise() - mean.transpose()).colwise().squaredNorm() / nm1).cwiseSqrt();
    if (truth) {
      rmse_t[k] =
          std::sqrt((mean.transpose() - truth->row(k)).squaredNorm() / static_cast<double>(n));
      rmse_f[k] = std::sqrt((mean_f.row(k) - truth->row(k)).squaredNorm() / static_cast<double>(n));
      ctx.metric("analysis_rmse", t1, rmse_t[k]);
    }
    ctx.metric("spread", t1, std::sqrt(spread.row(k).squaredNorm() / static_cast<double>(n)));
    ctx.progress(static_cast<double>(k + 1) / static_cast<double>(k_obs), "assimilating");
    ctx.checkCancelled();
  }

  ctx.output("t", times);
  ctx.output("analysis_mean", mean_a);
  ctx.output("forecast_mean", mean_f);
  ctx.output("spread", spread);
  ctx.output("final_ensemble", ens);
  ctx.output("mean_spread", std::sqrt(spread.array().square().mean()));
  if (truth) {
    const Eigen::Index skip = std::min<Eigen::Index>(ctx.integer("spin_up"), k_obs - 1);
    const Eigen::Index used = k_obs - skip;
    ctx.output("rmse", std::sqrt(rmse_t.tail(used).array().square().mean()));
    ctx.output("forecast_rmse", std::sqrt(rmse_f.tail(used).array().square().mean()));
    ctx.output("rmse_by_time", rmse_t);
    ctx.diagnostic("rmse_cycles", static_cast<std::int64_t>(used));
  }
  std::int64_t total = 0;
  for (auto f : nfev) total += f;
  ctx.diagnostic("nfev", total);
  ctx.diagnostic("ode_method", model.method);
  ctx.diagnostic("ensemble_size", static_cast<std::int64_t>(members));
  ctx.diagnostic("cycles", static_cast<std::int64_t>(k_obs));
  ctx.diagnostic("observed_quantities", static_cast<std::int64_t>(p));
  ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
  if (members <= n)
    ctx.warn("ensemble size " + std::to_string(members) + " <= state dimension " +
             std::to_string(n) +
             ": the sample covariance is rank deficient (consider localisation or more members)");
}

}  // namespace

TaskSpec enkfTask() {
  TaskSpec t;
  t.id = "enkf";
  t.summary =
      "Stochastic ensemble Kalman filter (perturbed observations, inflation) for an ODE model "
      "observed at given times.";
  t.doc =
      "Assimilates `observations` (one row per `obs_times` entry) of a dynamical system given as "
      "ODE right-hand "
      "sides (as ode_pde.ivp: rhs, states, constants, t_span; y0 is the mean of the initial "
      "ensemble, spread "
      "`initial_spread`). Each member is integrated between observation times by the ode_pde.ivp "
      "integrators "
      "(default rk45 at rtol 1e-6). The forecast anomalies are inflated by `inflation`, then every "
      "member is "
      "updated with its own perturbed observation y + sigma eps (stochastic EnKF). The observation "
      "operator is "
      "`H` (p x n) or the `observed` state names (default all). With a `truth` trajectory (at "
      "obs_times) the "
      "analysis and forecast RMSE are reported (after `spin_up` cycles). Deviates come from "
      "counter-based streams "
      "(`seed`): the same seed gives the same result for any thread count. Live series: spread and "
      "analysis_rmse.";
  t.params = odeParams("rk45", 1e-6);
  for (auto spec : {
           ParamSpec::make("obs_times", ParamType::Vector)
               .req()
               .describe("Observation times (strictly increasing, within t_span)."),
           ParamSpec::make("observations", ParamType::Matrix)
               .req()
               .describe("Observed values, one row per time, one column per observed quantity."),
           ParamSpec::make("obs_sigma", ParamType::Any)
               .def(1.0)
               .describe("Observation noise std: one number or one per observed quantity."),
           ParamSpec::make("observed", ParamType::StringList)
               .describe("Names of the observed states (default: all)."),
           ParamSpec::make("H", ParamType::Matrix)
               .describe("Linear observation operator (p x n), instead of `observed`."),
           ParamSpec::make("ensemble_size", ParamType::Integer)
               .def(50)
               .range(3, 100000)
               .describe("Number of members."),
           ParamSpec::make("inflation", ParamType::Number)
               .def(1.02)
               .range(1.0, 10.0)
               .describe("Multiplicative inflation of the forecast anomalies."),
           ParamSpec::make("initial_spread", ParamType::Any)
               .def(1.0)
               .describe("Std of the initial ensemble around y0: one number or one per state."),
           ParamSpec::make("truth", ParamType::Matrix)
               .describe("True states at obs_times (rows), when known: RMSE is reported."),
           ParamSpec::make("spin_up", ParamType::Integer)
               .def(0)
               .range(0, std::nullopt)
               .describe("Cycles left out of the RMSE."),
           seedParam(),
       })
    t.params.push_back(spec);
  t.outputs = {
      {"t", ValueKind::Vector, "Analysis times (= obs_times)."},
      {"analysis_mean", ValueKind::Matrix, "Ensemble mean after each analysis (rows: times)."},
      {"forecast_mean", ValueKind::Matrix, "Ensemble mean before each analysis (after inflation)."},
      {"spread", ValueKind::Matrix, "Analysis ensemble standard deviation per state."},
      {"final_ensemble", ValueKind::Matrix, "Members after the last analysis (rows)."},
      {"mean_spread", ValueKind::Scalar, "RMS of the analysis spread over times and states."},
      {"rmse", ValueKind::Scalar, "RMS error of the analysis mean against truth (with truth)."},
      {"forecast_rmse", ValueKind::Scalar,
       "RMS error of the forecast mean against truth (with truth)."},
      {"rmse_by_time", ValueKind::Vector, "Analysis RMSE at every time (with truth)."},
  };
  t.run = runEnkf;
  return t;
}

}  // namespace sciagents::core::agents::inverse
