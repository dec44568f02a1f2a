// ode_pde.bvp: two-point boundary value problems by Lobatto IIIA collocation (bvp_colloc.h).
#include "core/agents/ode_pde/bvp_colloc.h"
#include "core/agents/ode_pde/pde_common.h"
#include "core/agents/ode_pde/tasks.h"

#include <cmath>

namespace sciagents::core::agents::ode {

using namespace pde;

namespace {
struct Setup {
  std::vector<std::string> states;
  std::unique_ptr<ExpressionSet> rhs, bc;
  Vector x;
  Matrix y;
};

Setup setup(const TaskContext& ctx) {
  Setup s;
  const Constants c = readConstants(ctx);
  s.states = ctx.param("states").toStringList();
  const auto rhs = ctx.param("rhs").toStringList(), bc = ctx.param("bc").toStringList();
  const auto m = s.states.size();
  if (m == 0) throw paramError("states", "at least one state is needed");
  if (rhs.size() != m)
    throw paramError("rhs", "expected " + std::to_string(m) + " expressions (one per state), got " +
                                std::to_string(rhs.size()));
  if (bc.size() != m)
    throw paramError("bc",
                     "a first-order system of " + std::to_string(m) + " states needs exactly " +
                         std::to_string(m) +
                         " boundary conditions (expressions = 0 in ya_<state>, yb_<state>), got " +
                         std::to_string(bc.size()));
  std::vector<std::string> fv{"x"}, bv;
  for (const auto& st : s.states) fv.push_back(st);
  for (const auto& st : s.states) bv.push_back("ya_" + st);
  for (const auto& st : s.states) bv.push_back("yb_" + st);
  try {
    s.rhs = std::make_unique<ExpressionSet>(rhs, fv, c);
  } catch (const Error& e) {
    throw paramError("rhs", e.bareMessage());
  }
  try {
    s.bc = std::make_unique<ExpressionSet>(bc, bv, c);
  } catch (const Error& e) {
    throw paramError("bc", e.bareMessage());
  }
  if (ctx.has("x")) {
    s.x = ctx.vector("x");
    if (s.x.size() < 2) throw paramError("x", "the initial mesh needs at least 2 points");
    for (Eigen::Index i = 0; i < s.x.size(); ++i)
      if (!std::isfinite(s.x[i]) || (i > 0 && !(s.x[i] > s.x[i - 1])))
        throw paramError("x", "mesh must be finite and strictly increasing (entry " +
                                  std::to_string(i) + " = " + fmt(s.x[i]) + ")");
  } else if (ctx.has("x_span")) {
    const Vector sp = ctx.vector("x_span");
    if (sp.size() != 2 || !std::isfinite(sp[0]) || !std::isfinite(sp[1]) || !(sp[1] > sp[0]))
      throw paramError("x_span", "expected [a, b] with finite a < b");
    s.x = Vector::LinSpaced(ctx.integer("nodes"), sp[0], sp[1]);
  } else {
    throw paramError("x_span", "give x_span [a, b] or an initial mesh x");
  }
  const auto N = s.x.size();
  s.y = Matrix::Zero(N, static_cast<Eigen::Index>(m));
  if (ctx.has("y_guess")) {
    const Matrix g = ctx.matrix("y_guess");
    if (g.size() == static_cast<Eigen::Index>(m)) {
      for (Eigen::Index k = 0; k < g.size(); ++k) s.y.col(k).setConstant(g.data()[k]);
    } else if (g.rows() == N && g.cols() == static_cast<Eigen::Index>(m)) {
      s.y = g;
    } else {
      throw paramError("y_guess", "expected " + std::to_string(m) +
                                      " numbers (one constant per state) or a " +
                                      std::to_string(N) + "x" + std::to_string(m) +
                                      " matrix (rows = mesh points), got " +
                                      std::to_string(g.rows()) + "x" + std::to_string(g.cols()));
    }
    if (!s.y.allFinite()) throw paramError("y_guess", "every entry must be finite");
  }
  return s;
}

MethodChoice selectBvp(const TaskContext& ctx) {
  const auto m = ctx.param("states").toStringList().size();
  return {"collocation",
          "4th-order Lobatto IIIA collocation (as scipy solve_bvp) with damped Newton and mesh "
          "refinement "
          "for " +
              std::to_string(m) +
              " states: robust for unstable/stiff problems where shooting "
              "amplifies errors like exp(L |x_b - x_a|)",
          {}};
}

void runBvp(TaskContext& ctx) {
  Setup s = setup(ctx);
  const MethodChoice choice = selectBvp(ctx);
  ctx.setMethod(choice.method, choice.rationale);
  const int m = static_cast<int>(s.states.size());
  BvpSystem sys{s.rhs.get(), s.bc.get(), m};
  const BvpResult r =
      solveBvp(sys, s.x, s.y, ctx.number("tol"), static_cast<int>(ctx.integer("max_nodes")),
               [&](int round, std::size_t nodes, double worst) {
                 ctx.checkCancelled();
                 ctx.metric("residual", round, worst);
                 ctx.progress(std::min(0.9, 0.1 * (round + 1)), std::to_string(nodes) + " nodes");
               });
  ctx.output("x", r.x);
  ctx.output("y", r.y);
  ctx.output("rms_residuals", r.rms);
  ctx.output("success", r.success);
  ctx.output("ya", Vector(r.y.row(0).transpose()));
  ctx.output("yb", Vector(r.y.row(r.y.rows() - 1).transpose()));
  ctx.diagnostic("nodes", static_cast<std::int64_t>(r.x.size()));
  ctx.diagnostic("newton_iterations", r.newton_iterations);
  ctx.diagnostic("refinements", r.refinements);
  ctx.diagnostic("f_evals", static_cast<std::int64_t>(r.f_evals));
  ctx.diagnostic("max_rms_residual", r.rms.maxCoeff());
  ctx.diagnostic("bc_residual", r.bc_residual);
  ctx.diagnostic("message", r.message);
  if (!r.success) ctx.warn("not converged: " + r.message);
  if (r.bc_residual > 1e-8) ctx.warn("boundary conditions are met only to " + fmt(r.bc_residual));
  if (ctx.has("exact")) {
    const auto ex = ctx.param("exact").toStringList();
    if (ex.size() != static_cast<std::size_t>(m))
      throw paramError("exact",
                       "expected " + std::to_string(m) + " expressions in x (one per state)");
    const ExpressionSet e(ex, {"x"}, readConstants(ctx));
    double err = 0;
    Vector ev(m);
    for (Eigen::Index i = 0; i < r.x.size(); ++i) {
      const double xi = r.x[i];
      e.eval(std::span<const double>(&xi, 1),
             std::span<double>(ev.data(), static_cast<std::size_t>(m)));
      err = std::max(err, (r.y.row(i).transpose() - ev).cwiseAbs().maxCoeff());
    }
    ctx.output("max_error", err);
  }
}

Map analyzeBvp(const TaskContext& ctx) {
  Setup s = setup(ctx);
  Map m;
  m["problem_class"] = "two-point boundary value problem, first-order system";
  m["states"] = static_cast<std::int64_t>(s.states.size());
  m["initial_nodes"] = static_cast<std::int64_t>(s.x.size());
  m["unknowns"] =
      static_cast<std::int64_t>(s.x.size() * static_cast<Eigen::Index>(s.states.size()));
  m["interval_length"] = s.x[s.x.size() - 1] - s.x[0];
  // Sparse Newton matrix at max_nodes: ~2 m^2 + m nonzeros per block row, plus LU fill.
  const double mm = static_cast<double>(s.states.size()),
               nmax = static_cast<double>(ctx.integer("max_nodes"));
  m["memory_bytes"] = nmax * mm * (4 * mm + 10) * 16.0;
  return m;
}

// Independent check: finite-difference derivative of the returned solution's cubic interpolant on a
// 4x refined mesh against f, and the boundary conditions at the returned end values.
std::vector<ValidationCheck> validateBvp(const TaskContext& ctx, const Map& outputs) {
  Setup s = setup(ctx);
  const int m = static_cast<int>(s.states.size());
  const Vector& x = outputs.at("x").asVector();
  const Matrix& y = outputs.at("y").asMatrix();
  if (y.rows() != x.size() || y.cols() != m || x.size() < 2)
    return {{"ode_residual", 1, 0, false, "outputs x and y are missing or inconsistent"}};
  if (!y.allFinite()) return {{"ode_residual", 1, 0, false, "y has non-finite entries"}};
  BvpSystem sys{s.rhs.get(), s.bc.get(), m};
  const Eigen::Index N = x.size(), R = 4 * (N - 1) + 1;
  Vector xs(R);
  for (Eigen::Index i = 0; i + 1 < N; ++i)
    for (int q = 0; q < 4; ++q) xs[4 * i + q] = x[i] + 0.25 * q * (x[i + 1] - x[i]);
  xs[R - 1] = x[N - 1];
  Matrix sv, ds;
  hermiteEval(sys, x, y, xs, sv, ds);
  double worst = 0;
  std::vector<double> in(static_cast<std::size_t>(m + 1)), f(static_cast<std::size_t>(m));
  for (Eigen::Index p = 1; p + 1 < R; ++p) {
    in[0] = xs[p];
    for (int k = 0; k < m; ++k) in[static_cast<std::size_t>(k + 1)] = sv(p, k);
    s.rhs->eval(in, f);
    for (int k = 0; k < m; ++k) {
      const double d =
          (sv(p + 1, k) - sv(p - 1, k)) / (xs[p + 1] - xs[p - 1]);  // central difference
      const double fk = f[static_cast<std::size_t>(k)];
      worst = std::max(worst, std::abs(d - fk) / (1 + std::abs(fk)));
    }
  }
  std::vector<double> ab(static_cast<std::size_t>(2 * m));
  for (int k = 0; k < m; ++k)
    ab[static_cast<std::size_t>(k)] = y(0, k), ab[static_cast<std::size_t>(m + k)] = y(N - 1, k);
  Vector bcv(m);
  s.bc->eval(ab, std::span<double>(bcv.data(), static_cast<std::size_t>(m)));
  const double tol = ctx.number("tol");
  // Central differences add O(h^2 |y'''|) to the collocation residual; allow for both.
  double hmax = 0;
  for (Eigen::Index i = 0; i + 1 < N; ++i) hmax = std::max(hmax, x[i + 1] - x[i]);
  const double lim = 10 * tol + 0.1 * (hmax / 4) * (hmax / 4) * (1 + y.cwiseAbs().maxCoeff());
  const double bcr = bcv.cwiseAbs().maxCoeff();
  return {{"ode_residual", worst, lim, worst <= lim,
           "max relative |dS/dx - f(x, S)| by central differences of the cubic interpolant on a 4x "
           "refined mesh"},
          {"bc_residual", bcr, 1e-8, bcr <= 1e-8, "max |bc(ya, yb)| at the returned end values"}};
}
}  // namespace

TaskSpec bvpTask() {
  TaskSpec t;
  t.id = "bvp";
  t.summary = "Two-point boundary value problems y' = f(x, y), bc(y(a), y(b)) = 0 (collocation).";
  t.doc =
      "Solves a first-order system y' = f(x, y) on [a, b] with m (possibly nonlinear) boundary "
      "conditions "
      "bc(ya, yb) = 0, written as expressions in ya_<state> and yb_<state>. Higher-order equations "
      "are rewritten "
      "as first-order systems (y'' = -y: states [y, v], rhs [v, -y]).\n\n"
      "Method: 4th-order Lobatto IIIA collocation with cubic Hermite interpolation (the scheme of "
      "scipy.integrate.solve_bvp): damped Newton on the global collocation system "
      "(finite-difference Jacobian "
      "with 2-colouring, sparse LU), then the relative residual of the interpolant is estimated "
      "per interval "
      "(5-point Lobatto quadrature) and intervals above `tol` get 1 or 2 new nodes, until every "
      "interval is "
      "below `tol` or `max_nodes` would be exceeded (then success = false and a warning). A "
      "singular Newton "
      "matrix (inconsistent or missing boundary conditions) fails with an explanation.\n\n"
      "How to choose: there is one method; give a `y_guess` close to the expected solution for "
      "nonlinear "
      "problems with several solutions.";
  t.params = {
      ParamSpec::make("rhs", ParamType::ExpressionList)
          .req()
          .describe("f(x, y): one expression per state."),
      ParamSpec::make("states", ParamType::StringList)
          .req()
          .describe("State names (usable in rhs)."),
      ParamSpec::make("bc", ParamType::ExpressionList)
          .req()
          .describe("m boundary residuals = 0 in ya_<state>, yb_<state> (e.g. [\"ya_y\", \"yb_y - "
                    "1\"])."),
      ParamSpec::make("x_span", ParamType::Vector)
          .describe("[a, b]; the initial mesh has `nodes` equally spaced points."),
      ParamSpec::make("x", ParamType::Vector)
          .describe("Initial mesh (strictly increasing); overrides x_span."),
      ParamSpec::make("nodes", ParamType::Integer)
          .def(11)
          .range(2, 1000000)
          .describe("Initial mesh size with x_span."),
      ParamSpec::make("y_guess", ParamType::Matrix)
          .describe("Initial guess: m constants, or a matrix with one row per mesh point (default "
                    "zeros)."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "collocation"})
          .def("auto")
          .describe("Only collocation."),
      ParamSpec::make("tol", ParamType::Number)
          .def(1e-6)
          .positive()
          .describe("Target relative collocation residual per interval (scipy's tol; scipy's "
                    "default is 1e-3)."),
      ParamSpec::make("max_nodes", ParamType::Integer)
          .def(1000)
          .range(3, 10000000)
          .describe("Largest mesh allowed."),
      ParamSpec::make("constants", ParamType::Map)
          .describe("Named constants usable in rhs and bc."),
      ParamSpec::make("exact", ParamType::ExpressionList)
          .describe("Optional exact solution in x (one per state): adds max_error."),
  };
  t.outputs = {
      {"x", ValueKind::Vector, "Final mesh."},
      {"y", ValueKind::Matrix,
       "Solution at the mesh points (one row per point, one column per state)."},
      {"rms_residuals", ValueKind::Vector, "Relative rms collocation residual of each interval."},
      {"success", ValueKind::Bool, "Whether every interval residual is below tol."},
      {"ya", ValueKind::Vector, "y(a)."},
      {"yb", ValueKind::Vector, "y(b)."},
      {"max_error", ValueKind::Scalar, "With `exact`: max abs error over the mesh."},
  };
  t.run = runBvp;
  t.analyze = analyzeBvp;
  t.select = selectBvp;
  t.validate = validateBvp;
  return t;
}

}  // namespace sciagents::core::agents::ode
