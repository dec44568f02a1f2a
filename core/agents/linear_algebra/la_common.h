// Shared helpers of the linear_algebra tasks: reading and checking matrix parameters, structure
// analysis, and the accuracy report every solve carries.
#pragma once

#include "core/agent/task_context.h"
#include "core/util/error.h"
#include "core/util/text_format.h"
#include "core/value/value.h"

#include <limits>
#include <string>

namespace sciagents::core::agents::la {

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

// A matrix parameter as given: dense or sparse (sparse stays sparse so large problems stay cheap).
// Dense inputs are referenced, not copied (a 2000x2000 copy costs as much as ~5% of its LU).
struct InputMatrix {
  bool sparse = false;
  const Matrix* dense_ref = nullptr;
  Matrix owned;
  SparseMatrix sp;
  const Matrix& dense() const { return dense_ref ? *dense_ref : owned; }
  Eigen::Index rows() const { return sparse ? sp.rows() : dense().rows(); }
  Eigen::Index cols() const { return sparse ? sp.cols() : dense().cols(); }
  bool square() const { return rows() == cols(); }
};

// Largest dense size we convert a sparse input to (memory guard: 20000^2 doubles = 3.2 GB).
inline constexpr Eigen::Index kMaxDensify = 20000;

std::string shape(Eigen::Index r, Eigen::Index c);

// Reads `name` (valid while ctx lives), rejecting empty matrices and NaN/Inf entries with a message
// naming the entry.
InputMatrix readMatrix(const TaskContext& ctx, const std::string& name);
// Same, converted to dense (sparse inputs up to kMaxDensify rows/cols).
Matrix readDense(const TaskContext& ctx, const std::string& name, const std::string& task);
// Right-hand side(s) `b` with rows == `rows` (vector -> one column).
Matrix readRhs(const TaskContext& ctx, Eigen::Index rows, const std::string& a_shape);

void requireSquare(const InputMatrix& a, const std::string& task, const std::string& hint = {});
void requireSquare(const Matrix& a, const std::string& task, const std::string& hint = {});
Matrix densify(const InputMatrix& a, const std::string& task);
SparseMatrix sparsify(const InputMatrix& a);

// Symmetry up to rounding: |a_ij - a_ji| <= 100 eps max|a|.
bool isSymmetric(const Matrix& a);
bool isSymmetric(const SparseMatrix& a);

double normInf(const Matrix& a);
double normInf(const SparseMatrix& a);

// A vector when there is one column (the common case), otherwise the matrix.
Value columnsValue(const Matrix& m);

// Outputs `residual` (max over columns of ||A x - b||_2) and `backward_error` (max over columns of
// ||r||_inf / (||A||_inf ||x||_inf + ||b||_inf), the exact normwise backward error in the
// inf-norm), diagnoses condition_estimate / forward_error_bound, and warns when the bound exceeds
// `tol`. cond <= 0 means unknown (no bound reported).
void reportAccuracy(TaskContext& ctx, const Matrix& residual, const Matrix& x, const Matrix& b,
                    double norm_a_inf, double cond, const std::string& cond_norm, double tol);

}  // namespace sciagents::core::agents::la
