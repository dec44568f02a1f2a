// linear_algebra.decompose: LU (scipy.linalg.lu convention A = P L U), QR, Cholesky, LDL^T factors.
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/tasks.h"
#include "core/linalg/dense_decompositions.h"

namespace sciagents::core::agents::la {

namespace {
double relError(const Matrix& rec, const Matrix& a) {
  return (rec - a).norm() / std::max(a.norm(), 1e-300);
}

void runDecompose(TaskContext& ctx) {
  const Matrix a = readDense(ctx, "A", "decompose");
  const std::string& kind = ctx.text("kind");
  Matrix rec;
  if (kind == "lu") {
    requireSquare(a, "decompose kind 'lu'");
    Eigen::PartialPivLU<Matrix> lu(a);
    const Matrix& f = lu.matrixLU();
    const auto n = a.rows();
    Matrix l = Matrix::Identity(n, n);
    l.triangularView<Eigen::StrictlyLower>() = f.triangularView<Eigen::StrictlyLower>();
    const Matrix u = f.triangularView<Eigen::Upper>();
    // Eigen gives Pe A = L U; SciPy's convention is A = P L U with P = Pe^T.
    const Matrix p = Matrix(lu.permutationP().transpose());
    for (Eigen::Index k = 0; k < n; ++k)
      if (u(k, k) == 0.0) {
        ctx.warn("A is singular: U(" + std::to_string(k) + "," + std::to_string(k) +
                 ") = 0, so the factors cannot be used to solve");
        break;
      }
    ctx.output("P", p);
    ctx.output("L", l);
    ctx.output("U", u);
    rec = p * l * u;
    ctx.setMethod("lu", "LU with partial pivoting, A = P L U (scipy.linalg.lu convention)");
  } else if (kind == "qr") {
    Eigen::HouseholderQR<Matrix> qr(a);
    const Matrix q = qr.householderQ() * Matrix::Identity(a.rows(), a.rows());
    const Matrix r = qr.matrixQR().triangularView<Eigen::Upper>();
    ctx.output("Q", q);
    ctx.output("R", r);
    rec = q * r;
    ctx.setMethod(
        "qr",
        "Householder QR, A = Q R with Q m x m orthogonal, R m x n (scipy.linalg.qr mode 'full')");
  } else if (kind == "cholesky") {
    requireSquare(a, "decompose kind 'cholesky'");
    if (!isSymmetric(a))
      throw paramError("A", "cholesky needs a symmetric matrix; A is not symmetric");
    Eigen::LLT<Matrix> llt(a);
    if (llt.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed,
                  "A is not positive definite: Cholesky failed (use kind 'ldlt')");
    const Matrix l = llt.matrixL();
    ctx.output("L", l);
    rec = l * l.transpose();
    ctx.setMethod("cholesky",
                  "A = L L^T with L lower triangular (numpy.linalg.cholesky convention)");
  } else {
    requireSquare(a, "decompose kind 'ldlt'");
    if (!isSymmetric(a)) throw paramError("A", "ldlt needs a symmetric matrix; A is not symmetric");
    Eigen::LDLT<Matrix> ldlt(a);
    if (ldlt.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed,
                  "LDL^T factorization failed (A is indefinite and needs 2x2 pivots)");
    const auto n = a.rows();
    const Matrix l = ldlt.matrixL();
    const Matrix p = ldlt.transpositionsP() * Matrix::Identity(n, n);
    ctx.output("L", l);
    ctx.output("D", Vector(ldlt.vectorD()));
    ctx.output("P", p);
    rec = p.transpose() * l * ldlt.vectorD().asDiagonal() * l.transpose() * p;
    ctx.setMethod(
        "ldlt",
        "A = P^T L diag(D) L^T P, diagonal pivoting (for semidefinite or quasi-definite A)");
  }
  const double err = relError(rec, a);
  ctx.diagnostic("reconstruction_error", err);
  if (err > 1e-8) ctx.warn("factors reconstruct A only to relative error " + formatCompact(err));
}
}  // namespace

TaskSpec decomposeTask() {
  TaskSpec t;
  t.id = "decompose";
  t.summary = "LU, QR, Cholesky or LDL^T factors of a matrix.";
  t.doc =
      "Factors with SciPy/NumPy conventions: lu -> P, L, U with A = P L U (scipy.linalg.lu; L unit "
      "lower, "
      "P a permutation matrix); qr -> Q, R with A = Q R (full mode); cholesky -> L with A = L L^T "
      "(lower); "
      "ldlt -> L, D, P with A = P^T L diag(D) L^T P. Diagnostic `reconstruction_error` = "
      "||A - product of factors||_F / ||A||_F.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix)
          .req()
          .describe("Matrix (square for lu, cholesky and ldlt)."),
      ParamSpec::make("kind", ParamType::Choice)
          .oneOf({"lu", "qr", "cholesky", "ldlt"})
          .def("lu")
          .describe("Which factorization."),
  };
  t.outputs = {
      {"P", ValueKind::Matrix, "Permutation matrix (lu, ldlt)."},
      {"L", ValueKind::Matrix,
       "Lower triangular factor (lu: unit diagonal; cholesky; ldlt: unit diagonal)."},
      {"U", ValueKind::Matrix, "Upper triangular factor (lu)."},
      {"Q", ValueKind::Matrix, "Orthogonal factor (qr)."},
      {"R", ValueKind::Matrix, "Upper triangular factor (qr)."},
      {"D", ValueKind::Vector, "Diagonal of D (ldlt)."},
  };
  t.run = runDecompose;
  return t;
}

}  // namespace sciagents::core::agents::la
