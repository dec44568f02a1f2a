// ode_pde.ivp integrators: explicit adaptive Runge-Kutta (RK23, RK45, DOP853), Radau IIA (order 5)
// and SUNDIALS CVODE (BDF, Adams). Each integrates from (t, y) to p.t1 into `out`, counts into
// `st`, and throws Error(RunFailed) with a clear message on failure (the caller adds partial
// diagnostics).
#pragma once

#include "core/agent/prepared_task.h"
#include "core/agents/ode_pde/ivp_problem.h"

#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::agents::ode {

enum class RkKind { Rk23, Rk45, Dop853 };

struct SegmentEnd {
  bool switch_to_stiff = false;  // explicit run stopped because stiffness was detected (auto mode)
  double t = 0;
  Vector y;
};

// switch_when_stiff: stop (and return switch_to_stiff) once Hairer's stiffness test fires
// repeatedly after more than kSwitchSteps steps; otherwise only record the detection in st.
SegmentEnd integrateRk(RkKind kind, const Problem& p, OdeFunctions& f, double t, Vector y,
                       Output& out, RunStats& st, Reporter& rep, bool switch_when_stiff);
inline constexpr std::int64_t kSwitchSteps = 500;

// The rtol CVODE runs at for a user rtol: 10x tighter (atol scaled alike), floored at 1e-13, so
// that its global error is at least as small as SciPy's at the same tolerances (see ivp_cvode.cpp).
double cvodeInternalRtol(double rtol);

// Radau IIA of order 5 at the problem's rtol/atol (ivp_radau.cpp); counts its Jacobians (given,
// automatic or difference quotients) in st.njev and its LU factorisations in st.nlu.
void integrateRadau(const Problem& p, OdeFunctions& f, double t, Vector y, Output& out,
                    RunStats& st, Reporter& rep);

// bdf: CV_BDF, otherwise CV_ADAMS (fixed-point iteration: no Jacobian). Sets st.internal_rtol.
void integrateCvode(bool bdf, const Problem& p, OdeFunctions& f, double t, const Vector& y,
                    Output& out, RunStats& st, Reporter& rep);

}  // namespace sciagents::core::agents::ode

namespace sciagents::core::agents::ode {

// A finished (or failed, partially filled) run.
struct Solution {
  explicit Solution(const Problem& p) : out(p) {}
  Output out;
  RunStats st;
  std::string method;     // the concrete method that produced the end of the trajectory
  bool switched = false;  // explicit -> bdf hand-over (auto)
  double t_switch = 0;
};

bool isExplicit(const std::string& method);
// Runs `method` (rk23, rk45, dop853, bdf, radau, adams). auto_switch: an explicit method that
// detects stiffness hands over to BDF from the current point. Throws Error(RunFailed); `sol` keeps
// the partial result and counts.
void solveIvp(const Problem& p, const std::string& method, bool auto_switch,
              const TaskContext* cctx, TaskContext* ctx, Solution& sol);
// The same with the problem's functions at hand (their counters are reset first).
void solveIvp(const Problem& p, OdeFunctions& f, const std::string& method, bool auto_switch,
              const TaskContext* cctx, TaskContext* ctx, Solution& sol);

// The run after the params are read (task_ivp.cpp), shared by the task and its prepared form for
// step-model studies (ivp_prepared.cpp). settleTolerances raises an rtol below 100 eps and returns
// the warnings the run reports; solveAndReport chooses the method (auto), solves with `f` and puts
// the outputs (and with `diagnostics` the warnings, method and diagnostics) into ctx.
std::vector<std::string> settleTolerances(Problem& p);
void solveAndReport(TaskContext& ctx, const Problem& p, OdeFunctions& f,
                    const std::vector<std::string>& warnings, bool diagnostics);
std::shared_ptr<const PreparedTask> prepareIvp(const TaskContext& ctx,
                                               const std::vector<std::string>& paths);

// executor_validator hook: re-solve with an independent method family (ARKODE: DIRK when stiff,
// ERK otherwise) at 100x tighter rtol; pass within 20 units of the step's tolerance.
std::vector<ValidationCheck> validateIvp(const TaskContext& ctx, const Map& outputs);

}  // namespace sciagents::core::agents::ode
