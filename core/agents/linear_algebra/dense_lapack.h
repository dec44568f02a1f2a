// Dense factor-and-solve kernels. With LAPACK (SCIAGENTS_HAVE_LAPACK, e.g. OpenBLAS on Debian) they
// call dgetrf/dpotrf/dsytrf so dense solves run at BLAS-3 speed on any x86-64 without -march
// flags; otherwise they fall back to Eigen. Only dense_lapack.cpp sees the LAPACK symbols.
#pragma once

#include "core/value/value.h"

#include <string>

namespace sciagents::core::agents::la {

struct DenseSolve {
  bool ok = false;      // factorization succeeded (false: singular / not definite)
  int info = 0;         // LAPACK-style info: k > 0 names the failing pivot / minor (1-based)
  double rcond = 0;     // reciprocal condition estimate in the inf-norm (0 when !ok)
  std::string backend;  // "LAPACK" or "Eigen"
};

// Solve A X = B in place (B becomes X). A is taken by value: it is overwritten by the factors.
DenseSolve luSolve(Matrix a, Matrix& b);
DenseSolve choleskySolve(Matrix a,
                         Matrix& b);  // uses the lower triangle; !ok when not positive definite
DenseSolve ldltSolve(Matrix a, Matrix& b);  // symmetric indefinite (Bunch-Kaufman with LAPACK)

// Name of the dense backend compiled in, for diagnostics.
const char* denseBackend();

}  // namespace sciagents::core::agents::la
