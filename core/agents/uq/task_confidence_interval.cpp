// uq.confidence_interval: the CI of a statistic (mean, median, std, quantile) of data or of a
// model's output: Student t for the mean, bootstrap percentile or BCa for any statistic.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/runtime/parallel_blocks.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace sciagents::core::agents::uq {

namespace {

using Statistic = std::function<double(std::vector<double>&)>;  // may reorder its argument

Statistic makeStatistic(const std::string& name, double q) {
  if (name == "mean")
    return [](std::vector<double>& v) {
      double s = 0;
      for (double x : v) s += x;
      return s / static_cast<double>(v.size());
    };
  if (name == "std")
    return [](std::vector<double>& v) {
      double m = 0, m2 = 0;
      for (std::size_t k = 0; k < v.size(); ++k) {
        const double delta = v[k] - m;
        m += delta / static_cast<double>(k + 1);
        m2 += delta * (v[k] - m);
      }
      return std::sqrt(m2 / static_cast<double>(v.size() - 1));
    };
  const double level = name == "median" ? 0.5 : q;
  return [level](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    return quantileSorted(v, level);
  };
}

void runConfidenceInterval(TaskContext& ctx) {
  const bool has_data = ctx.has("data"), has_model = ctx.has("model");
  if (has_data == has_model)
    throw paramError(has_data ? "model" : "data",
                     "give either `data` or a `model` with `inputs`, not both or neither");
  std::vector<double> data;
  std::uint64_t seed = taskSeed(ctx);
  if (has_data) {
    const Vector v = ctx.vector("data");
    for (double x : v)
      if (!std::isfinite(x)) throw paramError("data", "data must be finite numbers");
    data.assign(v.data(), v.data() + v.size());
    ctx.diagnostic("source", "data");
  } else {
    if (!ctx.has("inputs")) throw paramError("inputs", "a model needs `inputs`");
    const InputSet in = readInputs(ctx);
    auto model = readModel(ctx, in);
    const Eigen::Index n = ctx.integer("n");
    const Vector y = evaluateWithProgress(
        ctx, *model,
        in.fromUniform(randomUniforms(seed, 1, n, static_cast<Eigen::Index>(in.size()))), 0.0, 0.5,
        "evaluating the model");
    data.assign(y.data(), y.data() + y.size());
    reportModel(ctx, *model, in, seed);
    ctx.diagnostic("source", "model");
  }
  const auto n = static_cast<double>(data.size());
  if (data.size() < 3)
    throw paramError(has_data ? "data" : "n",
                     "need at least 3 values, got " + std::to_string(data.size()));
  const std::string stat_name = ctx.text("statistic");
  const double q = ctx.number("q"), conf = ctx.number("confidence");
  const Statistic stat = makeStatistic(stat_name, q);
  std::string method = ctx.text("method");
  if (method == "auto") {
    method = stat_name == "mean" ? "t" : "bca";
    ctx.setMethod(method,
                  stat_name == "mean"
                      ? "the mean: Student t interval (exact for normal data, CLT otherwise)"
                      : "a statistic other than the mean: bias-corrected and accelerated (BCa) "
                        "bootstrap, second-order accurate");
  } else {
    ctx.setMethod(method, "requested");
  }
  if (method == "t" && stat_name != "mean")
    throw paramError("method",
                     "the t interval is for the mean only; use percentile or bca for " + stat_name);
  std::vector<double> work = data;
  const double estimate = stat(work);
  double lo = NAN, hi = NAN, se = NAN;
  const double alpha = 1 - conf;

  if (method == "t") {
    double m = 0, m2 = 0;
    for (std::size_t k = 0; k < data.size(); ++k) {
      const double delta = data[k] - m;
      m += delta / static_cast<double>(k + 1);
      m2 += delta * (data[k] - m);
    }
    se = std::sqrt(m2 / (n - 1) / n);
    const double tq = studentQuantile(n - 1, 1 - alpha / 2);
    lo = estimate - tq * se, hi = estimate + tq * se;
    ctx.diagnostic("t_quantile", tq);
  } else {
    const auto nboot = static_cast<int>(ctx.integer("bootstrap"));
    std::vector<double> boot(static_cast<std::size_t>(nboot));
    // One block per replicate on the run's threads (parallelBlocks), a resample buffer per thread.
    std::vector<std::vector<double>> scratch(static_cast<std::size_t>(std::max(1, ctx.threads())));
    parallelBlocks(static_cast<std::size_t>(std::max(0, nboot)), ctx.threads(),
                   [&](std::size_t r, int slot) {
                     std::vector<double>& sample = scratch[static_cast<std::size_t>(slot)];
                     sample.resize(data.size());
                     const Stream s(seed, 1000 + static_cast<std::uint64_t>(r));
                     for (std::size_t k = 0; k < data.size(); ++k)
                       sample[k] = data[s.bits(k) % data.size()];
                     boot[r] = stat(sample);
                   });
    ctx.checkCancelled();
    double bm = 0;
    for (double b : boot) bm += b;
    bm /= nboot;
    double bv = 0;
    for (double b : boot) bv += (b - bm) * (b - bm);
    se = std::sqrt(bv / (nboot - 1));
    std::vector<double> sorted = boot;
    std::sort(sorted.begin(), sorted.end());
    double a1 = alpha / 2, a2 = 1 - alpha / 2;
    if (method == "bca") {
      const double below =
          static_cast<double>(
              std::count_if(boot.begin(), boot.end(), [&](double b) { return b < estimate; })) +
          0.5 * static_cast<double>(std::count(boot.begin(), boot.end(), estimate));
      const double prop = std::clamp(below / nboot, 1.0 / (nboot + 1), nboot / (nboot + 1.0));
      const double z0 = normalQuantile(prop);
      // Acceleration from the jackknife (grouped into at most 1000 blocks for large n).
      const std::size_t groups = std::min<std::size_t>(data.size(), 1000);
      std::vector<double> jack(groups);
      std::vector<double> rest;
      for (std::size_t g = 0; g < groups; ++g) {
        const std::size_t b0 = g * data.size() / groups, b1 = (g + 1) * data.size() / groups;
        rest.clear();
        rest.insert(rest.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(b0));
        rest.insert(rest.end(), data.begin() + static_cast<std::ptrdiff_t>(b1), data.end());
        jack[g] = stat(rest);
      }
      double jm = 0;
      for (double j : jack) jm += j;
      jm /= static_cast<double>(groups);
      double num3 = 0, den2 = 0;
      for (double j : jack) num3 += std::pow(jm - j, 3), den2 += (jm - j) * (jm - j);
      const double a = den2 > 0 ? num3 / (6 * std::pow(den2, 1.5)) : 0.0;
      auto adjust = [&](double level) {
        const double zl = normalQuantile(level);
        return normalCdf(z0 + (z0 + zl) / (1 - a * (z0 + zl)));
      };
      a1 = adjust(alpha / 2), a2 = adjust(1 - alpha / 2);
      ctx.diagnostic("bias_correction_z0", z0);
      ctx.diagnostic("acceleration", a);
      ctx.diagnostic("jackknife_groups", static_cast<std::int64_t>(groups));
    }
    lo = quantileSorted(sorted, a1), hi = quantileSorted(sorted, a2);
    ctx.diagnostic("bootstrap", nboot);
    ctx.diagnostic("bootstrap_levels", Vector((Vector(2) << a1, a2).finished()));
    ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
    if (nboot < 1000)
      ctx.warn("only " + std::to_string(nboot) +
               " bootstrap replicates: interval ends are noisy (use >= 1000)");
  }
  Vector interval(2);
  interval << lo, hi;
  ctx.output("estimate", estimate);
  ctx.output("interval", interval);
  ctx.output("lower", lo);
  ctx.output("upper", hi);
  ctx.output("stderr", se);
  ctx.output("n", static_cast<std::int64_t>(data.size()));
  ctx.diagnostic("statistic",
                 stat_name == "quantile" ? "quantile(" + formatFine(q) + ")" : stat_name);
  ctx.diagnostic("confidence_level", conf);
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec confidenceIntervalTask() {
  TaskSpec t;
  t.id = "confidence_interval";
  t.summary =
      "Confidence interval of a statistic (mean, median, std, quantile) of data or of a model "
      "output.";
  t.doc =
      "From `data`, or from `n` samples of a `model` over `inputs`. Methods: `t` (Student t "
      "interval of the mean), "
      "`percentile` (bootstrap percentile interval) and `bca` (bias-corrected and accelerated "
      "bootstrap, Efron 1987; "
      "acceleration from the jackknife, grouped into 1000 blocks when n > 1000). `auto`: t for the "
      "mean, BCa "
      "otherwise. The bootstrap is seeded and identical for any thread count.";
  t.params = {
      ParamSpec::make("data", ParamType::Vector).describe("Observed values (or give a model)."),
      modelParam(false),
      ParamSpec::make("inputs", ParamType::Any)
          .editWith("distributions")
          .describe("Uncertain inputs of the model (as in uq.monte_carlo)."),
      ParamSpec::make("n", ParamType::Integer)
          .def(1000)
          .range(3, 1e8)
          .describe("Model samples (with a model)."),
      ParamSpec::make("statistic", ParamType::Choice)
          .oneOf({"mean", "median", "std", "quantile"})
          .def("mean")
          .describe("The statistic."),
      ParamSpec::make("q", ParamType::Number)
          .def(0.5)
          .range(0, 1)
          .describe("Level of statistic \"quantile\"."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "t", "percentile", "bca"})
          .def("auto")
          .describe(
              "t (mean only), percentile or bca bootstrap; auto: t for the mean, bca otherwise."),
      ParamSpec::make("bootstrap", ParamType::Integer)
          .def(2000)
          .range(100, 1e6)
          .describe("Bootstrap replicates."),
      confidenceParam(),
      seedParam(),
      correlationParam(),
      constantsParam(),
  };
  t.outputs = {
      {"estimate", ValueKind::Scalar, "The statistic of the data."},
      {"interval", ValueKind::Vector, "[lower, upper]."},
      {"lower", ValueKind::Scalar, "Lower end."},
      {"upper", ValueKind::Scalar, "Upper end."},
      {"stderr", ValueKind::Scalar,
       "Standard error (t: s/sqrt(n); bootstrap: sd of the replicates)."},
      {"n", ValueKind::Integer, "Number of values."},
  };
  t.run = runConfidenceInterval;
  return t;
}

}  // namespace sciagents::core::agents::uq
