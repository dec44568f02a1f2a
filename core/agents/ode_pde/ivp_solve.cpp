// ode_pde.ivp: method dispatch (with the explicit -> BDF hand-over) and the validation re-solve.
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::ode {

bool isExplicit(const std::string& m) { return m == "rk23" || m == "rk45" || m == "dop853"; }

void solveIvp(const Problem& p, const std::string& method, bool auto_switch, const TaskContext* cctx, TaskContext* ctx,
              Solution& sol) {
  OdeFunctions f(p);
  Reporter rep(cctx, ctx, p.t0, p.t1);
  sol.method = method;
  sol.out.start(p.t0, p.y0);
  try {
    if (isExplicit(method)) {
      const RkKind k = method == "rk23" ? RkKind::Rk23 : method == "rk45" ? RkKind::Rk45 : RkKind::Dop853;
      const SegmentEnd end = integrateRk(k, p, f, p.t0, p.y0, sol.out, sol.st, rep, auto_switch);
      if (end.switch_to_stiff) {
        sol.switched = true;
        sol.t_switch = end.t;
        sol.method = "bdf";
        integrateCvode(true, p, f, end.t, end.y, sol.out, sol.st, rep);
      }
    } else {
      integrateCvode(method == "bdf", p, f, p.t0, p.y0, sol.out, sol.st, rep);
    }
  } catch (...) {
    sol.st.nfev = f.nfev;
    sol.st.njev += f.njev;
    throw;
  }
  sol.st.nfev = f.nfev;
  if (isExplicit(sol.method) || sol.switched) sol.st.njev += f.njev;  // CVODE counts its own (analytic or DQ)
}

namespace {
ValidationCheck compare(const char* name, const Matrix& mine, const Matrix& ref, const Problem& p, double limit,
                        const std::string& how) {
  ValidationCheck c;
  c.name = name;
  c.limit = limit;
  double worst = 0;
  for (Eigen::Index i = 0; i < ref.rows(); ++i)
    for (Eigen::Index j = 0; j < ref.cols(); ++j) {
      const double floor = p.rtol > 0 ? p.atol[j] / p.rtol : 0.0;
      const double d = std::abs(mine(i, j) - ref(i, j)) / (std::abs(ref(i, j)) + floor + 1e-300);
      worst = std::max(worst, std::isfinite(d) ? d : 1e300);
    }
  c.value = worst;
  c.passed = worst <= limit;
  c.detail = how + "; relative difference |y - y_ref| / (|y_ref| + atol/rtol), worst over states at " +
             std::to_string(ref.rows()) + " time(s); limit 1000 x rtol (global error may exceed the local tolerance)";
  return c;
}
}  // namespace

std::vector<ValidationCheck> validateIvp(const TaskContext& ctx, const Map& outputs) {
  const Problem p = readProblem(ctx);
  const Vector t = outputs.at("t").toVector();
  const Matrix y = outputs.at("y").toMatrix();
  if (t.size() == 0 || y.rows() != t.size()) throw Error(ErrorCode::InvalidInput, "outputs t and y are missing or inconsistent");
  const Stiffness s = analyzeStiffness(p);
  const std::string used = p.method == "auto" ? chooseMethod(p, s).method : p.method;
  std::string ref_method, why;
  if (isExplicit(used)) {
    ref_method = "bdf", why = "re-solved with BDF (CVODE)";
  } else if (!s.stiff) {
    ref_method = "dop853", why = "re-solved with the explicit DOP853";
  } else {
    ref_method = "bdf", why = "stiff problem (an explicit re-solve would be impractically long): re-solved with BDF";
  }
  Problem q = p;
  q.method = ref_method;
  q.rtol = std::max(p.rtol / 100, ref_method == "bdf" ? 1e-13 : 2.5e-14);
  q.atol = p.atol / 100;
  q.max_num_steps = std::max<std::int64_t>(p.max_num_steps, 2000000);
  why += " at rtol " + fmt(q.rtol) + " (100x tighter, atol too)";
  // Sample times: up to 5 spread over the step's output, always including the last.
  std::vector<Eigen::Index> idx;
  const Eigen::Index m = t.size();
  for (int k = 1; k <= 5; ++k) idx.push_back(std::min<Eigen::Index>(m - 1, (m - 1) * k / 5));
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  Vector te(static_cast<Eigen::Index>(idx.size()));
  for (std::size_t k = 0; k < idx.size(); ++k) te[static_cast<Eigen::Index>(k)] = t[idx[k]];
  q.t_eval = te;
  const bool terminal = std::any_of(p.events.begin(), p.events.end(), [](const EventSpec& e) { return e.terminal; });
  if (terminal) q.events.clear();  // the step stopped at an event: re-solve on the same interval, compare the stop time below
  if (terminal) q.t1 = t[m - 1];
  if (terminal && q.t1 == q.t0) return {};
  Solution ref(q);
  std::vector<ValidationCheck> checks;
  try {
    solveIvp(q, ref_method, false, &ctx, nullptr, ref);
  } catch (const Error& e) {
    ValidationCheck c{"resolve_difference", 1e300, 1000 * p.rtol, false, why + " failed: " + e.bareMessage()};
    return {c};
  }
  const auto rows = static_cast<Eigen::Index>(ref.out.t.size());
  const Eigen::Index n = p.n();
  Matrix yref = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(ref.out.y.data(), rows, n);
  Matrix mine(rows, n);
  for (Eigen::Index r = 0; r < rows; ++r) mine.row(r) = y.row(idx[static_cast<std::size_t>(r)]);
  const double limit = 1000 * p.rtol;
  checks.push_back(compare("resolve_difference_final", mine.bottomRows(1), yref.bottomRows(1), p, limit, why + ", y at t = " + fmt(t[m - 1])));
  checks.push_back(compare("resolve_difference_samples", mine, yref, p, limit, why + ", y at " + std::to_string(rows) + " output times"));
  if (terminal) {
    // The event function must vanish at the reported stop time on the reference trajectory.
    OdeFunctions f(p);
    const Vector yl = yref.row(rows - 1).transpose();
    double g = 1e300;
    for (std::size_t k = 0; k < p.events.size(); ++k)
      if (p.events[k].terminal) g = std::min(g, std::abs(f.eventValue(k, t[m - 1], yl.data())));
    const double scale = std::max(1.0, yl.cwiseAbs().maxCoeff());
    checks.push_back({"terminal_event_residual", g / scale, limit, g / scale <= limit,
                      "|g(t_stop, y_ref(t_stop))| / max(1, |y_ref|) of the terminal event on the reference trajectory"});
  }
  return checks;
}

}  // namespace sciagents::core::agents::ode
