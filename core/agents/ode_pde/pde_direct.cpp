// Sparse SPD factorization for the PDE tasks. CHOLMOD is confined to this translation unit.
#include "core/agents/ode_pde/pde_solvers.h"

#include "core/util/error.h"

#ifdef SCIAGENTS_PDE_CHOLMOD
#include <Eigen/CholmodSupport>
#else
#include <Eigen/SparseCholesky>
#endif

namespace sciagents::core::agents::ode::pde {

struct SpdFactor::Impl {
#ifdef SCIAGENTS_PDE_CHOLMOD
  Eigen::CholmodSupernodalLLT<SparseMatrix> llt;
#else
  Eigen::SimplicialLLT<SparseMatrix> llt;
#endif
};

SpdFactor::SpdFactor() : m_impl(std::make_unique<Impl>()) {}
SpdFactor::~SpdFactor() = default;

void SpdFactor::factor(const SparseMatrix& a) {
  m_impl->llt.compute(a);
  if (m_impl->llt.info() != Eigen::Success)
    throw Error(ErrorCode::RunFailed,
                "sparse Cholesky failed: the discrete operator is not positive definite");
}

Vector SpdFactor::solve(const Vector& b) const { return m_impl->llt.solve(b); }

std::string SpdFactor::backend() {
#ifdef SCIAGENTS_PDE_CHOLMOD
  return "CHOLMOD supernodal LL^T";
#else
  return "Eigen SimplicialLLT (AMD ordering)";
#endif
}

}  // namespace sciagents::core::agents::ode::pde
