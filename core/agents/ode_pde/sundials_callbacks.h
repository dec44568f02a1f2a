// The right-hand side, Jacobian and error callbacks that SUNDIALS integrators (CVODE for ivp,
// ARKODE for its validation reference) call with a SundialsUserData: one copy for both.
#pragma once

#include "core/agents/ode_pde/ivp_solvers.h"

#include <nvector/nvector_serial.h>
#include <sundials/sundials_matrix.h>

#include <string>

namespace sciagents::core::agents::ode {

struct SundialsUserData {
  OdeFunctions* f;
  const Problem* p;
  Matrix jbuf;             // the Jacobian as Eigen fills it
  std::string last_error;  // the integrator's last message (its error handler)
};

// y' = f(t, y); a non-finite value is a recoverable failure (the integrator retries smaller).
int sundialsRhs(sunrealtype t, N_Vector y, N_Vector ydot, void* user_data);
// The analytic Jacobian into a dense or (when the problem is banded) band SUNMatrix.
int sundialsJac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void* user_data, N_Vector,
                N_Vector, N_Vector);
// Keeps the message in SundialsUserData::last_error instead of printing it.
void sundialsErrHandler(int code, const char* module, const char* function, char* msg,
                        void* user_data);

}  // namespace sciagents::core::agents::ode
