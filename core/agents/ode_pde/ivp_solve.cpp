// ode_pde.ivp: method dispatch (with the explicit -> BDF hand-over) and the validation re-solve
// (against SUNDIALS ARKODE, see ivp_reference.h).
#include "core/agents/ode_pde/ivp_reference.h"
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::ode {

bool isExplicit(const std::string& m) { return m == "rk23" || m == "rk45" || m == "dop853"; }

void solveIvp(const Problem& p, const std::string& method, bool auto_switch,
              const TaskContext* cctx, TaskContext* ctx, Solution& sol) {
  OdeFunctions f(p);
  solveIvp(p, f, method, auto_switch, cctx, ctx, sol);
}

void solveIvp(const Problem& p, OdeFunctions& f, const std::string& method, bool auto_switch,
              const TaskContext* cctx, TaskContext* ctx, Solution& sol) {
  f.nfev = 0;
  f.njev = 0;
  Reporter rep(cctx, ctx, p.t0, p.t1);
  sol.method = method;
  sol.out.start(p.t0, p.y0);
  try {
    if (isExplicit(method)) {
      const RkKind k = method == "rk23"   ? RkKind::Rk23
                       : method == "rk45" ? RkKind::Rk45
                                          : RkKind::Dop853;
      const SegmentEnd end = integrateRk(k, p, f, p.t0, p.y0, sol.out, sol.st, rep, auto_switch);
      if (end.switch_to_stiff) {
        sol.switched = true;
        sol.t_switch = end.t;
        sol.method = "bdf";
        integrateCvode(true, p, f, end.t, end.y, sol.out, sol.st, rep);
      }
    } else if (method == "radau") {
      sol.st.jacobian_source = f.hasJac() ? f.jacSource() : "finite differences";
      integrateRadau(p, f, p.t0, p.y0, sol.out, sol.st, rep);
    } else {
      integrateCvode(method == "bdf", p, f, p.t0, p.y0, sol.out, sol.st, rep);
    }
  } catch (...) {
    sol.st.nfev = f.nfev;
    sol.st.njev += f.njev;
    throw;
  }
  rep.finish();
  sol.st.nfev = f.nfev;
  if (isExplicit(sol.method) || sol.switched)
    sol.st.njev += f.njev;  // CVODE counts its own (analytic or DQ)
}

namespace {
// Pass bar of the ivp check, in units of the step's own tolerance: the worst of
// |y_i - y_ref,i| / (atol_i + rtol |y_ref,i|) over the sampled times and states. Every integrator
// here keeps its local error per step below 1 in this unit (an RMS norm); the global error
// accumulates along the trajectory to a few units (measured on the honest runs and the ivp
// examples in tests/agents/test_validators_reject.cpp: at most 8.8, examples/ode-oscillator,
// dop853 at rtol 1e-10 over ten periods). 20 units leaves that room, yet a result 10 % off at the
// default rtol 1e-3 is ~100 units off and fails.
constexpr double kToleranceUnits = 20;

// Each state's error is measured against its own size along the trajectory, m_j = max over the
// sampled reference rows of |y_ref,j|: at a zero crossing |y_ref,j| alone would turn a phase
// error the tolerance allows into hundreds of units (a dop853 oscillator at rtol 1e-10 over ten
// periods: 463 units pointwise, 4.6 against its amplitude). A state that is small throughout
// (Robertson's y2) keeps its small scale.
ValidationCheck compare(const char* name, const Matrix& mine, const Matrix& ref, const Vector& size,
                        const Problem& p, const std::string& how) {
  ValidationCheck c;
  c.name = name;
  c.limit = kToleranceUnits;
  double worst = 0;
  for (Eigen::Index i = 0; i < ref.rows(); ++i)
    for (Eigen::Index j = 0; j < ref.cols(); ++j) {
      const double d = std::abs(mine(i, j) - ref(i, j)) / (p.atol[j] + p.rtol * size[j]);
      worst = std::max(worst, std::isfinite(d) ? d : 1e300);
    }
  c.value = worst;
  c.passed = worst <= c.limit;
  c.detail = how + "; error in units of the step's tolerance, " +
             "|y - y_ref| / (atol + rtol max|y_ref|) (max over the sampled times, per state), " +
             "worst over states at " + std::to_string(ref.rows()) + " time(s); limit " +
             fmt(kToleranceUnits) + " (global error may exceed the local tolerance a few times)";
  return c;
}

// The reference: ARKODE's DIRK for stiff problems, its 8th-order ERK otherwise; an ERK that gives
// up (the problem turns stiff after t0) hands over to the DIRK. 100x tighter than the step. A DIRK
// that cannot finish within 100000 steps (Robertson to t = 1e11 at rtol 1e-12 needs millions)
// hands over to CVODE's BDF at the same tolerance, and `why` says so: then the reference is of
// the step's own family when the step used bdf.
Matrix reference(const TaskContext& ctx, const Problem& p, bool stiff, const Vector& times,
                 std::string& why) {
  Problem q = p;
  q.rtol = std::max(p.rtol / 100, 1e-13);
  q.atol = p.atol / 100;
  q.max_num_steps = std::max<std::int64_t>(p.max_num_steps, 2000000);
  const std::string tol = " at rtol " + fmt(q.rtol) + " (100x tighter, atol too)";
  if (!stiff) {
    try {
      why = "re-solved with ARKODE's explicit Runge-Kutta of order 8 (Fehlberg)" + tol;
      Problem e = q;
      e.max_num_steps = 200000;  // more means the problem is stiff after all: the DIRK takes over
      return arkodeSolve(e, ArkMethod::Erk, times);
    } catch (const Error& e) {
      why = "ARKODE ERK gave up (" + e.bareMessage() + "), so ";
    }
  } else {
    why = "stiff problem: ";
  }
  Problem d = q;
  d.max_num_steps = 100000;
  const std::string prefix = why;
  why += "re-solved with ARKODE's implicit DIRK of order 5 (ARKStep)" + tol;
  try {
    return arkodeSolve(d, ArkMethod::Dirk, times);
  } catch (const Error& e) {
    why =
        prefix + "ARKODE DIRK gave up (" + e.bareMessage() + "), so re-solved with CVODE BDF" + tol;
  }
  q.method = "bdf";
  q.t_eval = times;
  q.events.clear();
  q.t1 = times[times.size() - 1];
  Solution ref(q);
  solveIvp(q, "bdf", false, &ctx, nullptr, ref);
  const auto rows = static_cast<Eigen::Index>(ref.out.t.size());
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(ref.out.y.data(), rows, p.n());
}
}  // namespace

std::vector<ValidationCheck> validateIvp(const TaskContext& ctx, const Map& outputs) {
  const Problem p = readProblem(ctx);
  const Vector t = outputs.at("t").toVector();
  const Matrix y = outputs.at("y").toMatrix();
  if (t.size() == 0 || y.rows() != t.size() || y.cols() != p.n())
    throw Error(ErrorCode::InvalidInput, "outputs t and y are missing or inconsistent");
  if (!t.allFinite())
    return {{"resolve_difference", 1e300, kToleranceUnits, false, "t has non-finite entries"}};
  const Stiffness s = analyzeStiffness(p);
  // Sample times: up to 5 spread over the step's output, always including the last.
  std::vector<Eigen::Index> idx;
  const Eigen::Index m = t.size();
  for (int k = 1; k <= 5; ++k) idx.push_back(std::min<Eigen::Index>(m - 1, (m - 1) * k / 5));
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  Vector te(static_cast<Eigen::Index>(idx.size()));
  for (std::size_t k = 0; k < idx.size(); ++k) te[static_cast<Eigen::Index>(k)] = t[idx[k]];
  const bool terminal =
      std::any_of(p.events.begin(), p.events.end(), [](const EventSpec& e) { return e.terminal; });
  if (terminal && t[m - 1] == p.t0) return {};
  std::string why;
  Matrix yref;
  try {
    // The reference ignores events: it runs to the step's last time.
    yref = reference(ctx, p, s.stiff, te, why);
  } catch (const Error& e) {
    ValidationCheck c{"resolve_difference", 1e300, kToleranceUnits, false,
                      why + " failed: " + e.bareMessage()};
    return {c};
  }
  const Eigen::Index rows = yref.rows();
  Matrix mine(rows, p.n());
  for (Eigen::Index r = 0; r < rows; ++r) mine.row(r) = y.row(idx[static_cast<std::size_t>(r)]);
  const Vector size = yref.cwiseAbs().colwise().maxCoeff().transpose();
  std::vector<ValidationCheck> checks;
  checks.push_back(compare("resolve_difference_final", mine.bottomRows(1), yref.bottomRows(1), size,
                           p, why + ", y at t = " + fmt(t[m - 1])));
  checks.push_back(compare("resolve_difference_samples", mine, yref, size, p,
                           why + ", y at " + std::to_string(rows) + " output times"));
  if (terminal) {
    // The event function must vanish at the reported stop time on the reference trajectory, to
    // within what the tolerance allows there.
    OdeFunctions f(p);
    const Vector yl = yref.row(rows - 1).transpose();
    double g = 1e300;
    for (std::size_t k = 0; k < p.events.size(); ++k)
      if (p.events[k].terminal) g = std::min(g, std::abs(f.eventValue(k, t[m - 1], yl.data())));
    const double scale = std::max(1.0, yl.cwiseAbs().maxCoeff());
    const double limit = kToleranceUnits * (p.rtol + p.atol.maxCoeff() / scale);
    checks.push_back({"terminal_event_residual", g / scale, limit, g / scale <= limit,
                      "|g(t_stop, y_ref(t_stop))| / max(1, |y_ref|) of the terminal event on the "
                      "reference trajectory; limit " +
                          fmt(kToleranceUnits) + " x (rtol + atol / max(1, |y_ref|))"});
  }
  return checks;
}

}  // namespace sciagents::core::agents::ode
