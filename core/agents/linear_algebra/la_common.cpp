#include "core/agents/linear_algebra/la_common.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace sciagents::core::agents::la {

std::string shape(Eigen::Index r, Eigen::Index c) {
  return std::to_string(r) + "x" + std::to_string(c);
}

namespace {
void checkFinite(const std::string& name, Eigen::Index r, Eigen::Index c, double v) {
  if (!std::isfinite(v))
    throw paramError(name, "entry (" + std::to_string(r) + ", " + std::to_string(c) + ") is " +
                               formatCompact(v) + "; every entry must be finite");
}

void checkFinite(const std::string& name, const Matrix& m) {
  if (m.allFinite()) return;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) checkFinite(name, i, j, m(i, j));
}
}  // namespace

InputMatrix readMatrix(const TaskContext& ctx, const std::string& name) {
  InputMatrix out;
  const Value& v = ctx.param(name);
  if (v.kind() == ValueKind::SparseMatrix) {
    out.sparse = true;
    out.sp = v.asSparse();
    out.sp.makeCompressed();
    for (Eigen::Index j = 0; j < out.sp.outerSize(); ++j)
      for (SparseMatrix::InnerIterator it(out.sp, j); it; ++it)
        checkFinite(name, it.row(), it.col(), it.value());
  } else {
    if (v.kind() == ValueKind::Matrix)
      out.dense_ref = &v.asMatrix();
    else
      out.owned = ctx.matrix(name);
    checkFinite(name, out.dense());
  }
  if (out.rows() == 0 || out.cols() == 0)
    throw paramError(name, "matrix is empty (" + shape(out.rows(), out.cols()) + ")");
  return out;
}

Matrix densify(const InputMatrix& a, const std::string& task) {
  if (!a.sparse) return a.dense();
  if (a.rows() > kMaxDensify || a.cols() > kMaxDensify)
    throw paramError(
        "A", task + " works on dense matrices; this sparse " + shape(a.rows(), a.cols()) +
                 " matrix is too large to convert (limit " + std::to_string(kMaxDensify) + ")");
  return Matrix(a.sp);
}

SparseMatrix sparsify(const InputMatrix& a) {
  if (a.sparse) return a.sp;
  SparseMatrix s = a.dense().sparseView();
  s.makeCompressed();
  return s;
}

Matrix readDense(const TaskContext& ctx, const std::string& name, const std::string& task) {
  return densify(readMatrix(ctx, name), task);
}

Matrix readRhs(const TaskContext& ctx, Eigen::Index rows, const std::string& a_shape) {
  Matrix b = ctx.matrix("b");
  if (b.rows() == 1 && b.cols() == rows && rows != 1)
    b.transposeInPlace();  // a row given as vector
  if (b.rows() != rows)
    throw paramError("b", "dimension mismatch: A is " + a_shape + " but b has " +
                              std::to_string(b.rows()) + " rows (" + shape(b.rows(), b.cols()) +
                              "); b needs " + std::to_string(rows));
  if (b.cols() == 0) throw paramError("b", "b is empty");
  checkFinite("b", b);
  return b;
}

void requireSquare(const Matrix& a, const std::string& task, const std::string& hint) {
  if (a.rows() != a.cols())
    throw paramError("A", task + " needs a square matrix, got " + shape(a.rows(), a.cols()) +
                              (hint.empty() ? "" : "; " + hint));
}

void requireSquare(const InputMatrix& a, const std::string& task, const std::string& hint) {
  if (!a.square())
    throw paramError("A", task + " needs a square matrix, got " + shape(a.rows(), a.cols()) +
                              (hint.empty() ? "" : "; " + hint));
}

bool isSymmetric(const Matrix& a) {
  if (a.rows() != a.cols()) return false;
  const double tol = 100 * std::numeric_limits<double>::epsilon() * a.cwiseAbs().maxCoeff();
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = j + 1; i < a.rows(); ++i)
      if (std::abs(a(i, j) - a(j, i)) > tol) return false;
  return true;
}

bool isSymmetric(const SparseMatrix& a) {
  if (a.rows() != a.cols()) return false;
  const SparseMatrix t = a.transpose();
  const SparseMatrix d = a - t;
  double max_abs = 0;
  for (Eigen::Index k = 0; k < a.nonZeros(); ++k)
    max_abs = std::max(max_abs, std::abs(a.valuePtr()[k]));
  const double tol = 100 * std::numeric_limits<double>::epsilon() * max_abs;
  for (Eigen::Index k = 0; k < d.nonZeros(); ++k)
    if (std::abs(d.valuePtr()[k]) > tol) return false;
  return true;
}

double normInf(const Matrix& a) { return a.cwiseAbs().rowwise().sum().maxCoeff(); }

double normInf(const SparseMatrix& a) {
  Vector rows = Vector::Zero(a.rows());
  for (Eigen::Index j = 0; j < a.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(a, j); it; ++it) rows[it.row()] += std::abs(it.value());
  return rows.size() ? rows.maxCoeff() : 0.0;
}

Value columnsValue(const Matrix& m) {
  if (m.cols() == 1) return Vector(m.col(0));
  return m;
}

void reportAccuracy(TaskContext& ctx, const Matrix& residual, const Matrix& x, const Matrix& b,
                    double norm_a_inf, double cond, const std::string& cond_norm, double tol) {
  double res2 = 0, backward = 0;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    res2 = std::max(res2, residual.col(j).norm());
    const double denom =
        norm_a_inf * x.col(j).lpNorm<Eigen::Infinity>() + b.col(j).lpNorm<Eigen::Infinity>();
    const double r = residual.col(j).lpNorm<Eigen::Infinity>();
    backward = std::max(backward, denom > 0 ? r / denom : (r > 0 ? 1.0 : 0.0));
  }
  ctx.output("residual", res2);
  ctx.output("backward_error", backward);
  if (!(cond > 0)) return;
  ctx.diagnostic("condition_estimate", cond);
  ctx.diagnostic("condition_norm", cond_norm);
  const double bound =
      std::isfinite(cond) ? cond * backward : std::numeric_limits<double>::infinity();
  ctx.diagnostic("forward_error_bound", std::isfinite(bound) ? Value(bound) : Value("inf"));
  if (!(bound <= tol))
    ctx.warn("ill-conditioned system: condition number " + formatCompact(cond) + " (" + cond_norm +
             "-norm estimate) times backward error " + formatCompact(backward) +
             " gives a relative forward error bound of " + formatCompact(bound) +
             ", above tol = " + formatCompact(tol) + "; x may have few correct digits");
}

}  // namespace sciagents::core::agents::la
