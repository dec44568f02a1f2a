// Root finders used by optimization.root (see root_solvers.cpp).
#pragma once

#include "core/agents/optimization/opt_common.h"

#include <functional>

namespace sciagents::core::agents::opt {

struct RootResult {
  Vector x, fx;
  long nit = 0;
  bool success = false, maxiter = false;
  std::string message;
};

// Brent's method on [a, b]; throws paramError("bracket") without a sign change.
RootResult brentq(const std::function<double(double)>& f, double a, double b, double xtol,
                  long maxiter, const TaskContext& ctx);
// Newton with a central-difference derivative, step halving, and Brent once a sign change is seen.
RootResult scalarNewton(const std::function<double(double)>& f, double x0, double xtol, double ftol,
                        long maxiter, TaskContext& ctx);
// Newton for systems with a QR-solved finite-difference Jacobian and backtracking on ||F||^2.
// `jac` (optional, given x and f(x)) replaces the finite-difference Jacobian of `f`.
RootResult newtonSystem(const std::function<Vector(const Vector&)>& f, const Vector& x0,
                        double xtol, double ftol, long maxiter, TaskContext& ctx,
                        const std::function<Matrix(const Vector&, const Vector&)>& jac = {});

// SUNDIALS KINSOL: Newton with KINSOL's difference-quotient Jacobian (dense), refreshed every step,
// and its line search (root_kinsol.cpp). Residual samples go to ctx.metric("residual").
RootResult kinsolSystem(const std::function<Vector(const Vector&)>& f, const Vector& x0,
                        double xtol, double ftol, long maxiter, TaskContext& ctx);

}  // namespace sciagents::core::agents::opt
