// ode_pde.ivp: schema, the run (auto choice, stiffness hand-over, outputs and diagnostics) and the
// analyze/select/validate hooks.
#include "core/agents/ode_pde/ivp_problem.h"
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/agents/ode_pde/tasks.h"
#include "core/agents/resource_estimators.h"
#include "core/util/error.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::ode {

namespace {

Map analyzeIvp(const TaskContext& ctx) {
  const Problem p = readProblem(ctx);
  const Stiffness s = analyzeStiffness(p);
  return Map{{"dimension", static_cast<std::int64_t>(p.n())},
             {"stiffness_ratio", s.stiffness_ratio},
             {"spectral_radius", s.spectral_radius},
             {"stiffness_index", s.stiffness_index},
             {"stiff", s.stiff},
             {"jacobian_source", s.jacobian_source},
             {"summary", s.summary}};
}

MethodChoice selectIvp(const TaskContext& ctx) {
  const Problem p = readProblem(ctx);
  return chooseMethod(p, analyzeStiffness(p));
}

void record(TaskContext& ctx, const Solution& sol) {
  ctx.diagnostic("nfev", sol.st.nfev);
  ctx.diagnostic("njev", sol.st.njev);
  ctx.diagnostic("nsteps", sol.st.nsteps);
  ctx.diagnostic("nrejected", sol.st.nrejected);
  ctx.diagnostic("nlu", sol.st.nlu);
  if (!sol.st.jacobian_source.empty()) ctx.diagnostic("jacobian_source", sol.st.jacobian_source);
  if (sol.st.nconvfail) ctx.diagnostic("nonlinear_convergence_failures", sol.st.nconvfail);
  ctx.diagnostic("t_reached", sol.out.t_last);
  if (sol.switched) ctx.diagnostic("switched_to_bdf_at", sol.t_switch);
  if (sol.st.stiff_detected) ctx.diagnostic("stiffness_detected", sol.st.stiff_detail);
  if (sol.st.internal_rtol > 0) {
    ctx.diagnostic("internal_rtol", sol.st.internal_rtol);
    ctx.diagnostic("internal_atol_factor", sol.st.internal_atol_factor);
  }
}

}  // namespace

std::vector<std::string> settleTolerances(Problem& p) {
  std::vector<std::string> warnings;
  const double min_rtol = 100 * std::numeric_limits<double>::epsilon();
  if (p.rtol < min_rtol) {
    warnings.push_back("rtol " + fmt(p.rtol) + " is below 100 eps; using " + fmt(min_rtol));
    p.rtol = min_rtol;
  }
  // adams is only ever the requested method (auto picks bdf or an explicit one).
  if (p.method == "adams" && p.banded())
    warnings.push_back(
        "lband/uband apply to bdf only; adams uses fixed-point iteration without a Jacobian");
  if (p.method == "radau" && p.banded())
    warnings.push_back(
        "lband/uband apply to bdf only; radau factors the full n x n Jacobian (difference "
        "quotients unless jac is given)");
  return warnings;
}

void solveAndReport(TaskContext& ctx, const Problem& p, OdeFunctions& f,
                    const std::vector<std::string>& warnings, bool diagnostics) {
  if (diagnostics)
    for (const auto& w : warnings) ctx.warn(w);
  std::string method = p.method, rationale;
  if (method == "auto") {
    const Stiffness s = analyzeStiffness(p, f, diagnostics);
    if (diagnostics) {
      const MethodChoice c = chooseMethod(p, s);
      method = c.method;
      rationale = c.rationale;
      ctx.diagnostic("stiffness_ratio", s.stiffness_ratio);
      ctx.diagnostic("spectral_radius", s.spectral_radius);
      ctx.diagnostic("stiffness_index", s.stiffness_index);
      ctx.diagnostic("stiff", s.stiff);
      ctx.diagnostic("jacobian_source", s.jacobian_source);
    } else {
      method = chosenMethod(p, s);
    }
  } else {
    rationale = "requested";
  }
  Solution sol(p);
  try {
    solveIvp(p, f, method, p.method == "auto", &ctx, &ctx, sol);
  } catch (const Error& e) {
    if (diagnostics) record(ctx, sol);
    throw Error(e.code(),
                e.bareMessage() + " [partial: reached t = " + fmt(sol.out.t_last) + " of [" +
                    fmt(p.t0) + ", " + fmt(p.t1) + "], nsteps " + std::to_string(sol.st.nsteps) +
                    ", nfev " + std::to_string(sol.st.nfev) + "]",
                e.step(), e.param());
  }
  if (diagnostics) {
    if (sol.switched)
      rationale += "; switched to bdf at t = " + fmt(sol.t_switch) + " after " +
                   std::to_string(kSwitchSteps) +
                   "+ explicit steps because the problem turned out stiff (" + sol.st.stiff_detail +
                   ")";
    ctx.setMethod(sol.switched ? method + "->bdf" : method, rationale);
    record(ctx, sol);
    if (sol.st.stiff_detected && !sol.switched)
      ctx.warn("the problem appears stiff: " + sol.st.stiff_detail +
               "; method bdf (or auto) would need far fewer steps");
    ctx.diagnostic("status",
                   sol.st.terminal_event ? "stopped by a terminal event" : "reached t_end");
  }

  const auto rows = static_cast<Eigen::Index>(sol.out.t.size());
  const Eigen::Index n = p.n();
  ctx.output("t", Vector(Eigen::Map<const Vector>(sol.out.t.data(), rows)));
  ctx.output(
      "y",
      Matrix(
          Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              sol.out.y.data(), rows, n)));
  ctx.output("y_final", sol.out.y_last);
  ctx.output("t_final", sol.out.t_last);
  if (!p.events.empty()) {
    List te, ye;
    for (std::size_t k = 0; k < p.events.size(); ++k) {
      const auto m = static_cast<Eigen::Index>(sol.out.t_events[k].size());
      te.emplace_back(Vector(Eigen::Map<const Vector>(sol.out.t_events[k].data(), m)));
      ye.emplace_back(Matrix(
          Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              sol.out.y_events[k].data(), m, n)));
    }
    ctx.output("t_events", std::move(te));
    ctx.output("y_events", std::move(ye));
  }
  ctx.progress(1.0, "done");
}

namespace {

// One OdeFunctions serves the stiffness analysis and the solve.
void runIvp(TaskContext& ctx) {
  std::unique_ptr<OdeFunctions> f;
  Problem p = readProblem(ctx, &f);
  const std::vector<std::string> warnings = settleTolerances(p);
  solveAndReport(ctx, p, *f, warnings, true);
}

}  // namespace

// Output times, counted without building them: a list, or {"linspace": [a, b, count]}.
double outputTimes(const TaskContext& ctx) {
  const Value& v = ctx.param("t_eval");
  if (v.kind() == ValueKind::Map) {
    const Value* ls = v.find("linspace");
    if (!ls) throw paramError("t_eval", "expected {\"linspace\": [start, stop, count]}");
    const Vector a = ls->toVector();
    if (a.size() != 3 || !(a[2] >= 1)) throw paramError("t_eval", "bad linspace");
    return a[2];
  }
  return static_cast<double>(ctx.vector("t_eval").size());
}

// The step budget is max_num_steps, or fewer when max_step bounds the step count over t_span.
// Without t_eval every accepted step is an output row (t and one value per state), so the budget
// is also the memory: it is reported as `steps` (a server caps it). With t_eval the rows are the
// requested times and the budget costs time only (the wall-time cap bounds it).
ResourceEstimate estimateIvp(const AgentRegistry&, const TaskContext& ctx) {
  const double states = static_cast<double>(ctx.vector("y0").size());
  const Vector span = ctx.vector("t_span");
  if (span.size() != 2) throw paramError("t_span", "expected [t0, t_end]");
  double steps = paramCount(ctx, "max_num_steps");
  std::string steps_param = "max_num_steps";
  if (ctx.has("max_step")) {
    const double by_step = std::abs(span[1] - span[0]) / ctx.number("max_step");
    if (std::isfinite(by_step) && by_step < steps) {
      steps = std::ceil(by_step);
      steps_param = "max_step";
    }
  }
  ResourceEstimate e;
  const bool listed = ctx.has("t_eval");
  const double rows = listed ? outputTimes(ctx) : steps + 1;
  if (!listed) {
    e.steps = steps;
    e.steps_param = steps_param;
  }
  e.memory_bytes = rows * (states + 1) * 8.0 * 2 + states * states * 8.0 * 4;
  e.memory_param = listed ? "t_eval" : steps_param;
  e.memory_what = formatCount(rows) + " output rows of " + formatCount(states) + " states" +
                  (listed ? "" : " (no t_eval: one row per solver step)");
  e.work = steps * (states + 1) * 12.0;
  e.work_param = steps_param;
  return e;
}

TaskSpec ivpTask() {
  TaskSpec t;
  t.id = "ivp";
  t.summary = "Initial value problem y' = f(t, y) (rk45, dop853, bdf, radau, adams, auto).";
  t.doc =
      "Integrates y' = f(t, y), y(t0) = y0 over t_span (t_end < t0 integrates backwards), like "
      "scipy.integrate.solve_ivp. The rhs is one expression per state in t, the state names and "
      "the constants.\n\n"
      "Methods: `rk45` Dormand-Prince 5(4) with 4th-order dense output; `dop853` Hairer's 8(5,3) "
      "pair with 7th-order "
      "dense output; `rk23` Bogacki-Shampine 3(2); `bdf` SUNDIALS CVODE variable-order BDF with "
      "Newton and a dense or "
      "band direct solver (the Jacobian: `jac` if given, else exact derivatives of the rhs by "
      "automatic differentiation, "
      "else - banded, over 400 states or an rhs without a compiled tape - difference quotients; "
      "diagnostic "
      "jacobian_source); `radau` Radau IIA of order 5 (Hairer's RADAU5 as SciPy's Radau: implicit, "
      "L-stable, simplified Newton with the Jacobian reused while it converges, 3rd-order error "
      "estimate, cubic collocation dense output; same Jacobian choice as bdf but difference "
      "quotients when there is neither; run at the given rtol/atol); `adams` CVODE Adams-Moulton "
      "(orders "
      "1-12, fixed-point iteration). Error control: the RMS of err / (atol + rtol |y|) must stay "
      "below 1. CVODE's local "
      "error test is looser in practice than SciPy's at equal settings, so bdf/adams run CVODE at "
      "10x tighter internal "
      "tolerances (rtol and atol; not below 1e-13 relative unless asked), reported as diagnostics "
      "internal_rtol and "
      "internal_atol_factor: the result is then at least as accurate as solve_ivp at the same "
      "rtol/atol.\n\n"
      "How to choose: `auto` estimates the Jacobian at (t0, y0) and its eigenvalues; if max(-Re "
      "lambda) times the "
      "interval length exceeds 1000 the problem is stiff and BDF is used, otherwise DOP853 for "
      "rtol < 1e-6 and RK45 "
      "for looser tolerances. An explicit run that detects stiffness later (Hairer's test fires "
      "after more than 500 "
      "steps) hands over to BDF at that point. Choose bdf yourself for chemistry kinetics, "
      "relaxation oscillators and "
      "discretised diffusion; radau for small stiff systems at tight tolerances (it takes far "
      "fewer steps than bdf there: Van der Pol mu=1000 at rtol 1e-6 has a global error of ~3e-9); "
      "dop853 for tight tolerances on smooth non-stiff problems (orbits, "
      "chaotic systems); adams "
      "for smooth non-stiff problems with expensive rhs.\n\n"
      "Events: expressions g(t, y); a zero crossing is located on the dense output (CVODE's root "
      "finder for bdf/adams), "
      "recorded in t_events/y_events, and a `terminal` event stops the integration there.";
  t.params = {
      ParamSpec::make("rhs", ParamType::ExpressionList)
          .req()
          .describe("dy_i/dt, one expression per state (variables: t, the states, the "
                    "constants); from Python also a function f(t, y) (docs/python.md)."),
      ParamSpec::make("states", ParamType::StringList)
          .req()
          .describe("State names, in the order of rhs and y0."),
      ParamSpec::make("y0", ParamType::Vector).req().describe("Initial values, one per state."),
      ParamSpec::make("t_span", ParamType::Vector)
          .req()
          .describe("[t0, t_end]; t_end < t0 integrates backwards."),
      ParamSpec::make("t_eval", ParamType::Any)
          .describe("Output times (sorted in the direction of integration, inside t_span), or "
                    "{\"linspace\": [start, stop, count]}. "
                    "Default: every step the solver takes."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "rk45", "dop853", "rk23", "bdf", "radau", "adams"})
          .def("auto")
          .describe("Integrator; auto analyses stiffness (see the task description) and explains "
                    "its choice."),
      ParamSpec::make("rtol", ParamType::Number)
          .def(1e-3)
          .positive()
          .describe("Relative tolerance (as SciPy; values below 100 eps are raised)."),
      ParamSpec::make("atol", ParamType::Any)
          .def(1e-6)
          .describe("Absolute tolerance: one number or one per state."),
      ParamSpec::make("constants", ParamType::Map)
          .describe(
              "Named constants used in rhs/jac/events, e.g. {\"mu\": 1000}; values may be links."),
      ParamSpec::make("max_step", ParamType::Number)
          .positive()
          .describe("Largest step size allowed (default: unlimited)."),
      ParamSpec::make("first_step", ParamType::Number)
          .positive()
          .describe("Initial step size (default: chosen by the solver)."),
      ParamSpec::make("max_num_steps", ParamType::Integer)
          .def(500000)
          .range(1, std::nullopt)
          .describe("Total step budget; the run fails with a clear message when it is exhausted."),
      ParamSpec::make("jac", ParamType::Any)
          .describe("Analytic Jacobian: n lists of n expressions, row i = d rhs_i / d state_j "
                    "(used by bdf and by auto's stiffness "
                    "analysis; otherwise exact derivatives of the rhs by automatic "
                    "differentiation, or difference quotients for "
                    "banded or larger systems)."),
      ParamSpec::make("events", ParamType::Any)
          .describe("Event functions g(t, y): an expression, a list of expressions, or objects "
                    "{\"expr\", \"terminal\", \"direction\"}."),
      ParamSpec::make("terminal", ParamType::Any)
          .describe("Stop at the first zero of the event (true/false, or one per event)."),
      ParamSpec::make("direction", ParamType::Any)
          .describe("Crossing direction per event (or one for all): > 0 only upward (g goes from - "
                    "to +), < 0 only downward, 0 both."),
      ParamSpec::make("lband", ParamType::Integer)
          .range(0, std::nullopt)
          .describe("Lower bandwidth of a banded Jacobian (bdf: CVODE band solver)."),
      ParamSpec::make("uband", ParamType::Integer)
          .range(0, std::nullopt)
          .describe("Upper bandwidth of a banded Jacobian."),
  };
  t.outputs = {
      {"t", ValueKind::Vector, "Output times (t_eval, or every step; ends at a terminal event)."},
      {"y", ValueKind::Matrix, "Solution: one row per time in t, one column per state."},
      {"y_final", ValueKind::Vector, "State at the last time."},
      {"t_final", ValueKind::Scalar, "Last time reached (t_end, or the time of a terminal event)."},
      {"t_events", ValueKind::List,
       "Per event: the times of its zero crossings (only with events)."},
      {"y_events", ValueKind::List,
       "Per event: the states at those times, one row each (only with events)."},
  };
  t.run = runIvp;
  t.analyze = analyzeIvp;
  t.select = selectIvp;
  t.validate = validateIvp;
  registerPreparedTask("ode_pde.ivp", prepareIvp);
  return t;
}

}  // namespace sciagents::core::agents::ode
