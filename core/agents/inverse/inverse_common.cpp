#include "core/agents/inverse/inverse_common.h"

#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <numbers>
#include <thread>

namespace sciagents::core::agents::inverse {

void gaussians(const Stream& s, std::uint64_t first, double* out, Eigen::Index n) {
  for (Eigen::Index i = 0; i < n;) {
    const std::uint64_t k = first + static_cast<std::uint64_t>(i), pair = k / 2;
    const double r = std::sqrt(-2.0 * std::log(s.uniform(2 * pair)));
    const double a = 2.0 * std::numbers::pi * s.uniform(2 * pair + 1);
    if (k % 2 == 0) {
      out[i++] = r * std::cos(a);
      if (i < n) out[i++] = r * std::sin(a);
    } else {
      out[i++] = r * std::sin(a);
    }
  }
}

void parallelFor(int threads, Eigen::Index n, const std::function<void(Eigen::Index)>& f) {
  const auto workers =
      static_cast<Eigen::Index>(std::clamp<Eigen::Index>(threads, 1, std::max<Eigen::Index>(1, n)));
  std::exception_ptr error;
  std::mutex mutex;
  auto work = [&](Eigen::Index w) {
    try {
      for (Eigen::Index i = w * n / workers; i < (w + 1) * n / workers; ++i) f(i);
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (Eigen::Index w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

Vector readSigma(const TaskContext& ctx, const std::string& name, Eigen::Index n,
                 const std::string& what) {
  const Value& v = ctx.param(name);
  Vector s;
  if (v.isNumber()) {
    s = Vector::Constant(n, v.asDouble());
  } else {
    try {
      s = v.toVector();
    } catch (const std::exception& e) {
      throw paramError(name, "expected a positive number or one per " + what + ": " + e.what());
    }
    if (s.size() != n)
      throw paramError(name, "has " + std::to_string(s.size()) + " values for " +
                                 std::to_string(n) + " (one per " + what +
                                 "); give one number or one per " + what);
  }
  for (Eigen::Index i = 0; i < s.size(); ++i)
    if (!(s[i] > 0) || !std::isfinite(s[i]))
      throw paramError(name, "entry " + std::to_string(i) + " is " + formatFine(s[i]) +
                                 "; standard deviations must be finite and > 0");
  return s;
}

void requireFinite(const std::string& param, const Matrix& m) {
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw paramError(param, "entry (" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                                    formatFine(m(i, j)) + "; every value must be finite");
}

std::vector<ParamSpec> odeParams(const std::string& default_method, double default_rtol) {
  return {
      ParamSpec::make("rhs", ParamType::ExpressionList)
          .req()
          .describe("dy_i/dt, one expression per state (variables: t, the states, the constants), "
                    "as in ode_pde.ivp."),
      ParamSpec::make("states", ParamType::StringList)
          .req()
          .describe("State names, in the order of rhs and y0."),
      ParamSpec::make("y0", ParamType::Vector).req().describe("Initial values, one per state."),
      ParamSpec::make("t_span", ParamType::Vector)
          .req()
          .describe("[t0, t_end]: t0 is the time of y0."),
      ParamSpec::make("constants", ParamType::Map).describe("Named constants used in rhs."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "rk45", "dop853", "rk23", "bdf", "adams"})
          .def(default_method)
          .describe("ODE integrator (as ode_pde.ivp; auto is resolved once at y0 by the stiffness "
                    "test)."),
      ParamSpec::make("rtol", ParamType::Number)
          .def(default_rtol)
          .positive()
          .describe("Relative tolerance of the integrator."),
      ParamSpec::make("atol", ParamType::Any)
          .def(default_rtol * 1e-3)
          .describe("Absolute tolerance: one number or one per state."),
      ParamSpec::make("max_num_steps", ParamType::Integer)
          .def(500000)
          .range(1, std::nullopt)
          .describe("Largest number of integrator steps per solve."),
  };
}

OdeModel readOdeModel(const TaskContext& ctx) {
  OdeModel m{ode::readProblem(ctx), {}, {}};
  if (m.problem.direction() < 0)
    throw paramError("t_span", "must be increasing ([t0, t_end] with t_end > t0)");
  if (m.problem.method == "auto") {
    const MethodChoice c = ode::chooseMethod(m.problem, ode::analyzeStiffness(m.problem));
    m.method = c.method;
    m.rationale = c.rationale;
  } else {
    m.method = m.problem.method;
    m.rationale = "requested";
  }
  return m;
}

namespace {
ode::Solution solve(ode::Problem& p, const OdeModel& m, std::int64_t* nfev) {
  ode::Solution sol(p);
  try {
    ode::solveIvp(p, m.method, false, nullptr, nullptr, sol);
  } catch (const Error& e) {
    throw Error(ErrorCode::RunFailed,
                "ODE solve (" + m.method + ") failed between t = " + formatFine(p.t0) + " and " +
                    formatFine(p.t1) + " at t = " + formatFine(sol.out.t_last) + ": " +
                    e.bareMessage());
  }
  if (nfev) *nfev += sol.st.nfev;
  return sol;
}
}  // namespace

Matrix integrateOde(const OdeModel& m, double t0, const Vector& y0, const Vector& times,
                    const Constants& constants, std::int64_t* nfev) {
  ode::Problem p = m.problem;
  p.constants = constants;
  p.y0 = y0;
  p.t0 = t0;
  p.t1 = times[times.size() - 1];
  p.t_eval = times;
  p.events.clear();
  if (p.t1 == p.t0) return y0.transpose().replicate(times.size(), 1);
  const ode::Solution sol = solve(p, m, nfev);
  const auto rows = static_cast<Eigen::Index>(sol.out.t.size());
  if (rows != times.size())
    throw Error(ErrorCode::RunFailed, "ODE solve returned " + std::to_string(rows) + " of " +
                                          std::to_string(times.size()) + " requested times");
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      sol.out.y.data(), rows, p.n());
}

Vector propagateOde(const OdeModel& m, double t0, double t1, const Vector& y0, std::int64_t* nfev) {
  if (t1 == t0) return y0;
  ode::Problem p = m.problem;
  p.y0 = y0;
  p.t0 = t0;
  p.t1 = t1;
  p.t_eval.reset();
  p.events.clear();
  const ode::Solution sol = solve(p, m, nfev);
  return sol.out.y_last;
}

std::vector<Eigen::Index> stateIndices(const std::string& param,
                                       const std::vector<std::string>& names,
                                       const std::vector<std::string>& states) {
  std::vector<Eigen::Index> idx;
  for (const auto& n : names) {
    const auto it = std::find(states.begin(), states.end(), n);
    if (it == states.end()) {
      std::string all;
      for (const auto& s : states) all += (all.empty() ? "" : ", ") + s;
      throw paramError(param, "'" + n + "' is not a state (states: " + all + ")");
    }
    idx.push_back(static_cast<Eigen::Index>(it - states.begin()));
  }
  return idx;
}

}  // namespace sciagents::core::agents::inverse
