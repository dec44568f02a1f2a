// The block path of expression models (the `model` of uq / surrogate / inverse tasks given as an
// expression, core/agent/model_evaluator.h): a task that draws, evaluates and summarises its
// samples block by block in one parallel loop (uq.monte_carlo) evaluates the expression itself and
// tells the model afterwards, so that the model's diagnostics and failed samples read as if it had
// called ModelEvaluator::evaluate on every row.
#pragma once

#include "core/agent/model_evaluator.h"

#include <cstddef>
#include <vector>

namespace sciagents::core {

class Expression;

// The expression of an expression model whose evaluation is safe from several threads at once
// (compiled to a tape: Expression::evalMany, variable k of point i at x[k * stride + i]);
// nullptr for any other model (a step, a surrogate, a study shard) or a muParser fallback.
const Expression* blockExpression(const ModelEvaluator& m);

// One non-finite sample found by the caller: its row and its point (one value per input).
struct BlockFailure {
  std::size_t row = 0;
  double value = 0;
  std::vector<double> point;
};

// Records `evaluations` evaluations done through blockExpression() and the non-finite samples
// among them (in increasing row order) exactly as evaluate() would: failedSamples() lists them and
// the diagnostics count them; when failed samples are not allowed, the first one throws the same
// error evaluate() throws.
void noteBlockEvaluations(ModelEvaluator& m, std::size_t evaluations,
                          const std::vector<BlockFailure>& failed);

}  // namespace sciagents::core
