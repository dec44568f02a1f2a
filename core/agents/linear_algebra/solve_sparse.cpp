// linear_algebra.solve on sparse matrices: direct factorizations (CHOLMOD supernodal Cholesky when
// available, Eigen's simplicial LDL^T / SparseLU otherwise) and the auto choice between direct and
// iterative solvers.
#include "core/agents/linear_algebra/cond_estimate.h"
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/solve_choice.h"
#include "core/agents/linear_algebra/solve_internal.h"

#include <Eigen/OrderingMethods>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseLU>
#ifdef SCIAGENTS_HAVE_CHOLMOD
#include <Eigen/CholmodSupport>
#endif

#include <limits>
#include <optional>

namespace sciagents::core::agents::la {

namespace {
// Condition estimates cost a few extra solves: cheap relative to the factorization only up to here.
constexpr Eigen::Index kCondEstimateMaxN = 200000;

template <typename Factor, typename Transposed>
void finish(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const Factor& f,
            Transposed ft, const SolveOptions& o) {
  Matrix x(a.cols(), b.cols());
  for (Eigen::Index j = 0; j < b.cols(); ++j) {
    ctx.checkCancelled();
    x.col(j) = f.solve(Vector(b.col(j)));
  }
  ctx.output("x", columnsValue(x));
  const double norm_a = normInf(a);
  double cond = 0;
  if (a.rows() <= kCondEstimateMaxN) {
    // inf-norm condition of A = 1-norm condition of A^T: estimate ||A^-T||_1 with solves by A^T and
    // A.
    const double inv = inverseNorm1Estimate(
        a.rows(), [&](const Vector& v) { return Vector(ft(v)); },
        [&](const Vector& v) { return Vector(f.solve(v)); });
    cond = norm_a * inv;
    ctx.diagnostic("condition_estimator",
                   "Hager/Higham 1-norm estimator on A^T (inf-norm condition)");
  } else {
    ctx.diagnostic("condition_estimate", "skipped: n > " + std::to_string(kCondEstimateMaxN) +
                                             " (use the condition task for an estimate)");
  }
  reportAccuracy(ctx, a * x - b, x, b, norm_a, cond, "inf", o.tol);
}

bool trySparseCholesky(TaskContext& ctx, const SparseMatrix& a, const Matrix& b,
                       const SolveOptions& o, const std::string& rationale) {
#ifdef SCIAGENTS_HAVE_CHOLMOD
  Eigen::CholmodSupernodalLLT<SparseMatrix, Eigen::Lower> llt;
  llt.compute(a);
  if (llt.info() != Eigen::Success) return false;
  ctx.setMethod("sparse_cholesky", rationale);
  ctx.diagnostic("backend", "CHOLMOD supernodal LL^T");
  finish(
      ctx, a, b, llt, [&](const Vector& v) { return Vector(llt.solve(v)); }, o);
#else
  Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt(a);
  if (ldlt.info() != Eigen::Success || (ldlt.vectorD().array() <= 0.0).any()) return false;
  ctx.setMethod("sparse_cholesky", rationale);
  ctx.diagnostic("backend", "Eigen SimplicialLDLT (AMD ordering)");
  finish(
      ctx, a, b, ldlt, [&](const Vector& v) { return Vector(ldlt.solve(v)); }, o);
#endif
  return true;
}

void sparseLu(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const SolveOptions& o,
              const std::string& rationale) {
  Eigen::SparseLU<SparseMatrix, Eigen::COLAMDOrdering<int>> lu;
  lu.analyzePattern(a);
  ctx.checkCancelled();
  lu.factorize(a);
  if (lu.info() != Eigen::Success)
    throw Error(ErrorCode::RunFailed,
                "A is singular: sparse LU failed (" + lu.lastErrorMessage() +
                    "); for a least-squares/minimum-norm answer use least_squares");
  ctx.setMethod("sparse_lu", rationale);
  ctx.diagnostic("backend", "Eigen SparseLU (COLAMD ordering)");
  finish(
      ctx, a, b, lu, [&](const Vector& v) { return Vector(lu.transpose().solve(v)); }, o);
}
}  // namespace

void solveSparse(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const SolveOptions& o) {
  ctx.diagnostic("storage", "sparse");
  ctx.diagnostic("nnz", static_cast<std::int64_t>(a.nonZeros()));
  if (o.method == "cg" || o.method == "bicgstab")
    return solveIterative(ctx, a, b, o, "requested: " + o.method);
  if (o.method == "sparse_lu") return sparseLu(ctx, a, b, o, "requested: sparse LU");
  const bool sym =
      o.assume_a == "pos" || o.assume_a == "sym" || (o.assume_a.empty() && isSymmetric(a));
  if (o.method == "sparse_cholesky") {
    if (!sym)
      throw paramError("A",
                       "method 'sparse_cholesky' needs a symmetric matrix; A is not symmetric");
    if (!trySparseCholesky(ctx, a, b, o, "requested: sparse Cholesky"))
      throw Error(ErrorCode::RunFailed,
                  "A is not positive definite: sparse Cholesky failed (use 'sparse_lu')");
    return;
  }
  // auto: the same choice algorithm_selector reports
  const SolveChoice choice = chooseSparse(a, o.assume_a);
  if (choice.method == "cg" || choice.method == "bicgstab") {
    SolveOptions it = o;
    it.method = choice.method;
    return solveIterative(ctx, a, b, it, choice.rationale);
  }
  const bool spd_candidate = choice.method == "sparse_cholesky";
  if (spd_candidate &&
      trySparseCholesky(ctx, a, b, o,
                        "sparse symmetric with positive diagonal and Cholesky succeeded (SPD): "
                        "sparse Cholesky with fill-reducing ordering"))
    return;
  sparseLu(ctx, a, b, o,
           spd_candidate ? "sparse symmetric but Cholesky failed (not positive definite): sparse LU"
                         : "sparse general matrix: sparse LU with COLAMD ordering");
}

}  // namespace sciagents::core::agents::la
