// Hager/Higham 1-norm estimate of ||A^-1||_1 from solves with A and A^T (LAPACK dlacon's
// algorithm): a handful of solves instead of forming the inverse, so it suits large sparse factors.
#pragma once

#include "core/value/value.h"

#include <cmath>

namespace sciagents::core::agents::la {

template <typename Solve, typename SolveT>
double inverseNorm1Estimate(Eigen::Index n, Solve solve, SolveT solveT, int max_iter = 5) {
  Vector x = Vector::Constant(n, 1.0 / static_cast<double>(n));
  double est = 0;
  Eigen::Index last = -1;
  for (int it = 0; it < max_iter; ++it) {
    const Vector y = solve(x);
    est = y.lpNorm<1>();
    const Vector xi = y.unaryExpr([](double v) { return v >= 0 ? 1.0 : -1.0; });
    const Vector z = solveT(xi);
    Eigen::Index j = 0;
    const double zmax = z.cwiseAbs().maxCoeff(&j);
    if (it > 0 && (zmax <= z.dot(x) || j == last)) break;
    last = j;
    x.setZero();
    x[j] = 1.0;
  }
  // Higham's alternating-sign vector guards against the estimator's known bad cases.
  Vector alt(n);
  for (Eigen::Index i = 0; i < n; ++i)
    alt[i] = (i % 2 ? -1.0 : 1.0) *
             (1.0 + static_cast<double>(i) / static_cast<double>(std::max<Eigen::Index>(n - 1, 1)));
  const Vector y_alt = solve(alt);
  const double alt_est = 2.0 * y_alt.lpNorm<1>() / (3.0 * static_cast<double>(n));
  return std::max(est, alt_est);
}

}  // namespace sciagents::core::agents::la
