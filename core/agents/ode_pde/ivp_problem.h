// ode_pde.ivp: the problem as read from the parameters, its compiled functions (rhs, Jacobian,
// events), the shared output sink and the stiffness analysis used by `auto`.
#pragma once

#include "core/agent/native_function.h"
#include "core/agent/task_context.h"
#include "core/agent/task_spec.h"
#include "core/expr/expression.h"
#include "core/value/value.h"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sciagents::core::agents::ode {

struct EventSpec {
  std::string expr;
  bool terminal = false;
  double direction = 0;  // > 0: only upward crossings, < 0: only downward, 0: both
};

struct Problem {
  std::vector<std::string> states;
  std::vector<std::string> rhs;  // one expression per state, or empty with rhs_native
  // A right-hand side given as a function of the embedding program ({"callable": NAME}, a Python
  // f(t, y): core/agent/native_function.h), called with one row [t, y...] per evaluation.
  std::shared_ptr<const NativeFunction> rhs_native;
  Constants constants;
  Vector y0;
  double t0 = 0, t1 = 1;
  std::optional<Vector> t_eval;
  double rtol = 1e-3;
  Vector atol;            // one per state
  double max_step = 0;    // 0: unlimited
  double first_step = 0;  // 0: automatic
  std::int64_t max_num_steps = 0;
  std::vector<std::vector<std::string>> jac;  // empty: none
  std::vector<EventSpec> events;
  int lband = -1, uband = -1;  // >= 0: banded Jacobian (bdf/adams)
  std::string method;          // as requested (auto, rk45, ...)

  Eigen::Index n() const { return y0.size(); }
  double direction() const { return t1 >= t0 ? 1.0 : -1.0; }
  bool banded() const { return lband >= 0 && uband >= 0; }
};

class OdeFunctions;

// "rhs[i] = 'EXPR'" or "rhs[i] of Python function f", for messages.
std::string rhsLabel(const Problem& p, Eigen::Index i);

// Reads and checks every parameter (names the parameter, the value and what was expected). The
// check compiles the rhs, Jacobian and events; with `compiled` the caller gets those functions
// (counters at zero) instead of compiling them again.
Problem readProblem(const TaskContext& ctx, std::unique_ptr<OdeFunctions>* compiled = nullptr);

// Compiled right-hand side, Jacobian and event functions; one instance per thread.
class OdeFunctions {
 public:
  // The constants are variables of the compiled expressions (after t and the states, in the
  // order of p.constants), set to p's values: a prepared study (ivp_prepared.cpp) sets them per
  // sample with bind() and runs exactly the arithmetic of a run compiled with those values.
  explicit OdeFunctions(const Problem& p);
  void bind(std::size_t k, double value) { m_x[static_cast<std::size_t>(m_n) + 1 + k] = value; }
  Eigen::Index n() const { return m_n; }
  void rhs(double t, const double* y, double* dy);
  // A Jacobian other than difference quotients: the given one, else exact derivatives of the rhs
  // (when every rhs expression compiles to a tape and the system is dense and at most
  // kMaxAutoJac states: a banded or larger system keeps CVODE's difference quotients, which
  // need no n x n matrix). The derivative tape is built at the first jac() call.
  bool hasJac() const { return m_jac.has_value() || m_auto_jac; }
  static constexpr Eigen::Index kMaxAutoJac = 400;
  const char* jacSource() const;  // "analytic" | "automatic differentiation" | "finite differences"
  void jac(double t, const double* y, Matrix& j);  // needs hasJac
  // Forward differences around f0 = f(t, y) (costs n rhs evaluations).
  void jacFD(double t, const double* y, const double* f0, Matrix& j);
  std::size_t numEvents() const { return m_events.size(); }
  void events(double t, const double* y, double* g);
  double eventValue(std::size_t k, double t, const double* y);

  std::int64_t nfev = 0, njev = 0;

 private:
  void load(double t, const double* y);
  Eigen::Index m_n;
  std::vector<double> m_x;  // t, then the states, then the constants
  std::vector<Expression> m_events;
  std::optional<ExpressionSet> m_rhs;              // one tape for every component
  std::shared_ptr<const NativeFunction> m_native;  // instead of m_rhs (Problem::rhs_native)
  Matrix m_native_in;                              // 1 x (n + 1): t, then the states
  std::optional<ExpressionSet> m_jac;              // the given jac, row-major
  std::optional<ExpressionDerivatives> m_ad;       // d rhs / d states, when no jac is given
  bool m_auto_jac = false;                         // m_ad is (to be) used
  std::vector<double> m_jbuf;                      // m_jac's or m_ad's row-major output
};

// Output collection shared by all integrators: every step's end point (no t_eval) or the t_eval
// points inside each step (dense output), plus the events.
class Output {
 public:
  // Non-owning callable y(t) over the current step (no allocation per step).
  struct Interp {
    void* obj;
    void (*fn)(void*, double, double*);
    void operator()(double t, double* y) const { fn(obj, t, y); }
  };
  template <class F>
  static Interp ref(F& f) {
    return {&f, [](void* o, double t, double* y) { (*static_cast<F*>(o))(t, y); }};
  }
  Output(const Problem& p);
  void start(double t0, const Vector& y0);
  // A step from the last emitted time to t_new; interp evaluates y anywhere inside it.
  void step(double t_new, const Vector& y_new, const Interp& interp);
  void event(std::size_t k, double t, const Vector& y);

  std::vector<double> t;
  std::vector<double> y;  // row-major, n per row
  std::vector<std::vector<double>> t_events;
  std::vector<std::vector<double>> y_events;
  double t_last = 0;
  Vector y_last;

 private:
  std::optional<Vector> m_teval;
  Eigen::Index m_next = 0, m_n;
  double m_dir;
};

// Counters and the reason an integrator stopped.
struct RunStats {
  std::int64_t nsteps = 0, nrejected = 0, nlu = 0, njev = 0, nfev = 0;
  std::int64_t nerrfail = 0, nconvfail = 0;
  bool terminal_event = false;
  bool stiff_detected = false;  // explicit method found its step size limited by stability
  double t_stiff = 0;
  std::string stiff_detail;
  double internal_rtol = 0;         // CVODE's own rtol (0: CVODE not used); see cvodeInternalRtol
  double internal_atol_factor = 1;  // CVODE's atol = atol * this
  std::string jacobian_source;      // bdf: OdeFunctions::jacSource() (empty: no Newton iteration)
};

// Live reporting from the step loops (ctx may be null in hooks): progress, step size, cancel.
class Reporter {
 public:
  Reporter(const TaskContext* cctx, TaskContext* ctx, double t0, double t1);
  void step(double t, double h);  // cheap; reports every ~50 ms
  // At the end of a run too short for any live report (most interactive solves take a few ms):
  // the step-size history, thinned to at most kTracePoints points, so the run has a Convergence
  // chart. Longer runs already reported theirs live and send nothing more; nor do runs nobody
  // listens to (the samples of a study).
  void finish();
  static constexpr std::size_t kTracePoints = 32;

 private:
  const TaskContext* m_cctx;
  TaskContext* m_ctx;
  double m_t0, m_t1;
  std::int64_t m_count = 0;
  double m_next_report = 0;
  bool m_reported = false;
  bool m_tracing = false;                          // someone listens (not a study's sample)
  std::int64_t m_stride = 1;                       // every m_stride-th step is kept in m_trace
  std::vector<std::pair<double, double>> m_trace;  // (t, |h|), thinned by halves when full
  std::pair<double, double> m_last{0, 0};
};

// Stiffness facts at (t0, y0): Jacobian (analytic or finite differences) and its eigenvalues.
struct Stiffness {
  double spectral_radius = 0;  // max |lambda|
  double max_decay = 0;        // max(-Re lambda)
  double stiffness_ratio = 1;  // max/min |Re lambda| over the decaying modes
  double stiffness_index = 0;  // max_decay * |t1 - t0|: ~ explicit steps needed for stability alone
  bool stiff = false;
  std::string jacobian_source;  // OdeFunctions::jacSource()
  std::string summary;          // the numbers in words
};
inline constexpr double kStiffIndex = 1000.0;  // above: explicit RK is stability-limited

Stiffness analyzeStiffness(const Problem& p);
// The same with the problem's functions at hand (counters are not reset); without `describe` the
// summary is left empty (the figures are the same).
Stiffness analyzeStiffness(const Problem& p, OdeFunctions& f, bool describe);
MethodChoice chooseMethod(const Problem& p, const Stiffness& s);
const char* chosenMethod(const Problem& p, const Stiffness& s);  // chooseMethod's method only

std::string fmt(double v);  // %.6g

}  // namespace sciagents::core::agents::ode
