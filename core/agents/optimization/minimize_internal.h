// Internals shared by minimize and global_minimize: the problem as read from the params, the
// method choice, the problem facts and the first-order (KKT) conditions at a point.
#pragma once

#include "core/agent/task_spec.h"
#include "core/agents/optimization/opt_common.h"

namespace sciagents::core::agents::opt {

struct Problem {
  std::vector<std::string> vars;
  Constants constants;
  Bounds bounds;
  std::vector<Constraint> constraints;
  std::vector<std::string> jac;
  Eigen::Index n() const { return static_cast<Eigen::Index>(vars.size()); }
  int nEq() const;
  int nIneq() const;
};
// Reads variables/constants/bounds/constraints/jac (whichever the task declares).
Problem readProblem(const TaskContext& ctx, bool bounds_required);

// Canonical lower-case local method name, or throws paramError listing the accepted names.
std::string canonicalLocalMethod(const std::string& given);

// Names of muParser functions with kinks or jumps found in an expression ("" when none).
std::string nonSmoothFunctions(const std::string& text);

// First-order optimality at x: multipliers by least squares on the active constraints (equalities,
// inequalities with |c| small, bounds the point sits on).
struct Kkt {
  double stationarity = 0;      // ||grad f - A lambda||_inf / max(1, ||grad f||_inf)
  double feasibility = 0;       // largest constraint/bound violation
  double dual_feasibility = 0;  // largest negative multiplier of an active inequality, relative
  double complementarity = 0;   // max |lambda_i c_i| over active inequalities
  int n_active = 0;
  Vector lambda;
};
Kkt kktAt(const Vector& grad, const std::vector<Constraint>& cons, const Bounds& b,
          const Vector& x);

MethodChoice selectMinimize(const TaskContext& ctx);
Map analyzeMinimize(const TaskContext& ctx);
std::vector<ValidationCheck> validateMinimize(const TaskContext& ctx, const Map& outputs);

}  // namespace sciagents::core::agents::opt
