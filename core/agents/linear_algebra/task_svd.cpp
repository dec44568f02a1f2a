// linear_algebra.svd: A = U diag(S) Vt, SciPy naming and conventions.
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/tasks.h"
#include "core/linalg/dense_decompositions.h"

namespace sciagents::core::agents::la {

namespace {
void runSvd(TaskContext& ctx) {
  const Matrix a = readDense(ctx, "A", "svd");
  const bool uv = ctx.flag("compute_uv");
  const bool full = ctx.flag("full_matrices");
  const unsigned opts = !uv    ? 0u
                        : full ? (Eigen::ComputeFullU | Eigen::ComputeFullV)
                               : (Eigen::ComputeThinU | Eigen::ComputeThinV);
  // Jacobi SVD is the most accurate for small matrices; divide and conquer scales better.
  const bool small = std::max(a.rows(), a.cols()) <= 64;
  Vector s;
  Matrix u, v;
  if (small) {
    Eigen::JacobiSVD<Matrix> svd(a, opts);
    s = svd.singularValues();
    if (uv) {
      u = svd.matrixU();
      v = svd.matrixV();
    }
  } else {
    Eigen::BDCSVD<Matrix> svd(a, opts);
    s = svd.singularValues();
    if (uv) {
      u = svd.matrixU();
      v = svd.matrixV();
    }
  }
  ctx.setMethod(small ? "jacobi" : "divide_and_conquer",
                small ? "small matrix (<= 64): one-sided Jacobi SVD, the most accurate"
                      : "larger matrix: bidiagonal divide-and-conquer SVD");
  ctx.output("S", s);
  if (uv) {
    ctx.output("U", u);
    ctx.output("Vt", Matrix(v.transpose()));
    const auto p = s.size();
    const Matrix rec = u.leftCols(p) * s.asDiagonal() * v.leftCols(p).transpose();
    ctx.diagnostic("reconstruction_error", (rec - a).norm() / std::max(a.norm(), 1e-300));
  }
  const double smin = s[s.size() - 1];
  ctx.diagnostic("condition_estimate", smin > 0 ? Value(s[0] / smin) : Value("inf"));
}
}  // namespace

TaskSpec svdTask() {
  TaskSpec t;
  t.id = "svd";
  t.summary = "Singular value decomposition A = U diag(S) Vt.";
  t.doc =
      "As scipy.linalg.svd: S descending; with full_matrices U is m x m and Vt n x n, otherwise U "
      "is m x k and "
      "Vt k x n (k = min(m, n)). With compute_uv = false only S is returned.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix).req().describe("Matrix of any shape."),
      ParamSpec::make("full_matrices", ParamType::Boolean)
          .def(true)
          .describe("Full (square) U and Vt, as SciPy."),
      ParamSpec::make("compute_uv", ParamType::Boolean)
          .def(true)
          .describe("Compute U and Vt besides S."),
  };
  t.outputs = {
      {"U", ValueKind::Matrix, "Left singular vectors (columns)."},
      {"S", ValueKind::Vector, "Singular values, descending."},
      {"Vt", ValueKind::Matrix, "Right singular vectors (rows), V transposed."},
  };
  t.run = runSvd;
  return t;
}

}  // namespace sciagents::core::agents::la
