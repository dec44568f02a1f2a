// surrogate.gp: Gaussian process regression. Hyper-parameters maximise the log marginal likelihood
// (analytic gradient, NLopt L-BFGS with bounds, seeded multistart); prediction by Cholesky (LLT).
#include "core/agents/surrogate/gp_model.h"
#include "core/agents/surrogate/surrogate_common.h"
#include "core/agents/surrogate/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <nlopt.h>

#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <sstream>

namespace sciagents::core::agents::surrogate {

namespace {

constexpr double kBaseJitter = 1e-10;  // relative to the output variance (normalised scale)
constexpr Eigen::Index kMaxGpPoints = 5000;

struct Objective {
  const GpLikelihood* lik = nullptr;
  const TaskContext* ctx = nullptr;
  nlopt_opt opt = nullptr;
  double jitter = 0;
  long evaluations = 0;
  std::exception_ptr error;
};

double objectiveCb(unsigned n, const double* x, double* grad, void* p) {
  auto* o = static_cast<Objective*>(p);
  try {
    ++o->evaluations;
    if ((o->evaluations & 7) == 0) o->ctx->checkCancelled();
    const Vector theta = Eigen::Map<const Vector>(x, n);
    Vector g;
    const double f = o->lik->value(theta, o->jitter, grad ? &g : nullptr);
    if (!std::isfinite(f)) {
      if (grad) Eigen::Map<Vector>(grad, n).setZero();
      return -1e300;
    }
    if (grad) Eigen::Map<Vector>(grad, n) = g;
    return f;
  } catch (...) {
    o->error = std::current_exception();
  }
  nlopt_force_stop(o->opt);
  return -1e300;
}

using OptPtr = std::unique_ptr<std::remove_pointer_t<nlopt_opt>, decltype(&nlopt_destroy)>;

struct StartResult {
  Vector theta;
  double lml = -std::numeric_limits<double>::infinity();
  long evaluations = 0;
  std::string status;
};

StartResult maximise(const GpLikelihood& lik, const TaskContext& ctx, const Vector& start,
                     const Vector& lo, const Vector& hi, double jitter, int maxiter) {
  const auto n = static_cast<unsigned>(start.size());
  OptPtr opt(nlopt_create(NLOPT_LD_LBFGS, n), &nlopt_destroy);
  Objective o{&lik, &ctx, opt.get(), jitter, 0, {}};
  nlopt_set_max_objective(opt.get(), objectiveCb, &o);
  nlopt_set_lower_bounds(opt.get(), lo.data());
  nlopt_set_upper_bounds(opt.get(), hi.data());
  nlopt_set_ftol_rel(opt.get(), 1e-10);
  nlopt_set_xtol_rel(opt.get(), 1e-8);
  nlopt_set_maxeval(opt.get(), maxiter);
  Vector x = start.cwiseMax(lo).cwiseMin(hi);
  double f = 0;
  const nlopt_result res = nlopt_optimize(opt.get(), x.data(), &f);
  if (o.error) std::rethrow_exception(o.error);
  StartResult r;
  r.theta = x;
  r.lml = lik.value(x, jitter, nullptr);
  r.evaluations = o.evaluations;
  r.status = res == NLOPT_MAXEVAL_REACHED ? "maxiter"
             : res > 0 || res == NLOPT_ROUNDOFF_LIMITED
                 ? "converged"
                 : "failed (NLopt " + std::to_string(static_cast<int>(res)) + ")";
  return r;
}

void runGp(TaskContext& ctx) {
  const TrainingSet t = readTraining(ctx, 0);
  const Eigen::Index n = t.x.rows(), d = t.x.cols();
  if (n < 2) throw paramError("xtrain", "a GP needs at least 2 training points");
  if (n > kMaxGpPoints)
    throw paramError("xtrain", std::to_string(n) +
                                   " training points: a GP needs O(n^2) memory and O(n^3) time per "
                                   "likelihood evaluation; above " +
                                   std::to_string(kMaxGpPoints) +
                                   " points use surrogate.rbf or thin the data");
  const auto xtest = readTest(ctx, d);
  GpKernel kernel;
  try {
    kernel = parseGpKernel(ctx.text("kernel"));
  } catch (const std::exception& e) {
    throw paramError("kernel", e.what());
  }
  const bool normalize = ctx.flag("normalize_y");
  const bool constant_mean = ctx.text("mean") == "constant";
  // `noise`: "fit", or a fixed noise variance >= 0 in y units (0: noise-free, jitter only).
  const Value& noise_v = ctx.param("noise");
  bool fit_noise = false;
  double noise_y = 0;
  if (noise_v.isString()) {
    if (noise_v.asString() != "fit")
      throw paramError("noise", "expected \"fit\" or a noise variance >= 0");
    fit_noise = true;
  } else if (noise_v.isNumber()) {
    noise_y = noise_v.asDouble();
    if (!(noise_y >= 0) || !std::isfinite(noise_y))
      throw paramError("noise", "the noise variance must be finite and >= 0");
  } else {
    throw paramError("noise", "expected \"fit\" or a noise variance >= 0, got " +
                                  std::string(noise_v.kindName()));
  }

  // Normalised outputs.
  const double ymean = t.y.mean();
  const double ysd =
      n > 1 ? std::sqrt((t.y.array() - ymean).square().sum() / static_cast<double>(n - 1)) : 0.0;
  const double shift = normalize ? ymean : 0.0;
  const double scale = normalize && ysd > 0 ? ysd : 1.0;
  const Vector yn = ((t.y.array() - shift) / scale).matrix();
  const double v = std::max(normalize ? 1.0 : (yn.array() - yn.mean()).square().mean(), 1e-300);

  // Input ranges set the bounds and starts of the length scales.
  Vector range(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    range[j] = t.x.col(j).maxCoeff() - t.x.col(j).minCoeff();
    if (!(range[j] > 0))
      throw paramError("xtrain", "column " + std::to_string(j) + " (" +
                                     t.names[static_cast<std::size_t>(j)] +
                                     ") is constant: a length scale cannot be fitted");
  }

  // Duplicate points: conflicting values cannot be interpolated without noise.
  Eigen::Index da = 0, db = 0;
  const double dmin = minPairDistance(t.x, &da, &db);
  bool duplicates = false;
  if (dmin == 0) {
    duplicates = true;
    if (!fit_noise && noise_y == 0 && t.y[da] != t.y[db])
      throw paramError(
          "ytrain",
          "training points #" + std::to_string(da) + " and #" + std::to_string(db) +
              " have the same inputs but different values; a noise-free GP cannot interpolate "
              "both (use noise: \"fit\" or a noise variance > 0)");
  }

  GpLikelihood lik;
  lik.x = &t.x;
  lik.y = &yn;
  lik.kernel = kernel;
  lik.constant_mean = constant_mean;
  lik.fit_noise = fit_noise;
  lik.fixed_noise = noise_y / (scale * scale);
  const Eigen::Index dim = lik.dim();
  Vector lo(dim), hi(dim), x0(dim);
  lo[0] = std::log(1e-3 * v), hi[0] = std::log(1e3 * v), x0[0] = std::log(v);
  for (Eigen::Index j = 0; j < d; ++j) {
    lo[1 + j] = std::log(1e-3 * range[j]);
    hi[1 + j] = std::log(1e2 * range[j]);
    x0[1 + j] = std::log(0.3 * range[j]);
  }
  if (fit_noise)
    lo[d + 1] = std::log(1e-10 * v), hi[d + 1] = std::log(10 * v), x0[d + 1] = std::log(1e-2 * v);

  // Jitter: the smallest of 1e-10, 1e-9, ... (relative) that factorises K at the start.
  double jitter = lik.fit_noise || lik.fixed_noise > 0 ? 0.0 : kBaseJitter * v;
  if (duplicates && jitter > 0) jitter = std::max(jitter, 1e-8 * v);
  for (int k = 0; k < 8 && !std::isfinite(lik.value(x0, jitter, nullptr)); ++k)
    jitter = jitter > 0 ? jitter * 10 : kBaseJitter * v;

  const int restarts = static_cast<int>(ctx.integer("restarts"));
  const int maxiter = static_cast<int>(ctx.integer("maxiter"));
  const std::uint64_t seed = uq::taskSeed(ctx);
  const uq::Stream stream(seed, 20);
  std::uint64_t k = 0;
  StartResult best;
  List starts;
  long evaluations = 0;
  for (int s = 0; s <= restarts; ++s) {
    Vector start = x0;
    if (s > 0) {  // log-uniform over a sensible sub-box of the bounds
      start[0] = std::log(v) + std::log(100.0) * (stream.uniform(k++) - 0.5);
      for (Eigen::Index j = 0; j < d; ++j)
        start[1 + j] = std::log(range[j]) + std::log(0.05) + std::log(40.0) * stream.uniform(k++);
      if (fit_noise)
        start[d + 1] = std::log(v) + std::log(1e-6) + std::log(1e5) * stream.uniform(k++);
    }
    const StartResult r = maximise(lik, ctx, start, lo, hi, jitter, maxiter);
    evaluations += r.evaluations;
    starts.emplace_back(Map{{"log_marginal_likelihood",
                             std::isfinite(r.lml) ? Value(r.lml) : Value("not positive definite")},
                            {"evaluations", static_cast<std::int64_t>(r.evaluations)},
                            {"status", r.status}});
    if (r.lml > best.lml) best = r;
    ctx.progress(0.3 + 0.6 * (s + 1) / (restarts + 1), "maximising the marginal likelihood");
  }
  if (!std::isfinite(best.lml))
    throw Error(ErrorCode::RunFailed,
                "the covariance matrix is not positive definite at any start even with jitter " +
                    formatFine(jitter) +
                    " (check xtrain for duplicate or nearly identical points)");

  GpPredictor p;
  p.kernel = kernel;
  p.x = t.x;
  p.signal_variance = std::exp(best.theta[0]);
  p.length_scales = best.theta.segment(1, d).array().exp();
  p.noise_variance = lik.noiseVariance(best.theta);
  p.constant_mean = constant_mean;
  p.y_shift = shift;
  p.y_scale = scale;
  p.jitter = jitter;
  while (!p.factor(yn)) {
    p.jitter = p.jitter > 0 ? p.jitter * 10 : kBaseJitter * v;
    if (p.jitter > 1e-2 * v)
      throw Error(ErrorCode::RunFailed, "the fitted covariance matrix is not positive definite");
  }
  jitter = p.jitter;
  if (jitter > kBaseJitter * v * 1.5)
    ctx.warn("jitter " + formatFine(jitter * scale * scale) +
             " (y units^2) was added to the diagonal to factorise K" +
             (duplicates ? " (xtrain has duplicate points)" : "") +
             "; the GP no longer interpolates exactly");

  // Hyper-parameters in y units.
  Map hyper{{"kernel", gpKernelName(kernel)},
            {"signal_variance", p.signal_variance * scale * scale},
            {"length_scales", Vector(p.length_scales)},
            {"noise_variance", p.noise_variance * scale * scale},
            {"noise", fit_noise ? "fitted" : (noise_y > 0 ? "fixed" : "noise-free (jitter only)")},
            {"jitter", jitter * scale * scale},
            {"mean", constant_mean ? Value(p.beta * scale + shift) : Value(shift)}};
  const double lml_y =
      best.lml - static_cast<double>(n) * std::log(scale);  // likelihood of y, not yn
  ctx.output("hyperparameters", hyper);
  ctx.output("log_marginal_likelihood", lml_y);

  const Vector fit = p.mean(t.x);
  const double ymax = std::max(t.y.cwiseAbs().maxCoeff(), 1e-300);
  ctx.output("train_max_rel_error", (fit - t.y).cwiseAbs().maxCoeff() / ymax);
  if (xtest) {
    ctx.output("mean", p.mean(*xtest));
    ctx.output("std", Vector(p.variance(*xtest).array().sqrt()));
    if (ctx.has("ytest")) {
      const Vector yt = ctx.vector("ytest");
      if (yt.size() != xtest->rows())
        throw paramError("ytest", "has " + std::to_string(yt.size()) + " values but xtest has " +
                                      std::to_string(xtest->rows()) + " rows");
      const Vector e = p.mean(*xtest) - yt;
      const double rmse = std::sqrt(e.squaredNorm() / static_cast<double>(e.size()));
      const double sd = std::sqrt((yt.array() - yt.mean()).square().mean());
      ctx.output("test_rmse", rmse);
      ctx.output("test_nrmse", sd > 0 ? rmse / sd : NAN);
    }
  }
  ctx.output("names", nameList(t.names));
  ctx.output("model", Map{{"surrogate", "gp"},
                          {"kernel", gpKernelName(kernel)},
                          {"names", nameList(t.names)},
                          {"xtrain", t.x},
                          {"alpha", p.alpha},
                          {"length_scales", Vector(p.length_scales)},
                          {"signal_variance", p.signal_variance},
                          {"beta", p.beta},
                          {"y_shift", shift},
                          {"y_scale", scale}});

  ctx.setMethod("gp_" + gpKernelName(kernel),
                "GP regression, " + gpKernelName(kernel) + " kernel with ARD length scales, " +
                    (constant_mean ? "constant mean by generalised least squares" : "zero mean") +
                    "; hyper-parameters maximise the log marginal likelihood (analytic gradient, "
                    "NLopt L-BFGS, " +
                    std::to_string(restarts + 1) + " seeded starts)");
  ctx.diagnostic("optimizer_evaluations", static_cast<std::int64_t>(evaluations));
  ctx.diagnostic("starts", starts);
  ctx.diagnostic("jitter", jitter * scale * scale);
  ctx.diagnostic("condition_estimate", 1.0 / std::max(p.llt.rcond(), 1e-300));
  ctx.diagnostic("normalize_y", Map{{"shift", shift}, {"scale", scale}});
  ctx.diagnostic("training_points", static_cast<std::int64_t>(n));
  ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
  ctx.diagnostic(
      "std_note",
      "std is the predictive standard deviation of the latent function (noise excluded), "
      "including the uncertainty of the estimated constant mean");
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec gpTask() {
  TaskSpec t;
  t.id = "gp";
  t.summary =
      "Gaussian process regression with hyper-parameters maximising the marginal likelihood, "
      "predictive mean and std.";
  t.doc =
      "Kernels rbf (squared exponential), matern32 and matern52, all with one length scale per "
      "input (ARD), a "
      "signal variance and a noise variance (`noise`: \"fit\", a fixed variance in y units, or 0 "
      "for noise-free "
      "interpolation with a tiny jitter). The constant mean is profiled out by generalised least "
      "squares (or "
      "`mean: zero`). Hyper-parameters maximise the log marginal likelihood with its analytic "
      "gradient (NLopt "
      "L-BFGS in log space, bounded by the data ranges), from the default start plus `restarts` "
      "seeded random "
      "starts; the best is kept. Training data: `xtrain` + `ytrain`, or a `model` evaluated on a "
      "seeded Latin "
      "hypercube of `n` points of `inputs`. `std` excludes the noise (latent function) and "
      "includes the "
      "uncertainty of the estimated mean. The `model` output holds what a later step needs to "
      "predict.";
  t.params = {
      xtrainParam(),
      ytrainParam(),
      xtestParam(),
      ParamSpec::make("ytest", ParamType::Vector)
          .describe("Optional true values at xtest: reports test_rmse and test_nrmse."),
      ParamSpec::make("kernel", ParamType::Choice)
          .oneOf({"rbf", "matern32", "matern52"})
          .def("matern52")
          .describe("Covariance kernel (ARD length scales)."),
      ParamSpec::make("mean", ParamType::Choice)
          .oneOf({"constant", "zero"})
          .def("constant")
          .describe("Prior mean: a constant estimated by generalised least squares, or zero."),
      ParamSpec::make("noise", ParamType::Any)
          .def(0.0)
          .describe("\"fit\" (noise variance is a hyper-parameter), or a fixed noise variance >= 0 "
                    "in y units; 0 means "
                    "noise-free interpolation (a jitter of 1e-10 x var(y), raised if needed, is "
                    "added and reported)."),
      ParamSpec::make("normalize_y", ParamType::Boolean)
          .def(true)
          .describe(
              "Centre and scale ytrain to unit variance before fitting (results are in y units)."),
      ParamSpec::make("restarts", ParamType::Integer)
          .def(4)
          .range(0, 100)
          .describe("Extra seeded random starts of the likelihood maximisation."),
      ParamSpec::make("maxiter", ParamType::Integer)
          .def(500)
          .range(1, 1e6)
          .describe("Likelihood evaluations per start."),
      uq::seedParam(),
      uq::modelParam(false),
      optionalInputsParam(),
      designSizeParam("required with model"),
      uq::constantsParam(),
  };
  t.outputs = {
      {"mean", ValueKind::Vector, "Predictive mean at xtest."},
      {"std", ValueKind::Vector,
       "Predictive standard deviation of the latent function at xtest (noise excluded)."},
      {"hyperparameters", ValueKind::Map,
       "kernel, signal_variance, length_scales, noise_variance, jitter, mean (y units)."},
      {"log_marginal_likelihood", ValueKind::Scalar,
       "Log marginal likelihood of ytrain at the fitted hyper-parameters."},
      {"train_max_rel_error", ValueKind::Scalar,
       "max |mean(x_i) - y_i| / max |y| over the training points."},
      {"test_rmse", ValueKind::Scalar, "RMS error at xtest against ytest (with ytest)."},
      {"test_nrmse", ValueKind::Scalar, "test_rmse / standard deviation of ytest (with ytest)."},
      {"names", ValueKind::List, "Input names (column order)."},
      {"model", ValueKind::Map,
       "The fitted GP (surrogate: gp): usable as the `model` of a later step."},
      {"xtrain", ValueKind::Matrix, "The design (with model)."},
      {"ytrain", ValueKind::Vector, "The model values at the design (with model)."},
  };
  t.run = runGp;
  return t;
}

}  // namespace sciagents::core::agents::surrogate
