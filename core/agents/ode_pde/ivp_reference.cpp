// SUNDIALS ARKODE (6.4 SUNContext API) as the independent reference of executor_validator's ivp
// check: ARKStep with an implicit DIRK table for stiff problems, ERKStep for non-stiff ones.
#include "core/agents/ode_pde/ivp_reference.h"
#include "core/agents/ode_pde/sundials_callbacks.h"
#include "core/util/error.h"
#include "core/util/malloced_string.h"

#include <arkode/arkode_arkstep.h>
#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sciagents::core::agents::ode {

const char* arkMethodName(ArkMethod m) {
  return m == ArkMethod::Dirk ? "ARKODE DIRK" : "ARKODE ERK";
}

namespace {

using UserData = SundialsUserData;

// Owns every SUNDIALS object of one run.
struct Ark {
  ArkMethod method;
  SUNContext ctx = nullptr;
  N_Vector y = nullptr, atol = nullptr;
  void* mem = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver ls = nullptr;
  explicit Ark(ArkMethod m) : method(m) {}
  Ark(const Ark&) = delete;
  Ark& operator=(const Ark&) = delete;
  ~Ark() {
    if (mem) method == ArkMethod::Dirk ? ARKStepFree(&mem) : ERKStepFree(&mem);
    if (ls) SUNLinSolFree(ls);
    if (A) SUNMatDestroy(A);
    for (N_Vector v : {y, atol})
      if (v) N_VDestroy(v);
    if (ctx) SUNContext_Free(&ctx);
  }
  std::string flagName(int flag) const {
    return takeMallocedString(method == ArkMethod::Dirk ? ARKStepGetReturnFlagName(flag)
                                                        : ERKStepGetReturnFlagName(flag));
  }
};

void check(const Ark& a, int flag, const char* what, const UserData& d) {
  if (flag < 0)
    throw Error(ErrorCode::RunFailed, std::string(arkMethodName(a.method)) + " setup failed in " +
                                          what + " (" + a.flagName(flag) + ")" +
                                          (d.last_error.empty() ? "" : ": " + d.last_error));
}

}  // namespace

Matrix arkodeSolve(const Problem& p, ArkMethod method, const Vector& times) {
  const auto n = static_cast<sunindextype>(p.n());
  OdeFunctions f(p);
  UserData ud{&f, &p, Matrix(p.n(), p.n()), {}};
  Ark a(method);
  if (SUNContext_Create(nullptr, &a.ctx) != 0)
    throw Error(ErrorCode::RunFailed, "SUNContext_Create failed");
  a.y = N_VNew_Serial(n, a.ctx);
  a.atol = N_VNew_Serial(n, a.ctx);
  std::memcpy(N_VGetArrayPointer(a.y), p.y0.data(), sizeof(double) * static_cast<std::size_t>(n));
  std::memcpy(N_VGetArrayPointer(a.atol), p.atol.data(),
              sizeof(double) * static_cast<std::size_t>(n));
  const bool dirk = method == ArkMethod::Dirk;
  a.mem = dirk ? ARKStepCreate(nullptr, sundialsRhs, p.t0, a.y, a.ctx)
               : ERKStepCreate(sundialsRhs, p.t0, a.y, a.ctx);
  if (!a.mem)
    throw Error(ErrorCode::RunFailed, std::string(arkMethodName(method)) + ": create failed");
  if (dirk) {
    check(a, ARKStepSetErrHandlerFn(a.mem, sundialsErrHandler, &ud), "ARKStepSetErrHandlerFn", ud);
    check(a, ARKStepSetUserData(a.mem, &ud), "ARKStepSetUserData", ud);
    check(a, ARKStepSVtolerances(a.mem, p.rtol, a.atol), "ARKStepSVtolerances", ud);
    check(a, ARKStepSetOrder(a.mem, 5), "ARKStepSetOrder", ud);  // ARK5(4)8L[2]SA's DIRK table
    a.A = p.banded() ? SUNBandMatrix(n, p.uband, p.lband, a.ctx) : SUNDenseMatrix(n, n, a.ctx);
    a.ls = p.banded() ? SUNLinSol_Band(a.y, a.A, a.ctx) : SUNLinSol_Dense(a.y, a.A, a.ctx);
    check(a, ARKStepSetLinearSolver(a.mem, a.ls, a.A), "ARKStepSetLinearSolver", ud);
    if (f.hasJac()) check(a, ARKStepSetJacFn(a.mem, sundialsJac), "ARKStepSetJacFn", ud);
    check(a, ARKStepSetMaxNumSteps(a.mem, p.max_num_steps), "ARKStepSetMaxNumSteps", ud);
    check(a, ARKStepSetMaxErrTestFails(a.mem, 20), "ARKStepSetMaxErrTestFails", ud);
    // Newton converged to well below the error test (coefficient 1e-4, default 0.1; SUNDIALS'
    // ark_robertson example tightens it too): with the defaults the Newton error leaks into the
    // embedded error estimate, and on Robertson (DQ Jacobian) the step collapsed to ~1e-3 near
    // t = 1e3 until the error test failed. With 1e-4 Robertson to t = 4e5 and Van der Pol
    // mu = 1000 to t = 3000 finished at every rtol tried (1e-5..1e-13); 1e-7 stalled at 1e-13.
    check(a, ARKStepSetMaxNonlinIters(a.mem, 8), "ARKStepSetMaxNonlinIters", ud);
    check(a, ARKStepSetNonlinConvCoef(a.mem, 1e-4), "ARKStepSetNonlinConvCoef", ud);
    if (p.max_step > 0) check(a, ARKStepSetMaxStep(a.mem, p.max_step), "ARKStepSetMaxStep", ud);
  } else {
    check(a, ERKStepSetErrHandlerFn(a.mem, sundialsErrHandler, &ud), "ERKStepSetErrHandlerFn", ud);
    check(a, ERKStepSetUserData(a.mem, &ud), "ERKStepSetUserData", ud);
    check(a, ERKStepSVtolerances(a.mem, p.rtol, a.atol), "ERKStepSVtolerances", ud);
    check(a, ERKStepSetOrder(a.mem, 8), "ERKStepSetOrder", ud);  // Fehlberg 13-7-8
    check(a, ERKStepSetMaxNumSteps(a.mem, p.max_num_steps), "ERKStepSetMaxNumSteps", ud);
    if (p.max_step > 0) check(a, ERKStepSetMaxStep(a.mem, p.max_step), "ERKStepSetMaxStep", ud);
  }
  Matrix out(times.size(), p.n());
  sunrealtype t = p.t0;
  for (Eigen::Index k = 0; k < times.size(); ++k) {
    const double tk = times[k];
    if (tk != t) {
      // Stop exactly at tk (no interpolation), then go on from there.
      const int stop = dirk ? ARKStepSetStopTime(a.mem, tk) : ERKStepSetStopTime(a.mem, tk);
      check(a, stop, "SetStopTime", ud);
      const int flag = dirk ? ARKStepEvolve(a.mem, tk, a.y, &t, ARK_NORMAL)
                            : ERKStepEvolve(a.mem, tk, a.y, &t, ARK_NORMAL);
      if (flag < 0)
        throw Error(ErrorCode::RunFailed,
                    std::string(arkMethodName(method)) + " failed before t = " + fmt(tk) +
                        " (reached t = " + fmt(t) + ") with " + a.flagName(flag) +
                        (ud.last_error.empty() ? "" : ": " + ud.last_error));
    }
    for (Eigen::Index j = 0; j < p.n(); ++j) out(k, j) = N_VGetArrayPointer(a.y)[j];
  }
  return out;
}

}  // namespace sciagents::core::agents::ode
