#include "core/agents/ode_pde/sundials_callbacks.h"

#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sciagents::core::agents::ode {

int sundialsRhs(sunrealtype t, N_Vector y, N_Vector ydot, void* user_data) {
  auto* d = static_cast<SundialsUserData*>(user_data);
  double* out = N_VGetArrayPointer(ydot);
  d->f->rhs(t, N_VGetArrayPointer(y), out);
  for (Eigen::Index i = 0; i < d->f->n(); ++i)
    if (!std::isfinite(out[i])) return 1;
  return 0;
}

int sundialsJac(sunrealtype t, N_Vector y, N_Vector, SUNMatrix J, void* user_data, N_Vector,
                N_Vector, N_Vector) {
  auto* d = static_cast<SundialsUserData*>(user_data);
  d->f->jac(t, N_VGetArrayPointer(y), d->jbuf);
  const Eigen::Index n = d->jbuf.rows();
  if (!d->p->banded()) {
    std::memcpy(SUNDenseMatrix_Data(J), d->jbuf.data(),
                sizeof(double) * static_cast<std::size_t>(n * n));
  } else {
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = std::max<Eigen::Index>(0, j - d->p->uband);
           i <= std::min<Eigen::Index>(n - 1, j + d->p->lband); ++i)
        SM_ELEMENT_B(J, i, j) = d->jbuf(i, j);
  }
  return d->jbuf.allFinite() ? 0 : 1;
}

void sundialsErrHandler(int, const char*, const char* function, char* msg, void* user_data) {
  static_cast<SundialsUserData*>(user_data)->last_error = std::string(function) + ": " + msg;
}

}  // namespace sciagents::core::agents::ode
