// The linear_algebra agent: one task per translation unit (see tasks.h).
#include "core/agents/linear_algebra/linear_algebra_agent.h"

#include "core/agents/linear_algebra/tasks.h"

namespace sciagents::core::agents {

AgentSpec linearAlgebraAgent() {
  AgentSpec a;
  a.id = "linear_algebra";
  a.name = "Linear algebra";
  a.family = "Solvers";
  a.version = "1.0.0";
  a.summary =
      "Dense and sparse linear systems, least squares, eigenproblems, SVD, factorizations, "
      "conditioning.";
  a.tasks = {la::solveTask(),     la::leastSquaresTask(), la::eigenTask(), la::svdTask(),
             la::decomposeTask(), la::conditionTask(),    la::matrixTask()};
  return a;
}

}  // namespace sciagents::core::agents
