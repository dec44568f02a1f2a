// linear_algebra.condition: condition numbers. Dense: exact (SVD for the 2-norm, explicit inverse
// for 1/inf/fro). Large sparse: estimates (condition_sparse.cpp).
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/tasks.h"
#include "core/linalg/dense_decompositions.h"

#include <limits>

namespace sciagents::core::agents::la {

double sparseConditionEstimate(TaskContext& ctx, const SparseMatrix& a, const std::string& norm);

namespace {
constexpr Eigen::Index kDenseLimit = 2000;  // above this, sparse inputs get an estimate

double normOf(const Matrix& a, const std::string& norm) {
  if (norm == "1") return a.cwiseAbs().colwise().sum().maxCoeff();
  if (norm == "inf") return normInf(a);
  return a.norm();  // fro
}

void runCondition(TaskContext& ctx) {
  const InputMatrix in = readMatrix(ctx, "A");
  const std::string& norm = ctx.text("norm");
  const double inf = std::numeric_limits<double>::infinity();
  if (norm != "2")
    requireSquare(in, "condition in the " + norm + "-norm",
                  "the 2-norm accepts rectangular matrices");
  double cond = 0;
  if (in.sparse && std::max(in.rows(), in.cols()) > kDenseLimit) {
    requireSquare(in, "condition of a large sparse matrix");
    cond = sparseConditionEstimate(ctx, in.sp, norm);
  } else {
    const Matrix a = densify(in, "condition");
    if (norm == "2") {
      Vector s;
      // One-sided Jacobi is the most accurate for small singular values of small matrices.
      if (std::max(a.rows(), a.cols()) <= 200)
        s = Eigen::JacobiSVD<Matrix>(a).singularValues();
      else
        s = Eigen::BDCSVD<Matrix>(a).singularValues();
      cond = s[s.size() - 1] > 0 ? s[0] / s[s.size() - 1] : inf;
      ctx.setMethod("svd", "exact 2-norm condition sigma_max / sigma_min from the singular values");
    } else {
      Eigen::PartialPivLU<Matrix> lu(a);
      const bool singular = (lu.matrixLU().diagonal().array() == 0.0).any();
      cond = singular ? inf : normOf(a, norm) * normOf(lu.inverse(), norm);
      ctx.setMethod("inverse", "||A|| ||A^-1|| in the " + norm +
                                   "-norm from the inverse (LU with partial pivoting)");
    }
    ctx.diagnostic("estimate", false);
  }
  if (!std::isfinite(cond)) {
    ctx.warn("A is singular: the condition number is infinite");
    ctx.output("cond", inf);
  } else {
    ctx.output("cond", cond);
    if (cond * std::numeric_limits<double>::epsilon() > 1e-3)
      ctx.warn("A is ill-conditioned (cond = " + formatCompact(cond) + "): solves may lose about " +
               std::to_string(static_cast<int>(std::log10(cond))) + " of 16 digits");
  }
}
}  // namespace

TaskSpec conditionTask() {
  TaskSpec t;
  t.id = "condition";
  t.summary = "Condition number of a matrix in the 2, 1, inf or Frobenius norm.";
  t.doc =
      "Dense matrices (and sparse ones up to 2000 rows): exact values, as numpy.linalg.cond: the "
      "2-norm from "
      "the singular values (rectangular allowed), the others as ||A|| ||A^-1||. Larger sparse "
      "matrices get "
      "estimates (diagnostic `estimate` = true and `estimator`): 1- and inf-norm by the "
      "Hager/Higham estimator "
      "(LAPACK dlacon's algorithm) on a sparse LU; 2-norm by Lanczos on A^T A for sigma_max and on "
      "A^-1 A^-T (through the sparse LU) for sigma_min, both converged to 1e-10 relative. The "
      "Frobenius norm of a "
      "large sparse inverse is not estimated. Singular matrices give cond = inf with a warning.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix)
          .req()
          .describe("Matrix (square except for the 2-norm)."),
      ParamSpec::make("norm", ParamType::Choice)
          .oneOf({"2", "1", "inf", "fro"})
          .def("2")
          .describe("Norm of the condition number (numpy.linalg.cond's p)."),
  };
  t.outputs = {
      {"cond", ValueKind::Scalar, "Condition number ||A|| ||A^-1|| (inf for a singular matrix)."}};
  t.run = runCondition;
  return t;
}

}  // namespace sciagents::core::agents::la
