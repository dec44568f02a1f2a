#include "core/agents/linear_algebra/dense_lapack.h"
#include "core/linalg/dense_decompositions.h"

#include <algorithm>
#include <vector>

#ifdef SCIAGENTS_HAVE_LAPACK
// Fortran LAPACK entry points (reference LAPACK, OpenBLAS, Accelerate all export these).
extern "C" {
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda,
             const int* ipiv, double* b, const int* ldb, int* info);
void dgecon_(const char* norm, const int* n, const double* a, const int* lda, const double* anorm,
             double* rcond, double* work, int* iwork, int* info);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda,
             double* b, const int* ldb, int* info);
void dpocon_(const char* uplo, const int* n, const double* a, const int* lda, const double* anorm,
             double* rcond, double* work, int* iwork, int* info);
void dsytrf_(const char* uplo, const int* n, double* a, const int* lda, int* ipiv, double* work,
             const int* lwork, int* info);
void dsytrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda,
             const int* ipiv, double* b, const int* ldb, int* info);
void dsycon_(const char* uplo, const int* n, const double* a, const int* lda, const int* ipiv,
             const double* anorm, double* rcond, double* work, int* iwork, int* info);
}
#endif

namespace sciagents::core::agents::la {

namespace {
double normInfDense(const Matrix& a) { return a.cwiseAbs().rowwise().sum().maxCoeff(); }
}  // namespace

const char* denseBackend() {
#ifdef SCIAGENTS_HAVE_LAPACK
  return "LAPACK";
#else
  return "Eigen";
#endif
}

#ifdef SCIAGENTS_HAVE_LAPACK

DenseSolve luSolve(Matrix a, Matrix& b) {
  DenseSolve r{false, 0, 0, "LAPACK"};
  const int n = static_cast<int>(a.rows()), nrhs = static_cast<int>(b.cols());
  const double anorm = normInfDense(a);
  std::vector<int> ipiv(static_cast<size_t>(n));
  dgetrf_(&n, &n, a.data(), &n, ipiv.data(), &r.info);
  if (r.info != 0) return r;
  int info = 0;
  std::vector<double> work(4 * static_cast<size_t>(n));
  std::vector<int> iwork(static_cast<size_t>(n));
  dgecon_("I", &n, a.data(), &n, &anorm, &r.rcond, work.data(), iwork.data(), &info);
  dgetrs_("N", &n, &nrhs, a.data(), &n, ipiv.data(), b.data(), &n, &info);
  r.ok = true;
  return r;
}

DenseSolve choleskySolve(Matrix a, Matrix& b) {
  DenseSolve r{false, 0, 0, "LAPACK"};
  const int n = static_cast<int>(a.rows()), nrhs = static_cast<int>(b.cols());
  const double anorm = normInfDense(a);  // symmetric: 1-norm == inf-norm
  dpotrf_("L", &n, a.data(), &n, &r.info);
  if (r.info != 0) return r;
  int info = 0;
  std::vector<double> work(3 * static_cast<size_t>(n));
  std::vector<int> iwork(static_cast<size_t>(n));
  dpocon_("L", &n, a.data(), &n, &anorm, &r.rcond, work.data(), iwork.data(), &info);
  dpotrs_("L", &n, &nrhs, a.data(), &n, b.data(), &n, &info);
  r.ok = true;
  return r;
}

DenseSolve ldltSolve(Matrix a, Matrix& b) {
  DenseSolve r{false, 0, 0, "LAPACK"};
  const int n = static_cast<int>(a.rows()), nrhs = static_cast<int>(b.cols());
  const double anorm = normInfDense(a);
  std::vector<int> ipiv(static_cast<size_t>(n));
  int lwork = -1;
  double query = 0;
  dsytrf_("L", &n, a.data(), &n, ipiv.data(), &query, &lwork, &r.info);
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<size_t>(std::max(lwork, 2 * n)));
  dsytrf_("L", &n, a.data(), &n, ipiv.data(), work.data(), &lwork, &r.info);
  if (r.info != 0) return r;
  int info = 0;
  std::vector<int> iwork(static_cast<size_t>(n));
  dsycon_("L", &n, a.data(), &n, ipiv.data(), &anorm, &r.rcond, work.data(), iwork.data(), &info);
  dsytrs_("L", &n, &nrhs, a.data(), &n, ipiv.data(), b.data(), &n, &info);
  r.ok = true;
  return r;
}

#else  // Eigen fallback: rcond() is Eigen's 1-norm estimate (equal to the inf-norm one for
       // symmetric A)

DenseSolve luSolve(Matrix a, Matrix& b) {
  DenseSolve r{false, 0, 0, "Eigen"};
  Eigen::PartialPivLU<Matrix> lu(a);
  const auto& f = lu.matrixLU();
  for (Eigen::Index k = 0; k < f.rows(); ++k)
    if (f(k, k) == 0.0) {
      r.info = static_cast<int>(k + 1);
      return r;
    }
  // inf-norm condition of A equals the 1-norm condition of A^T
  Eigen::PartialPivLU<Matrix> lut(a.transpose());
  r.rcond = lut.rcond();
  b = lu.solve(b);
  r.ok = true;
  return r;
}

DenseSolve choleskySolve(Matrix a, Matrix& b) {
  DenseSolve r{false, 0, 0, "Eigen"};
  Eigen::LLT<Matrix> llt(a);
  if (llt.info() != Eigen::Success) {
    r.info = 1;
    return r;
  }
  r.rcond = llt.rcond();
  b = llt.solve(b);
  r.ok = true;
  return r;
}

DenseSolve ldltSolve(Matrix a, Matrix& b) {
  DenseSolve r{false, 0, 0, "Eigen"};
  Eigen::LDLT<Matrix> ldlt(a);
  if (ldlt.info() != Eigen::Success || (ldlt.vectorD().array() == 0.0).any()) {
    r.info = 1;
    return r;
  }
  r.rcond = ldlt.rcond();
  b = ldlt.solve(b);
  r.ok = true;
  return r;
}

#endif

}  // namespace sciagents::core::agents::la
