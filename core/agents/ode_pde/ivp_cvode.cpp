// ode_pde.ivp: SUNDIALS CVODE (6.4 SUNContext API). BDF with Newton iteration and a dense or band
// direct solver (analytic Jacobian from `jac`, else CVODE's difference quotients); Adams with
// fixed-point iteration. One step at a time (CV_ONE_STEP) so output at t_eval comes from CVODE's
// own interpolant (CVodeGetDky) and events from its root finder (CVodeRootInit).
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/agents/ode_pde/sundials_callbacks.h"
#include "core/util/error.h"
#include "core/util/malloced_string.h"

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sciagents::core::agents::ode {

namespace {

using UserData = SundialsUserData;

int rootFn(sunrealtype t, N_Vector y, sunrealtype* g, void* ud) {
  static_cast<UserData*>(ud)->f->events(t, N_VGetArrayPointer(y), g);
  return 0;
}

// Owns every SUNDIALS object of one run.
struct Cvode {
  SUNContext ctx = nullptr;
  N_Vector y = nullptr, tmp = nullptr, atol = nullptr;
  void* mem = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver ls = nullptr;
  SUNNonlinearSolver nls = nullptr;
  ~Cvode() {
    if (mem) CVodeFree(&mem);
    if (ls) SUNLinSolFree(ls);
    if (A) SUNMatDestroy(A);
    if (nls) SUNNonlinSolFree(nls);
    for (N_Vector v : {y, tmp, atol})
      if (v) N_VDestroy(v);
    if (ctx) SUNContext_Free(&ctx);
  }
};

// CVODE's local error test is looser in practice than SciPy's BDF at the same rtol/atol: over rtol
// 1e-7..1e-10 on Robertson and Van der Pol mu=1000 its global error came out up to 2.7x larger than
// solve_ivp's (bench/ode_bench.cpp vs bench/peers/ode_peer.py). Running CVODE at 10x tighter
// internal tolerances (rtol and atol alike) makes it 3-9x more accurate than SciPy at the user's
// tolerances for about 1.5x the work. Not tighter than 1e-13 relative (CVODE reports "too much
// accuracy" near eps), unless the user asked for that.
constexpr double kInternalTolFactor = 0.1;
constexpr double kInternalRtolFloor = 1e-13;

}  // namespace

double cvodeInternalRtol(double rtol) {
  return rtol <= kInternalRtolFloor ? rtol
                                    : std::max(rtol * kInternalTolFactor, kInternalRtolFloor);
}

namespace {

std::string flagName(int flag) { return takeMallocedString(CVodeGetReturnFlagName(flag)); }

void check(int flag, const char* what, const UserData& d) {
  if (flag < 0)
    throw Error(ErrorCode::RunFailed, std::string("CVODE setup failed in ") + what + " (" +
                                          flagName(flag) + ")" +
                                          (d.last_error.empty() ? "" : ": " + d.last_error));
}

}  // namespace

void integrateCvode(bool bdf, const Problem& p, OdeFunctions& f, double t, const Vector& y0,
                    Output& out, RunStats& st, Reporter& rep) {
  const auto n = static_cast<sunindextype>(p.n());
  const char* name = bdf ? "bdf" : "adams";
  UserData ud{&f, &p, Matrix(p.n(), p.n()), {}};
  Cvode c;
  if (SUNContext_Create(nullptr, &c.ctx) != 0)
    throw Error(ErrorCode::RunFailed, "SUNContext_Create failed");
  c.y = N_VNew_Serial(n, c.ctx);
  c.tmp = N_VNew_Serial(n, c.ctx);
  c.atol = N_VNew_Serial(n, c.ctx);
  std::memcpy(N_VGetArrayPointer(c.y), y0.data(), sizeof(double) * static_cast<std::size_t>(n));
  const double rtol = cvodeInternalRtol(p.rtol);
  const double atol_factor = p.rtol > 0 ? rtol / p.rtol : 1.0;
  for (sunindextype i = 0; i < n; ++i)
    N_VGetArrayPointer(c.atol)[i] = p.atol[static_cast<Eigen::Index>(i)] * atol_factor;
  c.mem = CVodeCreate(bdf ? CV_BDF : CV_ADAMS, c.ctx);
  if (!c.mem) throw Error(ErrorCode::RunFailed, "CVodeCreate failed");
  check(CVodeSetErrHandlerFn(c.mem, sundialsErrHandler, &ud), "CVodeSetErrHandlerFn", ud);
  check(CVodeInit(c.mem, sundialsRhs, t, c.y), "CVodeInit", ud);
  check(CVodeSetUserData(c.mem, &ud), "CVodeSetUserData", ud);
  check(CVodeSVtolerances(c.mem, rtol, c.atol), "CVodeSVtolerances", ud);
  st.internal_rtol = rtol;
  st.internal_atol_factor = atol_factor;
  if (bdf) {
    c.A = p.banded() ? SUNBandMatrix(n, p.uband, p.lband, c.ctx) : SUNDenseMatrix(n, n, c.ctx);
    c.ls = p.banded() ? SUNLinSol_Band(c.y, c.A, c.ctx) : SUNLinSol_Dense(c.y, c.A, c.ctx);
    check(CVodeSetLinearSolver(c.mem, c.ls, c.A), "CVodeSetLinearSolver", ud);
    if (f.hasJac()) check(CVodeSetJacFn(c.mem, sundialsJac), "CVodeSetJacFn", ud);
    st.jacobian_source = f.jacSource();
  } else {
    c.nls = SUNNonlinSol_FixedPoint(c.y, 0, c.ctx);
    check(CVodeSetNonlinearSolver(c.mem, c.nls), "CVodeSetNonlinearSolver", ud);
  }
  if (p.max_step > 0) check(CVodeSetMaxStep(c.mem, p.max_step), "CVodeSetMaxStep", ud);
  if (p.first_step > 0)
    check(CVodeSetInitStep(c.mem, p.direction() * p.first_step), "CVodeSetInitStep", ud);
  check(CVodeSetStopTime(c.mem, p.t1), "CVodeSetStopTime", ud);
  check(CVodeSetMaxNumSteps(c.mem, -1), "CVodeSetMaxNumSteps",
        ud);  // one step per call: we count ourselves
  check(CVodeSetMaxErrTestFails(c.mem, 20), "CVodeSetMaxErrTestFails", ud);
  const std::size_t ne = f.numEvents();
  std::vector<int> rootdir(ne), found(ne);
  if (ne) {
    check(CVodeRootInit(c.mem, static_cast<int>(ne), rootFn), "CVodeRootInit", ud);
    for (std::size_t k = 0; k < ne; ++k)
      rootdir[k] = p.events[k].direction > 0 ? 1 : p.events[k].direction < 0 ? -1 : 0;
    check(CVodeSetRootDirection(c.mem, rootdir.data()), "CVodeSetRootDirection", ud);
    check(CVodeSetNoInactiveRootWarn(c.mem), "CVodeSetNoInactiveRootWarn", ud);
  }

  const std::int64_t steps_before = st.nsteps;
  auto collect = [&] {
    long v = 0;
    CVodeGetNumSteps(c.mem, &v);
    st.nsteps = steps_before + v;
    if (CVodeGetNumErrTestFails(c.mem, &v) == CV_SUCCESS) st.nerrfail += v, st.nrejected += v;
    if (CVodeGetNumNonlinSolvConvFails(c.mem, &v) == CV_SUCCESS) st.nconvfail += v;
    if (bdf) {
      if (CVodeGetNumJacEvals(c.mem, &v) == CV_SUCCESS) st.njev += v;
      if (CVodeGetNumLinSolvSetups(c.mem, &v) == CV_SUCCESS) st.nlu += v;
    }
  };
  Vector yv(p.n());
  auto interp = [&](double tt, double* yy) {
    if (CVodeGetDky(c.mem, tt, 0, c.tmp) !=
        CV_SUCCESS)  // cannot happen inside the last step; be safe
      throw Error(ErrorCode::RunFailed, "CVODE could not interpolate at t = " + fmt(tt));
    std::memcpy(yy, N_VGetArrayPointer(c.tmp), sizeof(double) * static_cast<std::size_t>(n));
  };
  for (;;) {
    sunrealtype tret = t;
    const int flag = CVode(c.mem, p.t1, c.y, &tret, CV_ONE_STEP);
    if (flag < 0) {
      collect();
      sunrealtype tcur = tret;
      CVodeGetCurrentTime(c.mem, &tcur);
      std::string hint;
      if (flag == CV_ERR_FAILURE || flag == CV_CONV_FAILURE || flag == CV_REPTD_RHSFUNC_ERR ||
          flag == CV_TOO_CLOSE)
        hint = "; the solution probably blows up (a singularity near t = " + fmt(tcur) +
               ") or the rhs is not smooth or not finite there";
      throw Error(ErrorCode::RunFailed, std::string(name) + " (CVODE) failed at t = " + fmt(tcur) +
                                            " with " + flagName(flag) + ": " + ud.last_error +
                                            hint);
    }
    std::memcpy(yv.data(), N_VGetArrayPointer(c.y), sizeof(double) * static_cast<std::size_t>(n));
    if (flag == CV_ROOT_RETURN) {
      check(CVodeGetRootInfo(c.mem, found.data()), "CVodeGetRootInfo", ud);
      bool stop = false;
      for (std::size_t k = 0; k < ne; ++k)
        if (found[k] != 0) {
          out.event(k, tret, yv);
          stop = stop || p.events[k].terminal;
        }
      if (stop) {
        out.step(tret, yv, Output::ref(interp));
        st.terminal_event = true;
        break;
      }
      continue;  // the rest of this step comes with the next return
    }
    out.step(tret, yv, Output::ref(interp));
    long nst = 0;
    CVodeGetNumSteps(c.mem, &nst);
    sunrealtype hlast = 0;
    CVodeGetLastStep(c.mem, &hlast);
    rep.step(tret, hlast);
    if (flag == CV_TSTOP_RETURN || tret == p.t1) break;
    if (steps_before + nst >= p.max_num_steps) {
      collect();
      // Growth by orders of magnitude while the steps crawl: a singularity the Newton iteration
      // follows (an exact Jacobian converges where difference quotients used to give up).
      const double grown = yv.cwiseAbs().maxCoeff(),
                   start = std::max(1.0, y0.cwiseAbs().maxCoeff());
      if (grown > 1e3 * start)
        throw Error(ErrorCode::RunFailed,
                    std::string(name) + " (CVODE) failed at t = " + fmt(tret) +
                        ": max_num_steps = " + std::to_string(p.max_num_steps) +
                        " reached while max |y| grew from " + fmt(start) + " to " + fmt(grown) +
                        "; the solution probably blows up (a singularity near t = " + fmt(tret) +
                        ") or the rhs is not smooth there");
      throw Error(ErrorCode::RunFailed, "max_num_steps = " + std::to_string(p.max_num_steps) +
                                            " reached at t = " + fmt(tret) + " (interval [" +
                                            fmt(p.t0) + ", " + fmt(p.t1) + "]) with " + name +
                                            "; raise max_num_steps or loosen rtol/atol");
    }
  }
  collect();
}

}  // namespace sciagents::core::agents::ode
