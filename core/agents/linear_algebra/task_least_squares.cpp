// linear_algebra.least_squares: min ||A x - b||_2 by column-pivoted QR, SVD or the normal
// equations.
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/tasks.h"
#include "core/linalg/dense_decompositions.h"

#include <limits>

namespace sciagents::core::agents::la {

namespace {

void runLeastSquares(TaskContext& ctx) {
  const Matrix a = readDense(ctx, "A", "least_squares");
  const Matrix b = readRhs(ctx, a.rows(), shape(a.rows(), a.cols()));
  std::string method = ctx.text("method");
  // numpy.linalg.lstsq's default cut-off: singular values below rcond * s_max count as zero.
  const double rcond = ctx.has("rcond") ? ctx.number("rcond")
                                        : kEps * static_cast<double>(std::max(a.rows(), a.cols()));
  ctx.diagnostic("rcond", rcond);
  Matrix x;
  Eigen::Index rank = 0;
  std::string why;
  if (method == "auto" || method == "qr") {
    Eigen::ColPivHouseholderQR<Matrix> qr(a);
    qr.setThreshold(rcond);
    rank = qr.rank();
    if (rank == a.cols()) {
      x = qr.solve(b);
      why =
          method == "qr"
              ? "requested: column-pivoted QR"
              : "full column rank (column-pivoted QR): QR is backward stable and cheaper than SVD";
      method = "qr";
    } else if (method == "qr") {
      x = qr.solve(b);  // a basic solution: zero in the dropped columns
      ctx.warn("A is rank deficient (rank " + std::to_string(rank) + " of " +
               std::to_string(a.cols()) +
               "): QR gives a basic solution, not the minimum-norm one; use method 'svd' for that");
      why = "requested: column-pivoted QR";
    } else {
      method = "svd";
      why = "rank deficient (QR rank " + std::to_string(rank) + " of " + std::to_string(a.cols()) +
            "): SVD for the minimum-norm solution";
    }
  }
  if (method == "svd") {
    Eigen::BDCSVD<Matrix> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
    svd.setThreshold(rcond);
    x = svd.solve(b);
    rank = svd.rank();
    if (why.empty()) why = "requested: SVD (minimum-norm solution)";
    ctx.output("singular_values", Vector(svd.singularValues()));
    if (rank < std::min(a.rows(), a.cols()))
      ctx.warn("A is rank deficient (rank " + std::to_string(rank) + " of " +
               std::to_string(std::min(a.rows(), a.cols())) +
               "); x is the minimum-norm least-squares solution");
  } else if (method == "normal") {
    const Matrix ata = a.transpose() * a;
    Eigen::LLT<Matrix> llt(ata);
    if (llt.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed,
                  "normal equations A^T A are not positive definite (A is rank deficient); "
                  "use method 'svd'");
    x = llt.solve(a.transpose() * b);
    rank = a.cols();
    why = "requested: normal equations (squares the condition number)";
    const double c = 1.0 / llt.rcond();
    ctx.diagnostic("condition_estimate_normal_equations", c);
    if (c * kEps > 1e-8)
      ctx.warn("normal equations are ill-conditioned (cond(A^T A) ~ " + formatCompact(c) +
               "); accuracy may be lost, "
               "use method 'qr' or 'svd'");
  }
  ctx.setMethod(method, why);
  const Matrix r = a * x - b;
  double res = 0;
  for (Eigen::Index j = 0; j < r.cols(); ++j) res = std::max(res, r.col(j).norm());
  ctx.output("x", columnsValue(x));
  ctx.output("residual", res);
  ctx.output("rank", static_cast<std::int64_t>(rank));
  // Optimality check independent of the method: the normal-equation residual A^T r.
  const double opt = (a.transpose() * r).norm() / (std::max(1.0, a.norm() * a.norm() * x.norm()));
  ctx.diagnostic("optimality_residual", opt);
}
}  // namespace

TaskSpec leastSquaresTask() {
  TaskSpec t;
  t.id = "least_squares";
  t.summary = "Least-squares solution of A x ≈ b (any shape), with numerical rank.";
  t.doc =
      "Minimises ||A x - b||_2 for a dense (or small sparse) A of any shape. `auto` uses "
      "column-pivoted QR when "
      "A has full column rank and the SVD (minimum-norm solution) when it is rank deficient. "
      "`rcond` as in "
      "numpy.linalg.lstsq: singular values (or pivoted-QR diagonal entries) below rcond*max count "
      "as zero; "
      "default eps*max(m, n). `singular_values` is output by the svd method.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix)
          .req()
          .describe("Coefficient matrix, m x n (m >= n typical)."),
      ParamSpec::make("b", ParamType::Matrix)
          .req()
          .describe("Right-hand side: vector of length m, or m x k matrix."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "qr", "svd", "normal"})
          .def("auto")
          .describe("auto: QR, or SVD when rank deficient; normal: Cholesky of A^T A (fast, "
                    "squares the condition number)."),
      ParamSpec::make("rcond", ParamType::Number)
          .range(0.0, 1.0)
          .describe("Relative cut-off for small singular values (default eps*max(m, n))."),
  };
  t.outputs = {
      {"x", ValueKind::Vector, "Least-squares solution (matrix for several right-hand sides)."},
      {"residual", ValueKind::Scalar, "max_j ||A x_j - b_j||_2."},
      {"rank", ValueKind::Integer, "Numerical rank of A."},
      {"singular_values", ValueKind::Vector, "Singular values of A, descending (method svd only)."},
  };
  t.run = runLeastSquares;
  return t;
}

}  // namespace sciagents::core::agents::la
