// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/optimization/tasks.h"

namespace sciagents::core::agents::opt {

TaskSpec curveFitTask() {
  TaskSpec t;
  t.id = "curve_fit";
  t.summary = "Nonlinear least-squares fit with covariance.";
  return t;
}

}  // namespace sciagents::core::agents::opt
