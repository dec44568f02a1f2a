// Levenberg-Marquardt for min ||r(p)||^2 (curve_fit, and the fallback of root for systems).
#pragma once

#include "core/agents/optimization/opt_common.h"

#include <functional>

namespace sciagents::core::agents::opt {

struct LmOptions {
  double ftol = 1e-10, xtol = 1e-10, gtol = 1e-10;
  long maxfev = 0;  // residual evaluations (finite differences included); 0: 1000 (n+1)
  const Bounds* bounds = nullptr;  // projected steps; variables pinned at a bound are frozen
  std::function<void(long iter, double cost)> on_iteration;  // metrics, progress, cancellation
  // Optional Jacobian of the residuals (m x n; counted as 2n evaluations). Default: fdJacobian of
  // `res`. A step model passes its batched central differences (model_function.h).
  std::function<Matrix(const Vector& p, const Vector& r)> jacobian;
};

struct LmResult {
  Vector p, r;
  Matrix jac;         // at p
  double cost = 0.0;  // ||r||^2
  long nfev = 0, nit = 0;
  bool success = false, maxfev = false;
  std::string message;
};

// `res` returns the residual vector; non-finite residuals make a step fail (it is then shortened).
LmResult levenbergMarquardt(const std::function<Vector(const Vector&)>& res, const Vector& p0,
                            const LmOptions& o);

}  // namespace sciagents::core::agents::opt
