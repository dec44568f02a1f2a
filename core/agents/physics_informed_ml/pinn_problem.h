// What pinn and pinn_inverse share: the parameter schema of the problem and the network, reading
// it into loss terms (collocation points, conditions), and publishing the trained solution.
#pragma once

#include "core/agent/task_spec.h"
#include "core/agents/physics_informed_ml/pinn_loss.h"
#include "core/agents/physics_informed_ml/pinn_training.h"
#include "core/expr/expression.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::agents::pinn {

struct PinnProblem {
  std::vector<std::string> axes;
  Matrix domain;  // d x 2: [lo, hi] per axis
  Constants constants;
  std::uint64_t seed = 0;
  std::unique_ptr<TanhMlp> net;
  std::vector<LossTerm> terms;  // pde, then conditions
  Vector scale, shift;          // x -> [-1, 1]
  TrainOptions train;
  Vector initial;  // network weights to start from
};

// Parameters of the problem and the training (both tasks).
std::vector<ParamSpec> problemParams();
std::vector<OutputSpec> solutionOutputs();

// Reads the problem; `unknown` is the inverse problem's coefficient name (empty for pinn).
PinnProblem readProblem(const TaskContext& ctx, const std::string& unknown = {});

// Points of `x_param` (a vector for one axis, or n x d rows) checked against the axes: d x n.
Matrix readPoints(const TaskContext& ctx, const std::string& x_param, const PinnProblem& p);

// Outputs shared by both tasks: solution on the evaluation grid, error against `exact`, weights,
// history, training diagnostics and an independent residual check.
void publishSolution(TaskContext& ctx, const PinnProblem& p, const PinnLoss& loss,
                     const TrainResult& r, const std::string& unknown = {});

}  // namespace sciagents::core::agents::pinn
