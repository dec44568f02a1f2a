// linear_algebra.solve: schema and the dense paths (auto choice, LU, QR, Cholesky, LDLT, SVD).
#include "core/agents/linear_algebra/dense_lapack.h"
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/solve_choice.h"
#include "core/agents/linear_algebra/solve_internal.h"
#include "core/agents/linear_algebra/tasks.h"
#include "core/linalg/dense_decompositions.h"

#include <limits>

namespace sciagents::core::agents::la {

namespace {

bool isSparseMethod(const std::string& m) {
  return m == "sparse_lu" || m == "sparse_cholesky" || m == "cg" || m == "bicgstab";
}

// Minimum-norm least-squares solution for (numerically) singular A.
void svdSolve(TaskContext& ctx, const Matrix& a, const Matrix& b, double tol,
              const std::string& rationale) {
  Eigen::BDCSVD<Matrix> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Vector& s = svd.singularValues();
  svd.setThreshold(static_cast<double>(std::max(a.rows(), a.cols())) * kEps);
  const Matrix x = svd.solve(b);
  const auto rank = svd.rank();
  ctx.setMethod("svd", rationale);
  ctx.diagnostic("rank", static_cast<std::int64_t>(rank));
  const double cond =
      s[s.size() - 1] > 0 ? s[0] / s[s.size() - 1] : std::numeric_limits<double>::infinity();
  if (rank < a.cols())
    ctx.warn("A is rank deficient (numerical rank " + std::to_string(rank) + " of " +
             std::to_string(a.cols()) + ", singular values from " + formatCompact(s[0]) +
             " down to " + formatCompact(s[s.size() - 1]) +
             "); x is the minimum-norm least-squares solution, not a unique solution");
  ctx.output("x", columnsValue(x));
  reportAccuracy(ctx, a * x - b, x, b, normInf(a), cond, "2", tol);
  if (rank < a.cols()) ctx.diagnostic("forward_error_bound", "inf");
}

void qrSolve(TaskContext& ctx, const Matrix& a, const Matrix& b, double tol,
             const std::string& rationale) {
  Eigen::ColPivHouseholderQR<Matrix> qr(a);
  if (qr.rank() < a.cols())
    throw Error(ErrorCode::RunFailed,
                "A is singular: column-pivoted QR finds numerical rank " +
                    std::to_string(qr.rank()) + " of " + std::to_string(a.cols()) +
                    "; use method 'svd' (or 'auto') for the minimum-norm solution");
  const Matrix x = qr.solve(b);
  ctx.setMethod("qr", rationale);
  const Vector d = qr.matrixR().diagonal().cwiseAbs();
  ctx.output("x", columnsValue(x));
  // |r_11| / |r_nn| of a column-pivoted QR: a cheap lower bound of cond_2.
  reportAccuracy(ctx, a * x - b, x, b, normInf(a), d.maxCoeff() / d.minCoeff(),
                 "2 (QR diagonal ratio, lower bound)", tol);
}

struct Attempt {
  DenseSolve info;
  Matrix x;
};

Attempt factor(const std::string& method, const Matrix& a, const Matrix& b) {
  Attempt t{{}, b};
  t.info = method == "cholesky" ? choleskySolve(a, t.x)
           : method == "ldlt"   ? ldltSolve(a, t.x)
                                : luSolve(a, t.x);
  return t;
}

void report(TaskContext& ctx, const std::string& method, const std::string& rationale,
            const Matrix& a, const Matrix& b, const Attempt& t, double tol) {
  ctx.setMethod(method, rationale);
  ctx.diagnostic("backend", t.info.backend);
  ctx.output("x", columnsValue(t.x));
  const double cond =
      t.info.rcond > 0 ? 1.0 / t.info.rcond : std::numeric_limits<double>::infinity();
  reportAccuracy(ctx, a * t.x - b, t.x, b, normInf(a), cond, "inf", tol);
}

void requireSymmetric(const Matrix& a, const std::string& method) {
  if (!isSymmetric(a))
    throw paramError("A", "method '" + method +
                              "' needs a symmetric matrix; A is not symmetric "
                              "(use 'lu' or 'auto')");
}

void solveDense(TaskContext& ctx, const Matrix& a, const Matrix& b, const std::string& method,
                const std::string& assume_a, double tol) {
  const double singular_rcond = static_cast<double>(a.rows()) * kEps;
  if (method == "svd")
    return svdSolve(ctx, a, b, tol, "requested: SVD (minimum-norm solution if singular)");
  if (method == "qr") return qrSolve(ctx, a, b, tol, "requested: column-pivoted Householder QR");
  if (method == "cholesky" || method == "ldlt" || method == "lu") {
    if (method != "lu") requireSymmetric(a, method);
    const Attempt t = factor(method, a, b);
    if (!t.info.ok) {
      if (method == "cholesky")
        throw Error(ErrorCode::RunFailed,
                    "A is not positive definite: Cholesky failed at leading minor " +
                        std::to_string(t.info.info) + " (use 'ldlt' or 'auto')");
      throw Error(ErrorCode::RunFailed, "A is singular: " + method +
                                            " factorization has an exact zero pivot at " +
                                            std::to_string(t.info.info) +
                                            " (use method 'svd' for a minimum-norm solution)");
    }
    report(ctx, method, "requested: " + method, a, b, t, tol);
    if (t.info.rcond < singular_rcond)
      ctx.warn("A is numerically singular (reciprocal condition " + formatCompact(t.info.rcond) +
               " < n*eps); the solution is not reliable, consider method 'svd'");
    return;
  }
  // auto: pick by structure, cheapest first; assume_a (SciPy) skips detection.
  const SolveChoice choice =
      chooseDense(a, assume_a);  // the same choice algorithm_selector reports
  const bool sym = choice.symmetric;
  const bool try_chol = choice.method == "cholesky";
  std::string why;
  Attempt t;
  if (try_chol) {
    t = factor("cholesky", a, b);
    if (t.info.ok && t.info.rcond >= singular_rcond)
      return report(ctx, "cholesky",
                    assume_a == "pos"
                        ? "assume_a='pos': Cholesky"
                        : "A is symmetric with positive diagonal and Cholesky succeeded, so A is "
                          "positive definite (Cholesky: half the cost of LU)",
                    a, b, t, tol);
    if (assume_a == "pos" && !t.info.ok)
      throw Error(ErrorCode::RunFailed,
                  "assume_a='pos' but A is not positive definite (Cholesky failed at leading "
                  "minor " +
                      std::to_string(t.info.info) + ")");
    why = "A is symmetric but not positive definite (Cholesky failed at leading minor " +
          std::to_string(t.info.info) + ")";
  }
  if (sym && !t.info.ok) {
    t = factor("ldlt", a, b);
    if (t.info.ok && t.info.rcond >= singular_rcond)
      return report(ctx, "ldlt",
                    (why.empty() ? "A is symmetric with a non-positive diagonal entry" : why) +
                        ": Bunch-Kaufman LDL^T (symmetric indefinite, half the cost of LU)",
                    a, b, t, tol);
  } else if (!sym) {
    t = factor("lu", a, b);
    if (t.info.ok && t.info.rcond >= singular_rcond)
      return report(ctx, "lu",
                    "A is a general (non-symmetric) square matrix: LU with partial pivoting", a, b,
                    t, tol);
  }
  // Exact or numerical singularity: the minimum-norm solution, and say so.
  ctx.warn("A is numerically singular (reciprocal condition estimate " +
           formatCompact(t.info.ok ? t.info.rcond : 0.0) +
           "); returned the SVD minimum-norm least-squares solution instead of a unique solution");
  svdSolve(ctx, a, b, tol,
           "A is numerically singular (reciprocal condition estimate " +
               formatCompact(t.info.ok ? t.info.rcond : 0.0) + " < n*eps = " +
               formatCompact(singular_rcond) + "): SVD minimum-norm least-squares solution");
}

void runSolve(TaskContext& ctx) {
  const InputMatrix a = readMatrix(ctx, "A");
  requireSquare(a, "solve", "use least_squares for rectangular systems");
  const Matrix b = readRhs(ctx, a.rows(), shape(a.rows(), a.cols()));
  SolveOptions o;
  o.method = ctx.text("method");
  o.tol = ctx.number("tol");
  o.maxiter = ctx.has("maxiter") ? ctx.integer("maxiter") : 0;
  o.preconditioner = ctx.text("preconditioner");
  o.assume_a = ctx.has("assume_a") ? ctx.text("assume_a") : "";
  const bool sparse_path = isSparseMethod(o.method) || (o.method == "auto" && a.sparse);
  if (sparse_path) return solveSparse(ctx, sparsify(a), b, o);
  if (a.sparse)
    solveDense(ctx, densify(a, "method '" + o.method + "'"), b, o.method, o.assume_a, o.tol);
  else
    solveDense(ctx, a.dense(), b, o.method, o.assume_a, o.tol);
  ctx.diagnostic("storage", a.sparse ? "sparse input solved densely" : "dense");
}
}  // namespace

TaskSpec solveTask() {
  TaskSpec t;
  t.id = "solve";
  t.summary = "Solve A x = b (dense or sparse) with an automatic, explained choice of method.";
  t.doc =
      "Solves the square system A x = b for one or several right-hand sides (columns of b).\n\n"
      "`method: auto` picks by structure. Dense: symmetric with positive diagonal -> Cholesky (if "
      "it succeeds), "
      "other symmetric -> Bunch-Kaufman LDL^T, otherwise LU with partial pivoting; a (numerically) "
      "singular A "
      "(reciprocal condition < n*eps) falls back to the SVD minimum-norm solution with a warning. "
      "Sparse: "
      "symmetric with positive diagonal -> sparse Cholesky (CHOLMOD supernodal when available, "
      "else simplicial "
      "LDL^T), otherwise sparse LU; very large sparse systems whose fill would be large (n > 1e5 "
      "with more than "
      "5.5 nonzeros per row) use preconditioned CG (SPD) or BiCGSTAB.\n\n"
      "Every result reports `residual` (max_j ||A x_j - b_j||_2), `backward_error` (normwise, "
      "inf-norm: "
      "||r|| / (||A|| ||x|| + ||b||)), a condition estimate (inf-norm from the factorization, "
      "Hager/Higham for "
      "sparse up to n = 2e5) and `forward_error_bound` = condition * backward_error; a warning is "
      "issued when "
      "that bound exceeds `tol`.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix)
          .req()
          .describe("Square coefficient matrix: nested lists (rows) or a sparse matrix."),
      ParamSpec::make("b", ParamType::Matrix)
          .req()
          .describe(
              "Right-hand side: a vector, or a matrix whose columns are several right-hand sides."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "lu", "qr", "cholesky", "ldlt", "svd", "sparse_lu", "sparse_cholesky",
                  "cg", "bicgstab"})
          .def("auto")
          .describe("Factorization or iterative method; auto chooses by structure and explains the "
                    "choice."),
      ParamSpec::make("assume_a", ParamType::Choice)
          .oneOf({"gen", "sym", "pos"})
          .describe("As in scipy.linalg.solve: skip structure detection (gen: general, sym: "
                    "symmetric, pos: SPD). Only with method auto."),
      ParamSpec::make("tol", ParamType::Number)
          .def(1e-10)
          .positive()
          .describe("Relative residual target of the iterative methods; every method warns when "
                    "the forward error bound exceeds it."),
      ParamSpec::make("maxiter", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("Iteration limit of cg/bicgstab (default 10 n)."),
      ParamSpec::make("preconditioner", ParamType::Choice)
          .oneOf({"auto", "none", "jacobi", "ilut", "ichol"})
          .def("auto")
          .describe("Preconditioner of cg/bicgstab; auto: incomplete Cholesky for cg, ILUT for "
                    "bicgstab."),
  };
  t.outputs = {
      {"x", ValueKind::Vector,
       "Solution (a matrix with one column per right-hand side when b is a matrix)."},
      {"residual", ValueKind::Scalar, "max_j ||A x_j - b_j||_2."},
      {"backward_error", ValueKind::Scalar,
       "Normwise backward error ||r||_inf / (||A||_inf ||x||_inf + ||b||_inf)."},
  };
  t.run = runSolve;
  t.analyze = analyzeSolve;
  t.select = selectSolve;
  t.validate = validateSolve;
  return t;
}

}  // namespace sciagents::core::agents::la
