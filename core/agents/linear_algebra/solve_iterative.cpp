// linear_algebra.solve with cg / bicgstab. The Krylov loops are written out (rather than Eigen's
// solver classes) so they can report progress and honour cancellation between chunks of
// iterations without restarting, which would throw away the Krylov information.
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/solve_internal.h"

#include <Eigen/IterativeLinearSolvers>

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::la {

namespace {
constexpr int kChunk = 25;  // iterations between cancellation checks / progress reports

struct IterResult {
  Vector x;
  std::int64_t iterations = 0;
  double rel_residual = 0;
  bool converged = false;
};

// Progress on a log scale from the initial residual (1) to tol.
void reportProgress(TaskContext& ctx, double rel, double tol, std::int64_t it) {
  const double frac = rel <= tol ? 1.0 : std::clamp(std::log(rel) / std::log(tol), 0.0, 0.99);
  ctx.progress(frac,
               "iteration " + std::to_string(it) + ", relative residual " + formatCompact(rel));
}

template <typename Precond>
IterResult pcg(TaskContext& ctx, const SparseMatrix& a, const Vector& b, const Precond& m,
               double tol, std::int64_t maxiter) {
  IterResult r{Vector::Zero(a.cols())};
  const double bnorm = b.norm();
  if (bnorm == 0) {
    r.converged = true;
    return r;
  }
  Vector res = b, z = m.solve(res), p = z, q(a.rows());
  double rz = res.dot(z);
  for (r.iterations = 0; r.iterations < maxiter;) {
    q.noalias() = a * p;
    const double pq = p.dot(q);
    if (!(pq > 0)) break;  // breakdown: A (or the preconditioner) is not positive definite
    const double alpha = rz / pq;
    r.x += alpha * p;
    res -= alpha * q;
    ++r.iterations;
    r.rel_residual = res.norm() / bnorm;
    if (r.rel_residual <= tol) {
      r.converged = true;
      break;
    }
    z = m.solve(res);
    const double rz_new = res.dot(z);
    p = z + (rz_new / rz) * p;
    rz = rz_new;
    if (r.iterations % kChunk == 0) {
      ctx.checkCancelled();
      reportProgress(ctx, r.rel_residual, tol, r.iterations);
    }
  }
  return r;
}

template <typename Precond>
IterResult bicgstab(TaskContext& ctx, const SparseMatrix& a, const Vector& b, const Precond& m,
                    double tol, std::int64_t maxiter) {
  IterResult r{Vector::Zero(a.cols())};
  const double bnorm = b.norm();
  if (bnorm == 0) {
    r.converged = true;
    return r;
  }
  Vector res = b, r0 = b, p = Vector::Zero(b.size()), v = p, y, z, s, t;
  double rho = 1, alpha = 1, w = 1;
  for (r.iterations = 0; r.iterations < maxiter;) {
    const double rho_new = r0.dot(res);
    if (rho_new == 0 || w == 0) break;  // breakdown
    const double beta = (rho_new / rho) * (alpha / w);
    rho = rho_new;
    p = res + beta * (p - w * v);
    y = m.solve(p);
    v.noalias() = a * y;
    alpha = rho / r0.dot(v);
    s = res - alpha * v;
    z = m.solve(s);
    t.noalias() = a * z;
    const double tt = t.squaredNorm();
    w = tt > 0 ? t.dot(s) / tt : 0.0;
    r.x += alpha * y + w * z;
    res = s - w * t;
    ++r.iterations;
    r.rel_residual = res.norm() / bnorm;
    if (!std::isfinite(r.rel_residual)) break;
    if (r.rel_residual <= tol) {
      r.converged = true;
      break;
    }
    if (r.iterations % kChunk == 0) {
      ctx.checkCancelled();
      reportProgress(ctx, r.rel_residual, tol, r.iterations);
    }
  }
  return r;
}

template <typename Precond>
void runWith(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const SolveOptions& o,
             const Precond& m, const std::string& method, const std::string& rationale) {
  const std::int64_t maxiter = o.maxiter > 0 ? o.maxiter : 10 * a.rows();
  Matrix x(a.cols(), b.cols());
  std::int64_t total = 0;
  double worst = 0;
  bool converged = true;
  for (Eigen::Index j = 0; j < b.cols(); ++j) {
    const Vector bj = b.col(j);
    const IterResult r = method == "cg" ? pcg(ctx, a, bj, m, o.tol, maxiter)
                                        : bicgstab(ctx, a, bj, m, o.tol, maxiter);
    x.col(j) = r.x;
    total += r.iterations;
    worst = std::max(worst, r.rel_residual);
    converged = converged && r.converged;
  }
  ctx.setMethod(method, rationale);
  ctx.diagnostic("iterations", total);
  ctx.diagnostic("relative_residual", worst);
  ctx.diagnostic("converged", converged);
  ctx.progress(1.0, "done");
  if (!converged)
    ctx.warn(method + " did not reach tol = " + formatCompact(o.tol) +
             " within maxiter = " + std::to_string(maxiter) + " iterations (relative residual " +
             formatCompact(worst) + "); try another preconditioner or a direct method");
  ctx.output("x", columnsValue(x));
  reportAccuracy(ctx, a * x - b, x, b, normInf(a), 0.0, "inf", o.tol);
}

// Identity preconditioner with the solve() interface the loops use.
struct NoPreconditioner {
  const Vector& solve(const Vector& v) const { return v; }
};
}  // namespace

void solveIterative(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const SolveOptions& o,
                    const std::string& rationale) {
  const std::string& method = o.method;
  std::string pc = o.preconditioner;
  if (pc == "auto") pc = method == "cg" ? "ichol" : "ilut";
  if (method == "cg" && pc == "ilut")
    throw paramError("preconditioner",
                     "ilut is not symmetric and breaks cg; use ichol, jacobi or none, or bicgstab");
  ctx.diagnostic("preconditioner", pc);
  const std::string why = rationale + "; preconditioner " + pc;
  if (pc == "none") return runWith(ctx, a, b, o, NoPreconditioner{}, method, why);
  if (pc == "jacobi") {
    Eigen::DiagonalPreconditioner<double> m(a);
    return runWith(ctx, a, b, o, m, method, why);
  }
  if (pc == "ichol") {
    Eigen::IncompleteCholesky<double, Eigen::Lower, Eigen::AMDOrdering<int>> m(a);
    if (m.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed,
                  "incomplete Cholesky failed (A is not symmetric positive definite?)");
    return runWith(ctx, a, b, o, m, method, why);
  }
  Eigen::IncompleteLUT<double> m(a);
  if (m.info() != Eigen::Success)
    throw Error(ErrorCode::RunFailed, "incomplete LU (ILUT) factorization failed");
  runWith(ctx, a, b, o, m, method, why);
}

}  // namespace sciagents::core::agents::la
