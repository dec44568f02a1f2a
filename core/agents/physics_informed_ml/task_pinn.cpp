// physics_informed_ml.pinn: solve a linear PDE with boundary/initial conditions by training a
// physics-informed neural network on its residual.
#include "core/agents/physics_informed_ml/pinn_problem.h"
#include "core/agents/physics_informed_ml/tasks.h"

namespace sciagents::core::agents::pinn {

namespace {

void runPinn(TaskContext& ctx) {
  PinnProblem p = readProblem(ctx);
  const PinnLoss loss(*p.net, p.scale, p.shift, std::move(p.terms), false);
  const TrainResult r = train(loss, p.initial, p.train, ctx);
  publishSolution(ctx, p, loss, r);
}

}  // namespace

TaskSpec pinnTask() {
  TaskSpec t;
  t.id = "pinn";
  t.summary =
      "Train a physics-informed neural network on a PDE residual with boundary/initial conditions.";
  t.doc =
      "Fits a small tanh network u(x) (1 to 3 variables) so that the `residual` expression (in the "
      "variables, u, "
      "u_x, u_xx, u_y, u_t...) vanishes at `interior_points` collocation points and every "
      "condition holds on its "
      "boundary points. Input derivatives are exact (forward-mode through the network) and so is "
      "the gradient of "
      "the loss (back-propagation through the derivative propagation). Adam for `epochs` steps, "
      "then L-BFGS. The "
      "residual must be affine in u and its derivatives (linear PDEs with variable coefficients "
      "and sources); "
      "nonlinear terms are rejected. Live series: loss against iteration.";
  t.params = problemParams();
  t.outputs = solutionOutputs();
  t.run = runPinn;
  return t;
}

}  // namespace sciagents::core::agents::pinn
