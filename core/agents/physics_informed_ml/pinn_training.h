// Training of a PINN objective: Adam (full batch) to leave the initial transient, then L-BFGS
// (NLopt LD_LBFGS with the exact gradient) to converge. Streams the loss (and the unknown
// coefficient, if any) as live metrics and keeps a thinned loss history.
#pragma once

#include "core/agent/task_context.h"
#include "core/agents/physics_informed_ml/pinn_loss.h"

#include <cstdint>
#include <string>

namespace sciagents::core::agents::pinn {

struct TrainOptions {
  std::int64_t epochs = 2000;  // Adam steps
  double learning_rate = 5e-3;
  std::int64_t lbfgs_iterations = 1000;  // L-BFGS function evaluations
  double tolerance = 1e-12;              // L-BFGS relative change of the loss
};

struct TrainResult {
  Vector params;
  double loss = 0.0;
  Vector term_losses;
  std::int64_t adam_steps = 0, lbfgs_evaluations = 0;
  std::string lbfgs_status;
  double adam_seconds = 0.0, lbfgs_seconds = 0.0;
  Value history;  // Table: iteration, loss, phase (0 Adam, 1 L-BFGS)[, coefficient]
};

TrainResult train(const PinnLoss& loss, Vector p0, const TrainOptions& o, TaskContext& ctx);

}  // namespace sciagents::core::agents::pinn
