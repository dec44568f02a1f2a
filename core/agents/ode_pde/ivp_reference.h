// ode_pde.ivp validation reference: the same problem re-solved by SUNDIALS ARKODE, a method family
// independent of the step's own integrators (our Runge-Kutta pairs, CVODE's BDF/Adams).
#pragma once

#include "core/agents/ode_pde/ivp_problem.h"

#include <string>

namespace sciagents::core::agents::ode {

enum class ArkMethod {
  Dirk,  // ARKStep, fully implicit (DIRK, order 5, Newton + dense/band direct solver): stiff
  Erk,   // ERKStep, explicit Runge-Kutta of order 8: non-stiff
};

const char* arkMethodName(ArkMethod m);

// y at each of `times` (sorted in the direction of integration from p.t0, ending at most at p.t1),
// one row per time, integrated at p.rtol / p.atol with max p.max_num_steps steps; each time is hit
// exactly (a stop time, no interpolation). Ignores events. Throws Error(RunFailed) naming the
// method, the time reached and SUNDIALS' reason.
Matrix arkodeSolve(const Problem& p, ArkMethod method, const Vector& times);

}  // namespace sciagents::core::agents::ode
