// ode_pde.heat: u_t = alpha ∇²u + source in 1D/2D by the method of lines: the finite-difference
// Laplacian of pde_common and an implicit one-step/two-step integrator whose sparse matrices are
// factored once (constant step).
#include "core/agents/ode_pde/pde_common.h"
#include "core/agents/ode_pde/pde_solvers.h"
#include "core/agents/ode_pde/tasks.h"
#include "core/agents/resource_estimators.h"

#include <chrono>
#include <cmath>

namespace sciagents::core::agents::ode {

using namespace pde;

namespace {
struct Plan {
  std::string method, rationale;
  double dt = 0;
  std::int64_t steps = 0;
  double radius = 0, lowest = 0;
};

// Step size for a relative time-discretisation error ~rtol on the slowest mode lambda over T.
double accuracyDt(const std::string& m, double lam, double T, double rtol) {
  if (m == "backward_euler") return 2 * rtol / (lam * lam * T);
  return std::sqrt((m == "crank_nicolson" ? 12.0 : 3.0) * rtol / (lam * lam * lam * T));
}

Plan plan(const TaskContext& ctx, const Grid& g, std::string method, double dt_scale) {
  const auto [t0, t1] = readTimeSpan(ctx);
  const double alpha = ctx.number("alpha"), T = t1 - t0;
  Plan p;
  p.radius = alpha * laplacianRadius(g);
  p.lowest = alpha * laplacianLowest(g);
  p.method = method == "auto" ? "bdf2" : method;
  const double dt_acc = accuracyDt(p.method, p.lowest, T, ctx.number("rtol"));
  const double dt = (ctx.has("dt") ? ctx.number("dt") : dt_acc) * dt_scale;
  std::int64_t steps =
      std::max<std::int64_t>(10, static_cast<std::int64_t>(std::ceil(T / dt - 1e-9)));
  if (!ctx.has("t_eval")) {  // land on the snapshot times exactly
    const std::int64_t k = ctx.integer("n_out") - 1;
    steps = (steps + k - 1) / k * k;
  }
  if (steps > 10000000)
    throw paramError(ctx.has("dt") ? "dt" : "rtol",
                     "needs " + fmt(static_cast<double>(steps)) + " time steps; relax it");
  p.steps = steps;
  p.dt = T / static_cast<double>(steps);
  const double explicit_dt = 2.0 / p.radius;
  const std::string nums =
      "spectral radius of the MOL Jacobian ~ 4 alpha d/h^2 = " + fmt(p.radius) +
      ", slowest decay rate " + fmt(p.lowest) + ", stiffness ratio " + fmt(p.radius / p.lowest) +
      "; an explicit scheme would need dt < 2/rho = " + fmt(explicit_dt) + " (" +
      fmt(std::ceil(T / explicit_dt)) + " steps), accuracy needs " + std::to_string(steps) +
      " steps of dt = " + fmt(p.dt);
  p.rationale = method == "auto"
                    ? "stiff linear MOL system (" + nums +
                          "): L-stable BDF2 with a constant step, its sparse matrix factored once"
                    : "requested: " + method + " (" + nums + ")";
  return p;
}

struct HeatRun {
  Vector final_nodes;
  List snapshots;
  std::int64_t steps = 0;
  int factorizations = 0;
};

HeatRun integrate(TaskContext* ctx, const TaskContext& pc, const Grid& g, const Plan& p) {
  const Constants c = readConstants(pc);
  const auto [t0, t1] = readTimeSpan(pc);
  const double alpha = pc.number("alpha");
  const auto vars = spaceVars(g.dim, true);
  auto compile = [&](const char* name) {
    try {
      return Expression(pc.text(name), vars, c);
    } catch (const Error& e) {
      throw paramError(name, e.bareMessage());
    }
  };
  const Expression u0e = compile("u0"), src = compile("source");
  const FdOperator op = buildOperator(g, readBoundary(pc, g, c, true));
  const bool static_f = !op.time_dependent_bc && !usesTime(pc.text("source"));
  const Vector w = op.w;
  auto forcing = [&](double t) -> Vector {
    return alpha * op.boundaryRhs(t) +
           w.cwiseProduct(op.restrict(sampleNodes(g, src, t, "source")));
  };
  const Vector F_static = static_f ? forcing(t0) : Vector();
  auto F = [&](double t) { return static_f ? F_static : forcing(t); };
  SparseMatrix W(op.unknowns(), op.unknowns());
  W.setIdentity();
  W = W * w.asDiagonal();
  const double dt = p.dt;
  HeatRun out;
  SpdFactor half, main;
  half.factor(W + (0.5 * dt * alpha) * op.A);  // backward-Euler half steps and Crank-Nicolson
  out.factorizations = 1;
  if (p.method == "bdf2") main.factor(W + (2.0 / 3.0 * dt * alpha) * op.A), ++out.factorizations;
  if (p.method == "backward_euler") main.factor(W + (dt * alpha) * op.A), ++out.factorizations;
  const SparseMatrix Aw = (0.5 * dt * alpha) * op.A;

  Vector u = op.restrict(sampleNodes(g, u0e, t0, "u0")), u_prev = u;
  const Vector te = readOutputTimes(pc, t0, t1);
  std::size_t next = 0;
  auto emit = [&](double t, const Vector& nodes) {
    out.snapshots.emplace_back(g.field(nodes));
    (void)t;
  };
  while (next < static_cast<std::size_t>(te.size()) &&
         te[static_cast<Eigen::Index>(next)] <= t0 + 1e-12 * (t1 - t0))
    emit(t0, op.expand(u, t0)), ++next;
  auto last = std::chrono::steady_clock::now();
  for (std::int64_t s = 1; s <= p.steps; ++s) {
    const double ta = t0 + static_cast<double>(s - 1) * dt,
                 tb = (s == p.steps) ? t1 : t0 + static_cast<double>(s) * dt;
    Vector un;
    if (s == 1 && p.method != "backward_euler") {
      // Two backward-Euler half steps: damps stiff modes of rough data, keeps second order overall.
      const Vector mid = half.solve(W * u + 0.5 * dt * F(ta + 0.5 * dt));
      un = half.solve(W * mid + 0.5 * dt * F(tb));
    } else if (p.method == "bdf2") {
      un = main.solve(W * ((4.0 / 3.0) * u - (1.0 / 3.0) * u_prev) + (2.0 / 3.0 * dt) * F(tb));
    } else if (p.method == "crank_nicolson") {
      un = half.solve(W * u - Aw * u + 0.5 * dt * (F(ta) + F(tb)));
    } else {
      un = main.solve(W * u + dt * F(tb));
    }
    u_prev = std::move(u);
    u = std::move(un);
    // Snapshots inside (ta, tb]: linear interpolation (exact when they fall on steps).
    while (next < static_cast<std::size_t>(te.size()) &&
           te[static_cast<Eigen::Index>(next)] <= tb + 1e-12 * (t1 - t0)) {
      const double tt = te[static_cast<Eigen::Index>(next)],
                   th = std::clamp((tt - ta) / (tb - ta), 0.0, 1.0);
      emit(tt, op.expand((1 - th) * u_prev + th * u, tt));
      ++next;
    }
    if (ctx) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last > std::chrono::milliseconds(20)) {
        ctx->checkCancelled();
        ctx->progress(static_cast<double>(s) / static_cast<double>(p.steps),
                      "step " + std::to_string(s));
        last = now;
      }
    }
  }
  if (!u.allFinite()) throw Error(ErrorCode::RunFailed, "heat: the solution became non-finite");
  out.final_nodes = op.expand(u, t1);
  out.steps = p.steps;
  return out;
}

double memoryBytes(const Grid& g) {
  const double U = std::pow(static_cast<double>(g.n), g.dim);
  return U * 8.0 * 12 + U * std::max(8.0, 2.0 * std::log2(std::max(U, 2.0))) * 24.0;
}

void runHeat(TaskContext& ctx) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  checkMemory(ctx, memoryBytes(g), "two sparse Cholesky factors of the implicit step matrices");
  const Plan p = plan(ctx, g, ctx.text("method"), 1.0);
  ctx.setMethod(p.method, p.rationale);
  const HeatRun r = integrate(&ctx, ctx, g, p);
  const auto [t0, t1] = readTimeSpan(ctx);
  ctx.output("u", g.field(r.final_nodes));
  ctx.output("t", readOutputTimes(ctx, t0, t1));
  ctx.output("snapshots", r.snapshots);
  ctx.diagnostic("steps", r.steps);
  ctx.diagnostic("dt", p.dt);
  ctx.diagnostic("spectral_radius", p.radius);
  ctx.diagnostic("stiffness_ratio", p.radius / p.lowest);
  ctx.diagnostic("factorizations", r.factorizations);
  ctx.diagnostic("backend", SpdFactor::backend());
  ctx.diagnostic("unknowns", std::pow(static_cast<double>(g.n), g.dim));
  reportExactError(ctx, g, r.final_nodes, t1);
}

MethodChoice selectHeat(const TaskContext& ctx) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  const Plan p = plan(ctx, g, ctx.text("method"), 1.0);
  return {p.method, p.rationale, Map{{"dt", p.dt}}};
}

Map analyzeHeat(const TaskContext& ctx) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  const double alpha = ctx.number("alpha");
  Map m;
  m["problem_class"] = "parabolic (heat), linear, stiff after semi-discretisation";
  m["unknowns"] = std::pow(static_cast<double>(g.n), g.dim);
  m["h"] = g.h[0];
  m["spectral_radius"] = alpha * laplacianRadius(g);
  m["stiffness_ratio"] = laplacianRadius(g) / laplacianLowest(g);
  m["stiff"] = true;
  m["memory_bytes"] = memoryBytes(g);
  return m;
}

std::vector<ValidationCheck> validateHeat(const TaskContext& ctx, const Map& outputs) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  const auto it = outputs.find("u");
  if (it == outputs.end()) return {{"resolve_difference", 1, 0, false, "no output u"}};
  const Vector& u = it->second.asGrid().values;
  const Plan p = plan(ctx, g, ctx.text("method"), 1.0);
  const std::string other = p.method == "crank_nicolson" ? "bdf2" : "crank_nicolson";
  const HeatRun r2 = integrate(nullptr, ctx, g, plan(ctx, g, other, 0.5));
  const double d1 = (r2.final_nodes - u).norm() / std::max(u.norm(), 1e-300);
  std::vector<ValidationCheck> out;
  const double lim1 = std::max(10 * ctx.number("rtol"), 1e-10);
  out.push_back(
      {"resolve_difference", d1, lim1, d1 <= lim1,
       "relative L2 difference of u(t1) from a re-solve with " + other + " at half the step"});
  if (g.n >= 7) {
    Grid gc = g;
    gc.n = (g.n - 1) / 2;
    for (int a = 0; a < g.dim; ++a)
      gc.nn[a] = gc.n + 2, gc.h[a] = (g.hi[a] - g.lo[a]) / static_cast<double>(gc.n + 1);
    const HeatRun rc = integrate(nullptr, ctx, gc, p);
    const double d2 =
        (interpolateNodes(gc, rc.final_nodes, g) - u).norm() / std::max(u.norm(), 1e-300);
    out.push_back(
        {"coarse_grid_difference", d2, 0.05, d2 <= 0.05,
         "relative L2 difference from a re-solve on a grid with n = " + std::to_string(gc.n) +
             " (interpolated); about 3x the spatial error of the result for smooth data"});
  }
  return out;
}
}  // namespace

ResourceEstimate estimateHeat(const AgentRegistry&, const TaskContext& ctx) {
  Grid g;
  g.dim = static_cast<int>(ctx.integer("dim"));
  g.n = ctx.integer("n");
  return gridEstimate(ctx, memoryBytes(g), 50.0, "two sparse Cholesky factors", true);
}

TaskSpec heatTask() {
  TaskSpec t;
  t.id = "heat";
  t.summary = "Heat equation u_t = alpha ∇²u + source in 1D/2D (method of lines, implicit).";
  t.doc =
      "Method of lines: the second-order finite-difference Laplacian (Dirichlet/Neumann faces as "
      "in `poisson`) "
      "turns the PDE into a stiff linear ODE system W u' = -alpha A u + boundary terms + W source, "
      "integrated "
      "with a constant step by an implicit method whose sparse SPD matrix is factored once: `bdf2` "
      "(L-stable, "
      "second order; the default), `crank_nicolson` (A-stable, second order, smaller error "
      "constant but "
      "lightly damped stiff modes), `backward_euler` (first order, very robust). Every method "
      "starts with two "
      "backward-Euler half steps (Rannacher start) so rough initial data do not ring.\n\n"
      "How to choose: keep `auto` (BDF2). The step is chosen from `rtol` using the slowest mode's "
      "decay rate; "
      "give `dt` to fix it. Snapshots at `t_eval` times between steps are linearly interpolated; "
      "without "
      "`t_eval` the steps land on the n_out equally spaced times.";
  t.params = gridParams(2, 1, 2, 64, true);
  t.params.insert(t.params.begin() + 2,
                  {
                      ParamSpec::make("alpha", ParamType::Number)
                          .def(1.0)
                          .positive()
                          .describe("Diffusivity alpha > 0."),
                      ParamSpec::make("u0", ParamType::Expression)
                          .req()
                          .describe("Initial condition u(x, y, t0)."),
                      ParamSpec::make("source", ParamType::Expression)
                          .def("0")
                          .describe("Source term s(x, y, t)."),
                      ParamSpec::make("t_span", ParamType::Vector).req().describe("[t0, t1]."),
                      ParamSpec::make("t_eval", ParamType::Vector)
                          .describe("Snapshot times (increasing, inside t_span)."),
                      ParamSpec::make("n_out", ParamType::Integer)
                          .def(11)
                          .range(2, 100000)
                          .describe("Equally spaced snapshots when t_eval is absent."),
                      ParamSpec::make("method", ParamType::Choice)
                          .oneOf({"auto", "bdf2", "crank_nicolson", "backward_euler"})
                          .def("auto")
                          .describe("Time integrator (see doc)."),
                      ParamSpec::make("dt", ParamType::Number)
                          .positive()
                          .describe("Time step (default: from rtol)."),
                      ParamSpec::make("rtol", ParamType::Number)
                          .def(1e-5)
                          .positive()
                          .describe("Target relative time-discretisation error."),
                  });
  t.outputs = {
      {"u", ValueKind::GridField, "Solution at t1 on all nodes (boundary included)."},
      {"t", ValueKind::Vector, "Snapshot times."},
      {"snapshots", ValueKind::List, "GridField of u at each snapshot time."},
      {"error_l2", ValueKind::Scalar, "With `exact`: relative L2 error at t1."},
      {"error_max", ValueKind::Scalar, "With `exact`: max abs error at t1."},
  };
  t.run = runHeat;
  t.analyze = analyzeHeat;
  t.select = selectHeat;
  t.validate = validateHeat;
  return t;
}

}  // namespace sciagents::core::agents::ode
