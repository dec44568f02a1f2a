// Shared pieces of the uq tasks: seeded counter-based random streams, common parameter specs,
// the model and its diagnostics, and small statistics helpers.
#pragma once

#include "core/agent/model_evaluator.h"
#include "core/agent/task_spec.h"
#include "core/agents/uq/distributions.h"
#include "core/util/text_format.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::agents::uq {

// Counter-based generator: value k of stream s is a pure function of (seed, s, k) (SplitMix64
// finaliser over a Weyl sequence), so samples can be generated in any order or in parallel and
// are identical whatever the thread count.
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t stream);
  std::uint64_t bits(std::uint64_t k) const { return mix(m_key + (k + 1) * kGamma); }
  double uniform(std::uint64_t k) const {  // in (0, 1), never 0 or 1
    // 53 bits: exact as a signed integer, whose conversion is one instruction (unsigned is not).
    return (static_cast<double>(static_cast<std::int64_t>(bits(k) >> 11)) + 0.5) * 0x1p-53;
  }

  // SplitMix64's finaliser and Weyl increment.
  static std::uint64_t mix(std::uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }
  static constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ull;

 private:
  std::uint64_t m_key;
};

std::uint64_t taskSeed(const TaskContext& ctx);  // `seed` param, else the engine-derived seed

// (n x d) uniforms in (0,1): plain pseudo-random, or a Latin hypercube (one point per stratum and
// axis).
Matrix randomUniforms(std::uint64_t seed, std::uint64_t stream, Eigen::Index n, Eigen::Index d);
Matrix latinHypercube(std::uint64_t seed, std::uint64_t stream, Eigen::Index n, Eigen::Index d);

// Parameter specs shared by the tasks.
ParamSpec modelParam(bool required = true);
ParamSpec inputsParam();
ParamSpec seedParam();
ParamSpec constantsParam();
ParamSpec correlationParam();
ParamSpec confidenceParam();

// Builds the task's `model` for the input names and reports it in the diagnostics.
std::unique_ptr<ModelEvaluator> readModel(TaskContext& ctx, const InputSet& in);
// The same for a task whose design has `rows` rows evaluated in row order (sobol, monte_carlo,
// lhs): such a study can be split over processes (ModelShard::current(), core/agent/model_shard.h).
std::unique_ptr<ModelEvaluator> readModel(TaskContext& ctx, const InputSet& in, Eigen::Index rows);
void reportModel(TaskContext& ctx, const ModelEvaluator& m, const InputSet& in, std::uint64_t seed);

// Failed samples (ModelEvaluator::allowFailedSamples). "#3, #17, #40 and 5 more" (the first
// `shown`).
std::string sampleList(const std::vector<std::size_t>& rows, std::size_t shown = 10);
// Refuses a design with failed samples: an error on param `model` naming how many of `n` failed,
// the first indices and the first failure, and `why` (why the estimator cannot drop them). No-op
// when `failed` is empty.
void refuseFailedSamples(const ModelEvaluator& m, const std::vector<std::size_t>& failed,
                         std::size_t n, const std::string& why);
// Diagnostics failed_samples (count) and failed_sample_indices (the first 20) plus a warning.
void reportDroppedSamples(TaskContext& ctx, const ModelEvaluator& m,
                          const std::vector<std::size_t>& failed, std::size_t n);

// Statistics.
double quantileSorted(const std::vector<double>& sorted,
                      double p);  // linear interpolation (NumPy default)
// The same quantiles of unsorted values, found by selection (O(n) per level instead of a full
// sort): identical numbers, since the order statistics are the same. Reorders `values`; the
// minimum and maximum go to *min and *max when given.
Vector quantilesBySelection(std::vector<double>& values, const Vector& levels,
                            double* min = nullptr, double* max = nullptr);
double studentQuantile(double df, double p);
Value histogram(const Vector& y, int bins);  // Table: bin_lo, bin_hi, count, density

// Evaluates the model on `x` and reports progress in [p0, p1] of the task.
Vector evaluateWithProgress(TaskContext& ctx, ModelEvaluator& m, const Matrix& x, double p0,
                            double p1, const std::string& what);
// The same for a model with a vector output: one row per sample (ModelEvaluator::evaluateVector).
Matrix evaluateVectorWithProgress(TaskContext& ctx, ModelEvaluator& m, const Matrix& x, double p0,
                                  double p1, const std::string& what);

}  // namespace sciagents::core::agents::uq
