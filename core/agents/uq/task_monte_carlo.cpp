// uq.monte_carlo: forward propagation of input uncertainty through a model by (pseudo-random or
// Latin hypercube) sampling, with the distribution of the output and a CI of its mean.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::uq {

namespace {

void runMonteCarlo(TaskContext& ctx) {
  const InputSet in = readInputs(ctx);
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  auto model = readModel(ctx, in, n);
  const std::uint64_t seed = taskSeed(ctx);
  const std::string sampling = ctx.text("sampling");
  const double conf = ctx.number("confidence");
  const Vector levels = ctx.vector("quantiles");
  for (double q : levels)
    if (!(q >= 0 && q <= 1)) throw paramError("quantiles", "levels must be in [0, 1], got " + num(q));
  ctx.setMethod(sampling == "lhs" ? "latin_hypercube" : "random",
                sampling == "lhs" ? "Latin hypercube sample (stratified in every input): the mean converges at least "
                                    "as fast as plain MC; the t interval assumes independent samples and is conservative"
                                  : "plain Monte Carlo: independent samples, the t interval of the mean is exact in "
                                    "the large-n limit");
  const Matrix u = sampling == "lhs" ? latinHypercube(seed, 1, n, d) : randomUniforms(seed, 1, n, d);
  const Matrix x = in.fromUniform(u);

  // Evaluate in chunks so the running mean and CI width stream as live metrics.
  Vector y(n);
  double mean = 0, m2 = 0;
  const Eigen::Index chunk = std::max<Eigen::Index>(64, (n + 19) / 20);
  for (Eigen::Index start = 0; start < n; start += chunk) {
    const Eigen::Index len = std::min(chunk, n - start);
    y.segment(start, len) = model->evaluate(x.middleRows(start, len), ctx);
    for (Eigen::Index k = start; k < start + len; ++k) {  // Welford, in sample order
      const double delta = y[k] - mean;
      mean += delta / static_cast<double>(k + 1);
      m2 += delta * (y[k] - mean);
    }
    const auto done = static_cast<double>(start + len);
    ctx.metric("running_mean", done, mean);
    if (done > 1)
      ctx.metric("ci_halfwidth", done, studentQuantile(done - 1, 0.5 + conf / 2) * std::sqrt(m2 / (done - 1) / done));
    ctx.progress(done / static_cast<double>(n), "sampling");
    ctx.checkCancelled();
  }

  const double var = m2 / static_cast<double>(n - 1), se = std::sqrt(var / static_cast<double>(n));
  const double tq = studentQuantile(static_cast<double>(n - 1), 0.5 + conf / 2);
  std::vector<double> sorted(y.data(), y.data() + n);
  std::sort(sorted.begin(), sorted.end());
  Vector q(levels.size());
  for (Eigen::Index i = 0; i < levels.size(); ++i) q[i] = quantileSorted(sorted, levels[i]);
  Vector ci(2);
  ci << mean - tq * se, mean + tq * se;
  ctx.output("mean", mean);
  ctx.output("variance", var);
  ctx.output("std", std::sqrt(var));
  ctx.output("stderr", se);
  ctx.output("ci", ci);
  ctx.output("quantiles", q);
  ctx.output("quantile_levels", levels);
  ctx.output("min", sorted.front());
  ctx.output("max", sorted.back());
  ctx.output("histogram", histogram(y, static_cast<int>(ctx.integer("bins"))));
  ctx.output("n", static_cast<std::int64_t>(n));
  if (ctx.flag("return_samples")) {
    ctx.output("samples", x);
    ctx.output("values", y);
  }
  reportModel(ctx, *model, in, seed);
  ctx.diagnostic("confidence_level", conf);
  ctx.diagnostic("ci_halfwidth", tq * se);
  ctx.diagnostic("relative_stderr", mean != 0 ? se / std::abs(mean) : NAN);
  ctx.diagnostic("evaluations", static_cast<std::int64_t>(n));
  if (!std::isfinite(var))
    ctx.warn("the variance of y overflows (values up to " + num(std::max(std::abs(sorted.front()), std::abs(sorted.back()))) +
             "): rescale the model output");
  if (n < 100) ctx.warn("only " + std::to_string(n) + " samples: quantiles and the CI are rough");
}

}  // namespace

TaskSpec monteCarloTask() {
  TaskSpec t;
  t.id = "monte_carlo";
  t.summary = "Propagate input uncertainty through a model by sampling: mean, variance, quantiles, histogram, CI of the mean.";
  t.doc =
      "Draws `n` samples of the `inputs` (seeded counter-based streams, identical for any thread count; optional "
      "Gaussian-copula `correlation`), evaluates the `model` at each (an expression, or another step re-run per "
      "sample in parallel through the cache) and summarises y: mean, variance, std, quantiles (linear "
      "interpolation, as NumPy), min/max, a histogram table and the t confidence interval of the mean. "
      "`sampling: lhs` stratifies every input (Latin hypercube), usually reducing the variance of the mean. Live "
      "series: running_mean and ci_halfwidth against the number of samples.";
  t.params = {
      modelParam(),
      inputsParam(),
      ParamSpec::make("n", ParamType::Integer).def(10000).range(10, 1e9).describe("Number of samples."),
      ParamSpec::make("sampling", ParamType::Choice).oneOf({"random", "lhs"}).def("random").describe(
          "random: independent samples; lhs: Latin hypercube."),
      seedParam(),
      correlationParam(),
      constantsParam(),
      ParamSpec::make("quantiles", ParamType::Vector).def(Vector((Vector(5) << 0.05, 0.25, 0.5, 0.75, 0.95).finished()))
          .describe("Quantile levels of y to report."),
      ParamSpec::make("bins", ParamType::Integer).def(30).range(1, 10000).describe("Histogram bins."),
      confidenceParam(),
      ParamSpec::make("return_samples", ParamType::Boolean).def(false).describe(
          "Also output the input samples (n x d) and the model values."),
  };
  t.outputs = {
      {"mean", ValueKind::Scalar, "Sample mean of y."},
      {"variance", ValueKind::Scalar, "Sample variance of y (n-1)."},
      {"std", ValueKind::Scalar, "Sample standard deviation of y."},
      {"stderr", ValueKind::Scalar, "Standard error of the mean."},
      {"ci", ValueKind::Vector, "Confidence interval of the mean [lo, hi] (Student t)."},
      {"quantiles", ValueKind::Vector, "Quantiles of y at quantile_levels."},
      {"quantile_levels", ValueKind::Vector, "The levels."},
      {"min", ValueKind::Scalar, "Smallest y."},
      {"max", ValueKind::Scalar, "Largest y."},
      {"histogram", ValueKind::Table, "bin_lo, bin_hi, count, density."},
      {"n", ValueKind::Integer, "Number of samples."},
      {"samples", ValueKind::Matrix, "Input samples, one row per sample (return_samples)."},
      {"values", ValueKind::Vector, "Model values (return_samples)."},
  };
  t.run = runMonteCarlo;
  return t;
}

}  // namespace sciagents::core::agents::uq
