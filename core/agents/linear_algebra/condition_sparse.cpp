// Condition-number estimates for large sparse matrices (see the condition task's doc).
#include "core/agents/linear_algebra/cond_estimate.h"
#include "core/agents/linear_algebra/la_common.h"
#include "core/linalg/dense_decompositions.h"

#include <Eigen/SparseLU>

#include <cmath>
#include <limits>
#include <vector>

namespace sciagents::core::agents::la {

namespace {
constexpr int kMaxLanczosSteps = 300;
constexpr double kLanczosTol = 1e-10;

// Largest eigenvalue of the symmetric positive semidefinite operator `op` by Lanczos (no
// reorthogonalization: loss of orthogonality only duplicates Ritz values, the extreme one stays
// accurate). Converges far faster than power iteration when the top of the spectrum is clustered.
template <typename Op>
double lanczosLargest(TaskContext& ctx, Eigen::Index n, Op op, int& steps) {
  Vector q(n);
  for (Eigen::Index i = 0; i < n; ++i)
    q[i] = 1.0 + 0.5 * std::sin(0.7371 * static_cast<double>(i));  // generic start
  q.normalize();
  Vector q_prev = Vector::Zero(n);
  std::vector<double> alpha, beta;
  double beta_prev = 0, ritz = 0;
  for (steps = 1; steps <= std::min<Eigen::Index>(kMaxLanczosSteps, n); ++steps) {
    Vector w = op(q);
    const double a = q.dot(w);
    w -= a * q + beta_prev * q_prev;
    alpha.push_back(a);
    const double b = w.norm();
    if (steps % 5 == 0 || b == 0) {
      Eigen::SelfAdjointEigenSolver<Matrix> es;
      const auto k = static_cast<Eigen::Index>(alpha.size());
      es.computeFromTridiagonal(Eigen::Map<const Vector>(alpha.data(), k),
                                Eigen::Map<const Vector>(beta.data(), k - 1),
                                Eigen::EigenvaluesOnly);
      const double next = es.eigenvalues()[k - 1];
      if (std::abs(next - ritz) <= kLanczosTol * std::abs(next) || b == 0) return next;
      ritz = next;
      ctx.checkCancelled();
    }
    beta.push_back(b);
    q_prev = q;
    q = w / b;
    beta_prev = b;
  }
  ctx.warn("Lanczos did not converge in " + std::to_string(kMaxLanczosSteps) +
           " steps; the 2-norm condition estimate is less accurate");
  return ritz;
}
}  // namespace

double sparseConditionEstimate(TaskContext& ctx, const SparseMatrix& a, const std::string& norm) {
  if (norm == "fro")
    throw paramError(
        "norm",
        "the Frobenius-norm condition of a large sparse matrix needs its full inverse; use "
        "norm 1, inf or 2 (estimates)");
  Eigen::SparseLU<SparseMatrix, Eigen::COLAMDOrdering<int>> lu;
  lu.compute(a);
  ctx.diagnostic("estimate", true);
  if (lu.info() != Eigen::Success) {
    ctx.setMethod("sparse_lu", "sparse LU found A singular");
    return std::numeric_limits<double>::infinity();
  }
  ctx.checkCancelled();
  auto solve = [&](const Vector& v) { return Vector(lu.solve(v)); };
  auto solveT = [&](const Vector& v) { return Vector(lu.transpose().solve(v)); };
  const auto n = a.rows();
  if (norm == "1" || norm == "inf") {
    const SparseMatrix at = a.transpose();
    const double anorm = norm == "1" ? normInf(at) : normInf(a);
    // ||A^-1||_inf = ||A^-T||_1: swap the roles of the two solves.
    const double inv = norm == "1" ? inverseNorm1Estimate(n, solve, solveT)
                                   : inverseNorm1Estimate(n, solveT, solve);
    ctx.setMethod("hager_higham",
                  "sparse matrix larger than 2000: Hager/Higham " + norm +
                      "-norm estimate of "
                      "||A^-1|| using sparse LU solves (a lower bound, usually within a factor 3)");
    ctx.diagnostic("estimator", "Hager/Higham (LAPACK dlacon)");
    return anorm * inv;
  }
  int it_max = 0, it_min = 0;
  const double smax2 = lanczosLargest(
      ctx, n, [&](const Vector& v) { return Vector(a.transpose() * (a * v)); }, it_max);
  const double inv_smin2 = lanczosLargest(
      ctx, n, [&](const Vector& v) { return solve(solveT(v)); }, it_min);
  ctx.setMethod("lanczos",
                "sparse matrix larger than 2000: sigma_max^2 by Lanczos on A^T A, 1/sigma_min^2 by "
                "Lanczos on A^-1 A^-T through a sparse LU");
  ctx.diagnostic("estimator", "Lanczos (largest Ritz value, converged to 1e-10 relative)");
  ctx.diagnostic("iterations", static_cast<std::int64_t>(it_max + it_min));
  return std::sqrt(smax2 * inv_smin2);
}

}  // namespace sciagents::core::agents::la
