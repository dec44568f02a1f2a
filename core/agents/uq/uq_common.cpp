#include "core/agents/uq/uq_common.h"

#include "core/agent/model_shard.h"
#include "core/agents/uq/sample_summary.h"
#include "core/util/error.h"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>

namespace sciagents::core::agents::uq {

Stream::Stream(std::uint64_t seed, std::uint64_t stream)
    : m_key(mix(mix(seed + kGamma) ^ (stream * 0xd1b54a32d192ed03ull))) {}

std::uint64_t taskSeed(const TaskContext& ctx) {
  return ctx.has("seed") ? static_cast<std::uint64_t>(ctx.integer("seed")) : ctx.seed();
}

Matrix randomUniforms(std::uint64_t seed, std::uint64_t stream, Eigen::Index n, Eigen::Index d) {
  const Stream s(seed, stream);
  Matrix u(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j) u(i, j) = s.uniform(static_cast<std::uint64_t>(i * d + j));
  return u;
}

Matrix latinHypercube(std::uint64_t seed, std::uint64_t stream, Eigen::Index n, Eigen::Index d) {
  const Stream s(seed, stream);
  Matrix u(n, d);
  std::vector<Eigen::Index> perm(static_cast<std::size_t>(n));
  std::uint64_t k = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    std::iota(perm.begin(), perm.end(), Eigen::Index{0});
    for (Eigen::Index i = n - 1; i > 0; --i) {  // Fisher-Yates with the counter stream
      const auto r = static_cast<Eigen::Index>(s.bits(k++) % static_cast<std::uint64_t>(i + 1));
      std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(r)]);
    }
    for (Eigen::Index i = 0; i < n; ++i)
      u(i, j) = (static_cast<double>(perm[static_cast<std::size_t>(i)]) + s.uniform(k++)) /
                static_cast<double>(n);
  }
  return u;
}

ParamSpec modelParam(bool required) {
  ParamSpec p =
      ParamSpec::make("model", ParamType::Any)
          .describe(
              "The model y = f(inputs): an expression in the input names (plus `constants`), or a "
              "step of this workflow used as a template, {\"step\": ID, \"input\": PATH or [PATHS] "
              "(one per input, in order, e.g. \"constants.k\"), \"output\": \"NAME[i]\"} (one "
              "number, e.g. \"y_final[0]\"); the engine re-runs that step per sample in parallel "
              "through the cache. Optional \"cache\": false skips caching of the samples.");
  if (required) p.req();
  return p;
}

ParamSpec inputsParam() {
  return ParamSpec::make("inputs", ParamType::Any)
      .req()
      .editWith("distributions")
      .describe(
          "Uncertain inputs, a list of {\"name\", \"dist\", ...}: uniform (a, b), normal (mu, "
          "sigma), "
          "lognormal (mu, sigma of log), beta (alpha, beta[, a=0, b=1]), triangular (a, c=mode, "
          "b), "
          "truncnormal (mu, sigma, a, b).");
}

ParamSpec seedParam() {
  return ParamSpec::make("seed", ParamType::Integer)
      .range(0, std::nullopt)
      .describe(
          "Random seed (default: derived from the workflow seed). Same seed, same result, any "
          "thread count.");
}

ParamSpec constantsParam() {
  return ParamSpec::make("constants", ParamType::Map)
      .describe("Named constants used in an expression model.");
}

ParamSpec correlationParam() {
  return ParamSpec::make("correlation", ParamType::Matrix)
      .describe(
          "Correlation matrix of the inputs (symmetric positive definite, unit diagonal), applied "
          "as a "
          "Gaussian copula through its Cholesky factor: exactly correlated normals for normal "
          "inputs.");
}

ParamSpec confidenceParam() {
  return ParamSpec::make("confidence", ParamType::Number)
      .def(0.95)
      .range(0.5, 0.9999)
      .describe("Confidence level of the reported intervals.");
}

std::unique_ptr<ModelEvaluator> readModel(TaskContext& ctx, const InputSet& in) {
  return makeModel(ctx, "model", in.names);
}

std::unique_ptr<ModelEvaluator> readModel(TaskContext& ctx, const InputSet& in, Eigen::Index rows) {
  auto model = readModel(ctx, in);
  if (ModelShard* shard = ModelShard::current())
    return shard->wrap(std::move(model), ctx, static_cast<std::size_t>(rows));
  return model;
}

void reportModel(TaskContext& ctx, const ModelEvaluator& m, const InputSet& in,
                 std::uint64_t seed) {
  ctx.diagnostic("model", m.diagnostics());
  ctx.diagnostic("model_description", m.describe());
  ctx.diagnostic("inputs", in.describe());
  ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
  ctx.diagnostic("correlated_inputs", in.chol.has_value());
}

std::string sampleList(const std::vector<std::size_t>& rows, std::size_t shown) {
  std::string s;
  for (std::size_t k = 0; k < rows.size() && k < shown; ++k)
    s += (k ? ", #" : "#") + std::to_string(rows[k]);
  if (rows.size() > shown) s += " and " + std::to_string(rows.size() - shown) + " more";
  return s;
}

namespace {
std::string firstFailure(const ModelEvaluator& m) {
  const Map d = m.diagnostics();
  const auto it = d.find("first_failure");
  return it != d.end() && it->second.isString() ? it->second.asString() : std::string();
}
}  // namespace

void refuseFailedSamples(const ModelEvaluator& m, const std::vector<std::size_t>& failed,
                         std::size_t n, const std::string& why) {
  if (failed.empty()) return;
  const std::string first = firstFailure(m);
  const std::string msg = std::to_string(failed.size()) + " of " + std::to_string(n) +
                          " model samples failed (" + sampleList(failed) + ")" +
                          (first.empty() ? "" : "; first: " + first) + "; " + why;
  const Map d = m.diagnostics();
  const auto kind = d.find("kind");
  const bool expression =
      kind != d.end() && kind->second.isString() && kind->second.asString() == "expression";
  throw Error(expression ? ErrorCode::InvalidInput : ErrorCode::RunFailed, msg, {}, "model");
}

void reportDroppedSamples(TaskContext& ctx, const ModelEvaluator& m,
                          const std::vector<std::size_t>& failed, std::size_t n) {
  ctx.diagnostic("failed_samples", static_cast<std::int64_t>(failed.size()));
  List idx;
  for (std::size_t k = 0; k < failed.size() && k < 20; ++k)
    idx.emplace_back(static_cast<std::int64_t>(failed[k]));
  ctx.diagnostic("failed_sample_indices", std::move(idx));
  if (failed.empty()) return;
  const std::string first = firstFailure(m);
  ctx.warn(std::to_string(failed.size()) + " of " + std::to_string(n) +
           " model samples failed and were dropped (" + sampleList(failed) +
           "); the statistics use the " + std::to_string(n - failed.size()) +
           " finite samples and are biased if failures depend on the inputs" +
           (first.empty() ? "" : "; first: " + first));
}

double quantileSorted(const std::vector<double>& v, double p) {
  if (v.empty()) return NAN;
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Vector quantilesBySelection(std::vector<double>& v, const Vector& levels, double* min,
                            double* max) {
  Vector q = Vector::Constant(levels.size(), NAN);
  if (v.empty()) return q;
  // Every order statistic needed (each level's two neighbours, the ends), then one nth_element per
  // statistic on what lies above the previous one.
  const std::size_t n = v.size();
  std::vector<std::size_t> ks = {0, n - 1};
  for (double p : levels) {
    const auto lo = static_cast<std::size_t>(std::floor((static_cast<double>(n) - 1) * p));
    ks.push_back(std::min(lo, n - 1));
    ks.push_back(std::min(lo + 1, n - 1));
  }
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  auto first = v.begin();
  for (std::size_t k : ks) {
    std::nth_element(first, v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    first = v.begin() + static_cast<std::ptrdiff_t>(k) + 1;
  }
  // v now holds the order statistics at the positions quantileSorted reads.
  for (Eigen::Index i = 0; i < levels.size(); ++i) q[i] = quantileSorted(v, levels[i]);
  if (min) *min = v[0];
  if (max) *max = v[n - 1];
  return q;
}

double studentQuantile(double df, double p) {
  return boost::math::quantile(boost::math::students_t(df), p);
}

Value histogram(const Vector& y, int bins) {
  const double lo = y.minCoeff(), hi = y.maxCoeff();
  const double width = histogramWidth(lo, hi, bins);
  Vector count = Vector::Zero(bins);
  for (double v : y) count[histogramBin(v, lo, width, bins)] += 1;
  return histogramTable(count, lo, hi, static_cast<double>(y.size()));
}

namespace {
// Progress in [p0, p1] of the task as samples finish, at most every 20 ms.
ModelEvaluator::DoneCallback progressReporter(TaskContext& ctx, Eigen::Index rows, double p0,
                                              double p1, const std::string& what) {
  struct State {
    std::mutex mutex;
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  };
  auto state = std::make_shared<State>();
  const auto total = static_cast<double>(std::max<Eigen::Index>(1, rows));
  return [&ctx, state, total, p0, p1, what](std::size_t done) {
    std::lock_guard lock(state->mutex);
    const auto now = std::chrono::steady_clock::now();
    if (now - state->last < std::chrono::milliseconds(20) && static_cast<double>(done) < total)
      return;
    state->last = now;
    ctx.progress(p0 + (p1 - p0) * static_cast<double>(done) / total, what);
  };
}
}  // namespace

Vector evaluateWithProgress(TaskContext& ctx, ModelEvaluator& m, const Matrix& x, double p0,
                            double p1, const std::string& what) {
  return m.evaluate(x, ctx, progressReporter(ctx, x.rows(), p0, p1, what));
}

Matrix evaluateVectorWithProgress(TaskContext& ctx, ModelEvaluator& m, const Matrix& x, double p0,
                                  double p1, const std::string& what) {
  return m.evaluateVector(x, ctx, progressReporter(ctx, x.rows(), p0, p1, what));
}

}  // namespace sciagents::core::agents::uq
