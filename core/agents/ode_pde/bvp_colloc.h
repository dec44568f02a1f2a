// Two-point boundary value problems y' = f(x, y), bc(y(a), y(b)) = 0 by 4th-order Lobatto IIIA
// collocation (the cubic-Hermite/Simpson scheme of scipy.integrate.solve_bvp) with damped Newton
// and residual-driven mesh refinement.
#pragma once

#include "core/expr/expression.h"
#include "core/value/value.h"

#include <functional>
#include <string>
#include <vector>

namespace sciagents::core::agents::ode::pde {

struct BvpSystem {
  const ExpressionSet* rhs = nullptr;  // variables: x, states...
  const ExpressionSet* bc = nullptr;   // variables: ya_<s>..., yb_<s>...
  int m = 0;
};

struct BvpResult {
  Vector x;
  Matrix y;    // rows = mesh points
  Vector rms;  // per interval, relative collocation residual (as solve_bvp)
  bool success = false;
  std::string message;
  int newton_iterations = 0, refinements = 0;
  long f_evals = 0;
  double bc_residual = 0;
};

using BvpMonitor = std::function<void(int round, std::size_t nodes, double max_rms)>;

// Throws Error(RunFailed) when Newton fails (singular Jacobian: inconsistent or insufficient
// boundary conditions; divergence). Exceeding max_nodes returns success = false with a message.
BvpResult solveBvp(const BvpSystem& sys, Vector x, Matrix y, double tol, int max_nodes,
                   const BvpMonitor& monitor);

// Cubic Hermite interpolant of a solution (slopes f at nodes) and its derivative at xs.
void hermiteEval(const BvpSystem& sys, const Vector& x, const Matrix& y, const Vector& xs,
                 Matrix& s, Matrix& ds);

}  // namespace sciagents::core::agents::ode::pde
