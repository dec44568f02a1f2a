// Shared pieces of the inverse tasks: Gaussian deviates from the uq counter-based streams, a
// deterministic parallel loop, per-datum noise levels and the ODE model (ode_pde.ivp parameters and
// integrators) used by enkf and parameter_estimation.
#pragma once

#include "core/agent/task_context.h"
#include "core/agent/task_spec.h"
#include "core/agents/ode_pde/ivp_problem.h"
#include "core/agents/uq/uq_common.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sciagents::core::agents::inverse {

using uq::seedParam;
using uq::Stream;
using uq::taskSeed;

// n standard normal deviates number first, first+1, ... of stream `s` (Box-Muller on pairs of
// uniforms: deviate k uses uniforms 2*(k/2) and 2*(k/2)+1), so any deviate is a pure function of
// its index.
void gaussians(const Stream& s, std::uint64_t first, double* out, Eigen::Index n);

// Runs f(i) for i in [0, n) on up to `threads` threads (static blocks). Every index is computed by
// the same code whatever the thread count; the first exception is rethrown after all threads join.
void parallelFor(int threads, Eigen::Index n, const std::function<void(Eigen::Index)>& f);

// Standard deviations from param `name`: one positive number, or one per item (`what`: "datum",
// "state", "observed quantity").
Vector readSigma(const TaskContext& ctx, const std::string& name, Eigen::Index n,
                 const std::string& what = "datum");

// Checks that every entry is finite; names the param and the entry otherwise.
void requireFinite(const std::string& param, const Matrix& m);

// The ODE parameters shared with ode_pde.ivp (rhs, states, y0, t_span, constants, method, rtol,
// atol, max_num_steps), with the given defaults for method and rtol.
std::vector<ParamSpec> odeParams(const std::string& default_method, double default_rtol);

struct OdeModel {
  ode::Problem problem;   // as read by ode_pde.ivp's reader (every check and message is the same)
  std::string method;     // the concrete integrator (auto resolved once, at y0)
  std::string rationale;  // why
};
OdeModel readOdeModel(const TaskContext& ctx);

// States at `times` (rows; increasing, >= t0) of the trajectory from (t0, y0) with `constants`
// replacing the problem's. Throws Error(RunFailed) naming the time reached when integration fails.
Matrix integrateOde(const OdeModel& m, double t0, const Vector& y0, const Vector& times,
                    const Constants& constants, std::int64_t* nfev = nullptr);
// Only the state at t1.
Vector propagateOde(const OdeModel& m, double t0, double t1, const Vector& y0,
                    std::int64_t* nfev = nullptr);

// Index of each name in `states` (param `param` names the list); throws naming the unknown one.
std::vector<Eigen::Index> stateIndices(const std::string& param,
                                       const std::vector<std::string>& names,
                                       const std::vector<std::string>& states);

}  // namespace sciagents::core::agents::inverse
