// uq.monte_carlo: forward propagation of input uncertainty through a model by (pseudo-random or
// Latin hypercube) sampling, with the distribution of the output and a CI of its mean.
#include "core/agent/expression_model.h"
#include "core/agents/uq/monte_carlo_blocks.h"
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace sciagents::core::agents::uq {

namespace {

// The summary of one output component over its finite samples (in sample order).
struct Summary {
  double mean = 0, var = 0, se = 0, tq = 0;
  Vector q;
  double min = 0, max = 0;
  std::size_t n = 0;
};

// The moments are those of the block path (blocks of kMonteCarloBlock samples, two-pass within a
// block, merged over a fixed tree), so a component of a vector output is summarised exactly as the
// same scalar model would be.
Summary summarise(const Vector& y, const std::vector<bool>& ok, const Vector& levels, double conf) {
  Summary s;
  const auto rows = static_cast<std::size_t>(y.size());
  std::vector<double> sorted, masked(rows);
  sorted.reserve(rows);
  for (std::size_t k = 0; k < rows; ++k) {
    masked[k] = ok[k] ? y[static_cast<Eigen::Index>(k)] : NAN;
    if (ok[k]) sorted.push_back(masked[k]);
  }
  std::vector<Moments> blocks;
  for (std::size_t start = 0; start < rows; start += kMonteCarloBlock)
    blocks.push_back(
        finiteMoments(masked.data() + start, std::min(kMonteCarloBlock, rows - start)));
  const Moments m = mergeTree(std::move(blocks));
  s.n = sorted.size();
  s.mean = m.mean;
  const auto n = static_cast<double>(s.n);
  s.var = m.m2 / (n - 1);
  s.se = std::sqrt(s.var / n);
  s.tq = studentQuantile(n - 1, 0.5 + conf / 2);
  s.q = quantilesBySelection(sorted, levels, &s.min, &s.max);
  return s;
}

Vector finiteRows(const Vector& y, const std::vector<bool>& ok) {
  Vector out(static_cast<Eigen::Index>(std::count(ok.begin(), ok.end(), true)));
  Eigen::Index j = 0;
  for (Eigen::Index k = 0; k < y.size(); ++k)
    if (ok[static_cast<std::size_t>(k)]) out[j++] = y[k];
  return out;
}

void outputScalar(TaskContext& ctx, const Summary& s, Value hist) {
  Vector ci(2);
  ci << s.mean - s.tq * s.se, s.mean + s.tq * s.se;
  ctx.output("mean", s.mean);
  ctx.output("variance", s.var);
  ctx.output("std", std::sqrt(s.var));
  ctx.output("stderr", s.se);
  ctx.output("ci", ci);
  ctx.output("quantiles", s.q);
  ctx.output("min", s.min);
  ctx.output("max", s.max);
  ctx.output("histogram", std::move(hist));
}

// Diagnostics and warnings common to both paths; s holds one summary per output component.
void finish(TaskContext& ctx, const ModelEvaluator& model, const InputSet& in, std::uint64_t seed,
            const std::vector<Summary>& s, Eigen::Index n, const std::vector<std::size_t>& failed,
            bool drop) {
  const auto m = static_cast<Eigen::Index>(s.size());
  const std::size_t used = static_cast<std::size_t>(n) - failed.size();
  reportModel(ctx, model, in, seed);
  ctx.diagnostic("confidence_level", ctx.number("confidence"));
  ctx.diagnostic("ci_halfwidth", s[0].tq * s[0].se);
  ctx.diagnostic("relative_stderr", s[0].mean != 0 ? s[0].se / std::abs(s[0].mean) : NAN);
  ctx.diagnostic("evaluations", static_cast<std::int64_t>(n));
  if (m > 1) ctx.diagnostic("output_components", static_cast<std::int64_t>(m));
  if (drop) reportDroppedSamples(ctx, model, failed, static_cast<std::size_t>(n));
  for (Eigen::Index c = 0; c < m; ++c) {
    const Summary& sc = s[static_cast<std::size_t>(c)];
    if (!std::isfinite(sc.var))
      ctx.warn("the variance of y" + (m > 1 ? "[" + std::to_string(c) + "]" : std::string()) +
               " overflows (values up to " +
               formatFine(std::max(std::abs(sc.min), std::abs(sc.max))) +
               "): rescale the model output");
  }
  if (used < 100)
    ctx.warn("only " + std::to_string(used) + " samples: quantiles and the CI are rough");
}

// An expression model: sampled, evaluated and summarised block by block in one parallel loop
// (monte_carlo_blocks.h); mean and variance merged over a fixed tree of blocks, quantiles and the
// histogram by bucket counting: the same numbers for any thread count.
void runBlocks(TaskContext& ctx, const InputSet& in, const Expression& e, ModelEvaluator& model,
               std::uint64_t seed, const std::string& sampling, const Vector& levels, double conf,
               bool drop) {
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  const bool keep = ctx.flag("return_samples");
  const int bins = static_cast<int>(ctx.integer("bins"));
  std::optional<Matrix> lhs;
  if (sampling == "lhs") lhs = latinHypercube(seed, 1, n, d);
  BlockStudy b =
      sampleExpressionBlocks(ctx, in, e, model, seed, n, lhs ? &*lhs : nullptr, keep, conf);
  lhs.reset();
  if (!drop)
    refuseFailedSamples(
        model, b.failed, static_cast<std::size_t>(n),
        "with on_failed_samples: \"drop\" the statistics use the finite samples only (and say how "
        "many were dropped)");
  const std::size_t used = static_cast<std::size_t>(n) - b.failed.size();
  if (used < 2)
    throw Error(ErrorCode::RunFailed,
                std::to_string(b.failed.size()) + " of " + std::to_string(n) +
                    " model samples failed (" + sampleList(b.failed) +
                    "): fewer than 2 finite samples remain",
                {}, "model");
  Summary s;
  s.n = used;
  s.mean = b.moments.mean;
  s.var = b.moments.m2 / (b.moments.n - 1);
  s.se = std::sqrt(s.var / b.moments.n);
  s.tq = studentQuantile(b.moments.n - 1, 0.5 + conf / 2);
  s.min = b.min;
  s.max = b.max;
  Vector counts;
  if (b.failed.empty()) {
    s.q = quantilesByBuckets(b.y.data(), used, levels, s.min, s.max, kMonteCarloBlock,
                             ctx.threads(), bins, &counts);
  } else {  // the finite values, in sample order
    std::vector<bool> ok(static_cast<std::size_t>(n), true);
    for (std::size_t i : b.failed) ok[i] = false;
    const Vector finite = finiteRows(Eigen::Map<const Vector>(b.y.data(), n), ok);
    s.q = quantilesByBuckets(finite.data(), used, levels, s.min, s.max, kMonteCarloBlock,
                             ctx.threads(), bins, &counts);
  }
  outputScalar(ctx, s, histogramTable(counts, s.min, s.max, static_cast<double>(used)));
  ctx.output("quantile_levels", levels);
  ctx.output("n", static_cast<std::int64_t>(used));
  if (keep) {
    ctx.output("samples", std::move(b.x));
    ctx.output("values", Vector(Eigen::Map<const Vector>(b.y.data(), n)));
  }
  finish(ctx, model, in, seed, {s}, n, b.failed, drop);
}

void runMonteCarlo(TaskContext& ctx) {
  const InputSet in = readInputs(ctx);
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  auto model = readModel(ctx, in, n);
  const std::uint64_t seed = taskSeed(ctx);
  const std::string sampling = ctx.text("sampling");
  const double conf = ctx.number("confidence");
  const Vector levels = ctx.vector("quantiles");
  for (double q : levels)
    if (!(q >= 0 && q <= 1))
      throw paramError("quantiles", "levels must be in [0, 1], got " + formatFine(q));
  const bool drop = ctx.text("on_failed_samples") == "drop";
  // Failed samples are always collected so that a refusal can name all of them.
  model->allowFailedSamples(true);
  ctx.setMethod(
      sampling == "lhs" ? "latin_hypercube" : "random",
      sampling == "lhs"
          ? "Latin hypercube sample (stratified in every input): the mean converges at least "
            "as fast as plain MC; the t interval assumes independent samples and is conservative"
          : "plain Monte Carlo: independent samples, the t interval of the mean is exact in "
            "the large-n limit");
  if (const Expression* e = blockExpression(*model)) {
    runBlocks(ctx, in, *e, *model, seed, sampling, levels, conf, drop);
    return;
  }
  const Matrix u =
      sampling == "lhs" ? latinHypercube(seed, 1, n, d) : randomUniforms(seed, 1, n, d);
  const Matrix x = in.fromUniform(u);

  // Evaluate in chunks so the running mean and CI width (of the first component) stream as live
  // metrics. A vector output gives one column per component.
  Matrix y;
  std::vector<std::size_t> failed;
  double mean = 0, m2 = 0;
  std::size_t good = 0;
  const Eigen::Index chunk = std::max<Eigen::Index>(64, (n + 19) / 20);
  for (Eigen::Index start = 0; start < n; start += chunk) {
    const Eigen::Index len = std::min(chunk, n - start);
    const Matrix part = model->evaluateVector(x.middleRows(start, len), ctx);
    if (start == 0) y.resize(n, part.cols());
    if (part.cols() != y.cols())
      throw Error(ErrorCode::RunFailed,
                  "the model output changed length from " + std::to_string(y.cols()) + " to " +
                      std::to_string(part.cols()) + " at samples #" + std::to_string(start) +
                      "..#" + std::to_string(start + len - 1),
                  {}, "model");
    y.middleRows(start, len) = part;
    for (std::size_t i : model->failedSamples())
      failed.push_back(static_cast<std::size_t>(start) + i);
    for (Eigen::Index k = start; k < start + len; ++k) {  // Welford, in sample order
      if (!std::isfinite(y(k, 0))) continue;
      ++good;
      const double delta = y(k, 0) - mean;
      mean += delta / static_cast<double>(good);
      m2 += delta * (y(k, 0) - mean);
    }
    const auto done = static_cast<double>(good);
    ctx.metric("running_mean", static_cast<double>(start + len), mean);
    if (done > 1)
      ctx.metric("ci_halfwidth", static_cast<double>(start + len),
                 studentQuantile(done - 1, 0.5 + conf / 2) * std::sqrt(m2 / (done - 1) / done));
    ctx.progress(static_cast<double>(start + len) / static_cast<double>(n), "sampling");
    ctx.checkCancelled();
  }
  if (!drop)
    refuseFailedSamples(
        *model, failed, static_cast<std::size_t>(n),
        "with on_failed_samples: \"drop\" the statistics use the finite samples only (and say how "
        "many were dropped)");
  std::vector<bool> ok(static_cast<std::size_t>(n), true);
  for (std::size_t i : failed) ok[i] = false;
  for (Eigen::Index k = 0; k < n; ++k)  // a model that lists no failures may still return NaN
    if (ok[static_cast<std::size_t>(k)] && !y.row(k).allFinite()) {
      ok[static_cast<std::size_t>(k)] = false;
      failed.push_back(static_cast<std::size_t>(k));
    }
  std::sort(failed.begin(), failed.end());
  const std::size_t used = static_cast<std::size_t>(n) - failed.size();
  if (used < 2)
    throw Error(ErrorCode::RunFailed,
                std::to_string(failed.size()) + " of " + std::to_string(n) +
                    " model samples failed (" + sampleList(failed) +
                    "): fewer than 2 finite samples remain",
                {}, "model");

  const Eigen::Index m = y.cols();
  std::vector<Summary> s;
  for (Eigen::Index c = 0; c < m; ++c) s.push_back(summarise(y.col(c), ok, levels, conf));
  if (m == 1) {
    outputScalar(ctx, s[0],
                 histogram(finiteRows(y.col(0), ok), static_cast<int>(ctx.integer("bins"))));
  } else {  // one entry per component
    Vector mean_v(m), var_v(m), se_v(m), min_v(m), max_v(m);
    Matrix ci(m, 2), q(m, levels.size());
    List hist;
    for (Eigen::Index c = 0; c < m; ++c) {
      const Summary& sc = s[static_cast<std::size_t>(c)];
      mean_v[c] = sc.mean;
      var_v[c] = sc.var;
      se_v[c] = sc.se;
      min_v[c] = sc.min;
      max_v[c] = sc.max;
      ci(c, 0) = sc.mean - sc.tq * sc.se;
      ci(c, 1) = sc.mean + sc.tq * sc.se;
      q.row(c) = sc.q.transpose();
      hist.push_back(histogram(finiteRows(y.col(c), ok), static_cast<int>(ctx.integer("bins"))));
    }
    ctx.output("mean", mean_v);
    ctx.output("variance", var_v);
    ctx.output("std", Vector(var_v.cwiseSqrt()));
    ctx.output("stderr", se_v);
    ctx.output("ci", ci);
    ctx.output("quantiles", q);
    ctx.output("min", min_v);
    ctx.output("max", max_v);
    ctx.output("histogram", std::move(hist));
  }
  ctx.output("quantile_levels", levels);
  ctx.output("n", static_cast<std::int64_t>(used));
  if (ctx.flag("return_samples")) {
    ctx.output("samples", x);
    if (m == 1)
      ctx.output("values", Vector(y.col(0)));
    else
      ctx.output("values", y);
  }
  finish(ctx, *model, in, seed, s, n, failed, drop);
}

}  // namespace

TaskSpec monteCarloTask() {
  TaskSpec t;
  t.id = "monte_carlo";
  t.summary =
      "Propagate input uncertainty through a model by sampling: mean, variance, quantiles, "
      "histogram, CI of the mean.";
  t.doc =
      "Draws `n` samples of the `inputs` (seeded counter-based streams, identical for any thread "
      "count; optional "
      "Gaussian-copula `correlation`), evaluates the `model` at each (an expression, or another "
      "step re-run per "
      "sample in parallel through the cache) and summarises y: mean, variance, std, quantiles "
      "(linear "
      "interpolation, as NumPy), min/max, a histogram table and the t confidence interval of the "
      "mean. "
      "`sampling: lhs` stratifies every input (Latin hypercube), usually reducing the variance of "
      "the mean. Live "
      "series: running_mean and ci_halfwidth against the number of samples.\n\n"
      "An expression model is sampled, evaluated and summarised in blocks of 4096 samples in one "
      "parallel loop "
      "on the run's threads, without storing the n x d inputs (unless `return_samples`): the mean "
      "and variance "
      "merge the blocks' two-pass moments over a fixed tree, the quantiles, min, max and histogram "
      "are exact "
      "(bucket counts, then selection in the buckets that hold them), and every number is the same "
      "for any "
      "thread count.\n\n"
      "Vector outputs: when the model gives a vector (a step model whose `output` names a whole "
      "array, e.g. "
      "\"y_final\" or one row \"y[-1]\"), every component is summarised: mean, variance, std, "
      "stderr, min and "
      "max are vectors (one entry per component), `ci` is a matrix with one [lo, hi] row per "
      "component, "
      "`quantiles` one row of quantiles per component, `histogram` a list of tables and `values` "
      "an n x m "
      "matrix.\n\n"
      "Failed samples: by default a failed or non-finite sample fails the step, naming the failed "
      "samples. "
      "With `on_failed_samples: drop` they are left out: the statistics (and the CI, from the "
      "smaller n) use "
      "the finite samples, `n` is their number, and the diagnostics give failed_samples with the "
      "first "
      "indices, with a warning (dropping is biased when failures depend on the inputs).";
  t.params = {
      modelParam(),
      inputsParam(),
      ParamSpec::make("n", ParamType::Integer)
          .def(10000)
          .range(10, 1e9)
          .describe("Number of samples."),
      ParamSpec::make("sampling", ParamType::Choice)
          .oneOf({"random", "lhs"})
          .def("random")
          .describe("random: independent samples; lhs: Latin hypercube."),
      seedParam(),
      correlationParam(),
      constantsParam(),
      ParamSpec::make("quantiles", ParamType::Vector)
          .def(Vector((Vector(5) << 0.05, 0.25, 0.5, 0.75, 0.95).finished()))
          .describe("Quantile levels of y to report."),
      ParamSpec::make("bins", ParamType::Integer)
          .def(30)
          .range(1, 10000)
          .describe("Histogram bins."),
      confidenceParam(),
      ParamSpec::make("return_samples", ParamType::Boolean)
          .def(false)
          .describe("Also output the input samples (n x d) and the model values."),
      ParamSpec::make("on_failed_samples", ParamType::Choice)
          .oneOf({"fail", "drop"})
          .def("fail")
          .describe("A sample whose model evaluation failed or is not finite: fail (the step "
                    "fails, naming the failed "
                    "samples) or drop (statistics over the finite samples; failed_samples and "
                    "their indices in the "
                    "diagnostics, and a warning)."),
  };
  t.outputs = {
      {"mean", ValueKind::Scalar,
       "Sample mean of y (a vector, one per component, for a vector output)."},
      {"variance", ValueKind::Scalar, "Sample variance of y (n-1)."},
      {"std", ValueKind::Scalar, "Sample standard deviation of y."},
      {"stderr", ValueKind::Scalar, "Standard error of the mean."},
      {"ci", ValueKind::Vector,
       "Confidence interval of the mean [lo, hi] (Student t); one row per component for a vector "
       "output."},
      {"quantiles", ValueKind::Vector,
       "Quantiles of y at quantile_levels; one row per component for a vector output."},
      {"quantile_levels", ValueKind::Vector, "The levels."},
      {"min", ValueKind::Scalar, "Smallest y."},
      {"max", ValueKind::Scalar, "Largest y."},
      {"histogram", ValueKind::Table, "bin_lo, bin_hi, count, density."},
      {"n", ValueKind::Integer,
       "Number of samples used (the finite ones when failed samples are dropped)."},
      {"samples", ValueKind::Matrix, "Input samples, one row per sample (return_samples)."},
      {"values", ValueKind::Vector,
       "Model values (return_samples; n x m for a vector output, NaN where a sample failed)."},
  };
  t.run = runMonteCarlo;
  return t;
}

}  // namespace sciagents::core::agents::uq
