// Linear solvers of the PDE tasks: a sparse SPD factorization (CHOLMOD supernodal when available,
// else Eigen's simplicial LL^T) and CG preconditioned by a geometric multigrid V-cycle.
#pragma once

#include "core/agent/task_context.h"
#include "core/value/value.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace sciagents::core::agents::ode::pde {

// Factor once, solve many times (implicit time steppers, direct Poisson).
class SpdFactor {
 public:
  SpdFactor();
  ~SpdFactor();
  SpdFactor(const SpdFactor&) = delete;
  SpdFactor& operator=(const SpdFactor&) = delete;
  // Throws Error(RunFailed) when the matrix is not positive definite.
  void factor(const SparseMatrix& a);
  Vector solve(const Vector& b) const;
  static std::string backend();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Geometric multigrid V-cycle for the all-Dirichlet constant-coefficient -Laplacian on n^dim
// interior points (spacings h): red-black Gauss-Seidel smoothing (symmetric pre/post order),
// multilinear interpolation, its transpose for restriction, dense Cholesky on the coarsest grid.
// Symmetric positive definite, hence a valid CG preconditioner.
class Multigrid {
 public:
  Multigrid(int dim, std::int64_t n, std::array<double, 3> h, int smooth = 2);
  ~Multigrid();
  void apply(const Vector& r, Vector& z) const;  // z ~ A^{-1} r
  int levels() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

struct CgResult {
  int iterations = 0;
  double rel_residual = 0;
  bool converged = false;
};

// Preconditioned CG on A x = b (x holds the initial guess); reports metric "residual" and honours
// cancellation. precond == nullptr: Jacobi.
CgResult pcg(TaskContext* ctx, const SparseMatrix& a, const Vector& b, Vector& x,
             const Multigrid* precond, double tol, int maxiter);

}  // namespace sciagents::core::agents::ode::pde
