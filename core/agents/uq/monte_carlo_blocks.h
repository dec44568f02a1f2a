// uq.monte_carlo's path for expression models: samples drawn, evaluated and summarised block by
// block inside one parallel loop, never holding the n x d inputs (unless they are to be returned).
#pragma once

#include "core/agents/uq/distributions.h"
#include "core/agents/uq/sample_buffer.h"
#include "core/agents/uq/sample_summary.h"

#include <cstdint>
#include <vector>

namespace sciagents::core {
class Expression;
class ModelEvaluator;
}  // namespace sciagents::core

namespace sciagents::core::agents::uq {

struct BlockStudy {
  SampleBuffer y;                   // n model values (NaN where a sample failed)
  Matrix x;                         // n x d inputs (keep_samples only)
  std::vector<std::size_t> failed;  // non-finite samples, increasing
  Moments moments;                  // of the finite values
  double min = NAN, max = NAN;      // of the finite values
};

// Samples 0..n-1 of `in` (the uniforms of plain sampling come from Stream(seed, 1), value (i, j) at
// counter i * d + j exactly as randomUniforms; `lhs` is the Latin hypercube design when given)
// through the expression in blocks of kMonteCarloBlock rows on ctx.threads() threads. The model is
// told about the evaluations and failures (noteBlockEvaluations). Progress and the live series
// running_mean and ci_halfwidth (over the finished prefix of blocks) are reported on the calling
// thread; cancellation is checked per block.
constexpr std::size_t kMonteCarloBlock = 4096;
BlockStudy sampleExpressionBlocks(TaskContext& ctx, const InputSet& in, const Expression& e,
                                  ModelEvaluator& model, std::uint64_t seed, std::int64_t n,
                                  const Matrix* lhs, bool keep_samples, double conf);

}  // namespace sciagents::core::agents::uq
