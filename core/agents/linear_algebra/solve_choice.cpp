#include "core/agents/linear_algebra/solve_choice.h"

#include "core/agents/linear_algebra/la_common.h"
#include "core/linalg/dense_decompositions.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::la {

namespace {
// Sparse systems above this size with a 3-D-like pattern fill in badly under direct factorization.
constexpr Eigen::Index kIterativeMinRows = 100000;
constexpr double kIterativeMinPerRow = 5.5;
}  // namespace

SolveChoice chooseDense(const Matrix& a, const std::string& assume_a) {
  SolveChoice c;
  c.symmetric = assume_a == "sym" || assume_a == "pos" || (assume_a.empty() && isSymmetric(a));
  c.positive_diagonal = (a.diagonal().array() > 0).all();
  if (assume_a == "pos" || (c.symmetric && assume_a.empty() && c.positive_diagonal)) {
    c.method = "cholesky";
    c.rationale =
        assume_a == "pos"
            ? "assume_a='pos': Cholesky"
            : "A is symmetric with positive diagonal: try Cholesky (half the cost of LU), "
              "falling back to LDL^T if A is not positive definite";
  } else if (c.symmetric) {
    c.method = "ldlt";
    c.rationale =
        "A is symmetric with a non-positive diagonal entry: Bunch-Kaufman LDL^T (symmetric "
        "indefinite)";
  } else {
    c.method = "lu";
    c.rationale = "A is a general (non-symmetric) square matrix: LU with partial pivoting";
  }
  return c;
}

SolveChoice chooseSparse(const SparseMatrix& a, const std::string& assume_a) {
  SolveChoice c;
  const auto n = a.rows();
  c.symmetric = assume_a == "pos" || assume_a == "sym" || (assume_a.empty() && isSymmetric(a));
  c.positive_diagonal = true;
  for (Eigen::Index k = 0; k < n && c.positive_diagonal; ++k)
    c.positive_diagonal = a.coeff(k, k) > 0;
  const bool spd_candidate =
      assume_a == "pos" || (c.symmetric && assume_a != "sym" && c.positive_diagonal);
  const double per_row = static_cast<double>(a.nonZeros()) / static_cast<double>(n);
  if (n > kIterativeMinRows && per_row > kIterativeMinPerRow) {
    c.method = spd_candidate ? "cg" : "bicgstab";
    c.rationale =
        "large sparse system (n = " + std::to_string(n) + ", " + formatCompact(per_row) +
        " nonzeros per row): direct fill-in would be large, so " +
        (spd_candidate ? "preconditioned conjugate gradients (symmetric, positive diagonal)"
                       : "preconditioned BiCGSTAB (general matrix)");
  } else if (spd_candidate) {
    c.method = "sparse_cholesky";
    c.rationale =
        "sparse symmetric with positive diagonal: sparse Cholesky with fill-reducing ordering "
        "(sparse LU if A is not positive definite)";
  } else {
    c.method = "sparse_lu";
    c.rationale = "sparse general matrix: sparse LU with COLAMD ordering";
  }
  return c;
}

namespace {
std::string assumeA(const TaskContext& ctx) {
  return ctx.has("assume_a") ? ctx.text("assume_a") : "";
}
}  // namespace

Map analyzeSolve(const TaskContext& ctx) {
  const InputMatrix a = readMatrix(ctx, "A");
  Map facts;
  facts["rows"] = static_cast<std::int64_t>(a.rows());
  facts["cols"] = static_cast<std::int64_t>(a.cols());
  facts["sparse"] = a.sparse;
  const Eigen::Index nnz = a.sparse ? a.sp.nonZeros() : (a.dense().array() != 0.0).count();
  facts["nnz"] = static_cast<std::int64_t>(nnz);
  facts["density"] =
      static_cast<double>(nnz) / (static_cast<double>(a.rows()) * static_cast<double>(a.cols()));
  if (!a.square()) {
    facts["problem_class"] = "linear_system/rectangular";
    return facts;
  }
  const SolveChoice c =
      a.sparse ? chooseSparse(a.sp, assumeA(ctx)) : chooseDense(a.dense(), assumeA(ctx));
  facts["symmetric"] = c.symmetric;
  facts["positive_diagonal"] = c.positive_diagonal;
  std::string cls = std::string("linear_system/") + (a.sparse ? "sparse" : "dense");
  if (!a.sparse && a.rows() <= 2000) {
    // Exact 2-norm condition and definiteness from the spectrum: affordable at this size.
    Eigen::JacobiSVD<Matrix> svd(a.dense());
    const Vector& s = svd.singularValues();
    const double cond =
        s[s.size() - 1] > 0 ? s[0] / s[s.size() - 1] : std::numeric_limits<double>::infinity();
    facts["condition_2"] = std::isfinite(cond) ? Value(cond) : Value("inf");
    facts["numerical_rank"] = static_cast<std::int64_t>(
        (s.array() > s[0] * kEps * static_cast<double>(a.rows())).count());
    if (c.symmetric) {
      Eigen::SelfAdjointEigenSolver<Matrix> es(a.dense(), Eigen::EigenvaluesOnly);
      const bool spd = es.eigenvalues().minCoeff() > 0;
      facts["positive_definite"] = spd;
      cls += spd ? "/spd" : "/symmetric_indefinite";
    } else {
      cls += "/general";
    }
    if (cond > 1.0 / (static_cast<double>(a.rows()) * kEps))
      cls += "/singular";
    else if (cond > 1e8)
      cls += "/ill_conditioned";
  } else {
    cls += c.symmetric ? (c.positive_diagonal ? "/symmetric_positive_diagonal" : "/symmetric")
                       : "/general";
  }
  facts["problem_class"] = cls;
  return facts;
}

MethodChoice selectSolve(const TaskContext& ctx) {
  const InputMatrix a = readMatrix(ctx, "A");
  requireSquare(a, "solve", "use least_squares for rectangular systems");
  const SolveChoice c =
      a.sparse ? chooseSparse(a.sp, assumeA(ctx)) : chooseDense(a.dense(), assumeA(ctx));
  MethodChoice m;
  m.method = c.method;
  m.rationale = c.rationale;
  if (c.method == "cg" || c.method == "bicgstab")
    m.settings["preconditioner"] = c.method == "cg" ? "ichol" : "ilut";
  return m;
}

std::vector<ValidationCheck> validateSolve(const TaskContext& ctx, const Map& outputs) {
  const InputMatrix a = readMatrix(ctx, "A");
  const Matrix b = readRhs(ctx, a.rows(), shape(a.rows(), a.cols()));
  auto it = outputs.find("x");
  if (it == outputs.end()) throw Error(ErrorCode::RunFailed, "the checked step has no output 'x'");
  const Matrix x = it->second.toMatrix();
  if (x.rows() != a.cols() || x.cols() != b.cols())
    throw Error(ErrorCode::RunFailed, "output x has shape " + shape(x.rows(), x.cols()) +
                                          ", expected " + shape(a.cols(), b.cols()));
  // Residual recomputed in long double, independently of the solver's own report.
  double worst_backward = 0.0;
  long double worst_res = 0.0L;
  const double norm_a = a.sparse ? normInf(a.sp) : normInf(a.dense());
  for (Eigen::Index j = 0; j < b.cols(); ++j) {
    std::vector<long double> r(static_cast<std::size_t>(a.rows()));
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      r[static_cast<std::size_t>(i)] = -static_cast<long double>(b(i, j));
    if (a.sparse) {
      for (Eigen::Index k = 0; k < a.sp.outerSize(); ++k)
        for (SparseMatrix::InnerIterator e(a.sp, k); e; ++e)
          r[static_cast<std::size_t>(e.row())] +=
              static_cast<long double>(e.value()) * x(e.col(), j);
    } else {
      for (Eigen::Index c = 0; c < a.cols(); ++c)
        for (Eigen::Index i = 0; i < a.rows(); ++i)
          r[static_cast<std::size_t>(i)] += static_cast<long double>(a.dense()(i, c)) * x(c, j);
    }
    long double rmax = 0.0L;
    for (auto v : r) rmax = std::max(rmax, std::fabs(v));
    worst_res = std::max(worst_res, rmax);
    const double denom =
        norm_a * x.col(j).lpNorm<Eigen::Infinity>() + b.col(j).lpNorm<Eigen::Infinity>();
    worst_backward = std::max(worst_backward, denom > 0 ? static_cast<double>(rmax) / denom : 0.0);
  }
  const double tol = ctx.number("tol");
  const double backward_limit =
      std::max(1e3 * static_cast<double>(a.rows()) * kEps, a.sparse ? tol : 0.0);
  std::vector<ValidationCheck> checks;
  checks.push_back(
      {"backward_error", worst_backward, backward_limit, worst_backward <= backward_limit,
       "normwise backward error ||b - A x||_inf / (||A||_inf ||x||_inf + ||b||_inf), residual "
       "recomputed in extended precision; limit max(1000 n eps, tol for iterative solves)"});
  checks.push_back({"finite_solution", x.allFinite() ? 0.0 : 1.0, 0.0, x.allFinite(),
                    "every entry of x is finite"});
  (void)worst_res;
  return checks;
}

}  // namespace sciagents::core::agents::la
