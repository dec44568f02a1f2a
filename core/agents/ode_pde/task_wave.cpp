// ode_pde.wave: u_tt = c² ∇²u in 1D/2D by the method of lines with an energy-conserving
// integrator: Störmer-Verlet (leapfrog, explicit, CFL-limited) or implicit midpoint.
#include "core/agents/ode_pde/pde_common.h"
#include "core/agents/ode_pde/pde_solvers.h"
#include "core/agents/ode_pde/tasks.h"
#include "core/agents/resource_estimators.h"

#include <chrono>
#include <cmath>

namespace sciagents::core::agents::ode {

using namespace pde;

namespace {
struct WavePlan {
  std::string method, rationale;
  double dt = 0, dt_cfl = 0;
  std::int64_t steps = 0;
};

WavePlan wavePlan(const TaskContext& ctx, const Grid& g, std::string method, double dt_scale) {
  const auto [t0, t1] = readTimeSpan(ctx);
  const double c = ctx.number("c"), T = t1 - t0, cfl = ctx.number("cfl");
  const double omega = c * std::sqrt(laplacianLowest(g));
  WavePlan p;
  p.dt_cfl = 2.0 / (c * std::sqrt(laplacianRadius(g)));  // 2/omega_max (Gershgorin bound)
  const double rtol = ctx.number("rtol");
  const double acc_lf = std::sqrt(24 * rtol / (omega * omega * omega * T));
  const double acc_im = std::sqrt(12 * rtol / (omega * omega * omega * T));
  const std::string nums =
      "CFL limit dt <= 2/omega_max = 2/(c sqrt(4 sum 1/h^2)) = " + fmt(p.dt_cfl) +
      "; phase accuracy rtol = " + fmt(rtol) + " on the slowest mode (omega = " + fmt(omega) +
      ") needs dt <= " + fmt(acc_lf) + " (leapfrog) / " + fmt(acc_im) + " (implicit midpoint)";
  double dt = 0;
  if (method == "auto") {
    const bool given = ctx.has("dt");
    const double want = given ? ctx.number("dt") : acc_lf;
    if ((given && want > cfl * p.dt_cfl) || (!given && acc_lf > 4 * cfl * p.dt_cfl)) {
      p.method = "implicit_midpoint";
      dt = given ? want : acc_im;
      p.rationale =
          nums +
          ": the explicit step would be CFL-bound far below the accuracy step, so implicit "
          "midpoint (unconditionally stable, conserves the discrete energy exactly; one sparse "
          "factorization)";
    } else {
      p.method = "leapfrog";
      dt = std::min(want, cfl * p.dt_cfl);
      p.rationale =
          nums +
          ": Störmer-Verlet leapfrog (explicit, symplectic, 2nd order) at dt = min(accuracy, " +
          fmt(cfl) + " x CFL)";
    }
  } else {
    p.method = method;
    dt = ctx.has("dt") ? ctx.number("dt")
                       : (method == "leapfrog" ? std::min(acc_lf, cfl * p.dt_cfl) : acc_im);
    p.rationale = "requested: " + method + " (" + nums + ")";
    if (method == "leapfrog" && dt * dt_scale > p.dt_cfl)
      throw paramError("dt",
                       "dt = " + fmt(dt) +
                           " violates the CFL condition of the explicit leapfrog scheme: "
                           "dt must be <= 2/omega_max = " +
                           fmt(p.dt_cfl) + " for c = " + fmt(c) + " and h = " + fmt(g.h[0]) +
                           " (the fastest grid mode would grow without bound); use a smaller dt, "
                           "method 'implicit_midpoint' or 'auto'");
  }
  dt *= dt_scale;
  std::int64_t steps =
      std::max<std::int64_t>(10, static_cast<std::int64_t>(std::ceil(T / dt - 1e-9)));
  if (!ctx.has("t_eval")) {
    const std::int64_t k = ctx.integer("n_out") - 1;
    steps = (steps + k - 1) / k * k;
  }
  if (steps > 10000000)
    throw paramError(ctx.has("dt") ? "dt" : "rtol",
                     "needs " + fmt(static_cast<double>(steps)) + " steps; relax it");
  p.steps = steps;
  p.dt = T / static_cast<double>(steps);
  return p;
}

struct WaveRun {
  Vector final_nodes, energy_t, energy;
  List snapshots;
  double physical_variation = 0;
};

WaveRun integrateWave(TaskContext* ctx, const TaskContext& pc, const Grid& g, const WavePlan& p) {
  const Constants cs = readConstants(pc);
  const auto [t0, t1] = readTimeSpan(pc);
  const double c2 = pc.number("c") * pc.number("c"), dt = p.dt;
  const auto vars = spaceVars(g.dim, true);
  auto compile = [&](const char* name) {
    try {
      return Expression(pc.text(name), vars, cs);
    } catch (const Error& e) {
      throw paramError(name, e.bareMessage());
    }
  };
  const FdOperator op = buildOperator(g, readBoundary(pc, g, cs, true));
  const Vector winv = op.w.cwiseInverse();
  const Vector bc0 = op.boundaryRhs(t0);
  auto bc = [&](double t) { return op.time_dependent_bc ? op.boundaryRhs(t) : bc0; };
  auto accel = [&](const Vector& u, double t) -> Vector {
    return winv.cwiseProduct(c2 * (bc(t) - op.A * u));
  };
  Vector u = op.restrict(sampleNodes(g, compile("u0"), t0, "u0"));
  Vector v = op.restrict(sampleNodes(g, compile("v0"), t0, "v0"));
  const bool lf = p.method == "leapfrog";
  SpdFactor fac;
  SparseMatrix Wm(op.unknowns(), op.unknowns()), Mminus;
  if (!lf) {
    Wm.setIdentity();
    Wm = Wm * op.w.asDiagonal();
    fac.factor(Wm + (0.25 * dt * dt * c2) * op.A);
    Mminus = Wm - (0.25 * dt * dt * c2) * op.A;
  }
  // Energy: exact quadratic invariant for implicit midpoint; for leapfrog the modified energy it
  // conserves exactly, 1/2 v'Wv + 1/2 u'(c²A - dt²/4 c⁴ A W^-1 A)u.
  auto energies = [&](const Vector& uu, const Vector& vv, double& scheme, double& phys) {
    const Vector Au = op.A * uu;
    phys = 0.5 * vv.dot(op.w.cwiseProduct(vv)) + 0.5 * c2 * uu.dot(Au);
    scheme = lf ? phys - 0.125 * dt * dt * c2 * c2 * Au.dot(winv.cwiseProduct(Au)) : phys;
  };
  WaveRun out;
  const Vector te = readOutputTimes(pc, t0, t1);
  std::vector<double> et, ev, ph;
  std::size_t next = 0;
  auto record = [&](double t, const Vector& uu, const Vector& vv) {
    out.snapshots.emplace_back(g.field(op.expand(uu, t)));
    double s = 0, ph_e = 0;
    energies(uu, vv, s, ph_e);
    et.push_back(t), ev.push_back(s), ph.push_back(ph_e);
  };
  const double eps_t = 1e-12 * (t1 - t0);
  while (next < static_cast<std::size_t>(te.size()) &&
         te[static_cast<Eigen::Index>(next)] <= t0 + eps_t)
    record(t0, u, v), ++next;
  Vector a = lf ? accel(u, t0) : Vector();
  auto last = std::chrono::steady_clock::now();
  for (std::int64_t s = 1; s <= p.steps; ++s) {
    const double ta = t0 + static_cast<double>(s - 1) * dt,
                 tb = s == p.steps ? t1 : t0 + static_cast<double>(s) * dt;
    const Vector u_old = u, v_old = v;
    if (lf) {
      const Vector vh = v + 0.5 * dt * a;
      u += dt * vh;
      a = accel(u, tb);
      v = vh + 0.5 * dt * a;
    } else {
      const Vector rhs = Mminus * v - dt * c2 * (op.A * u) + dt * c2 * bc(0.5 * (ta + tb));
      const Vector v1 = fac.solve(rhs);
      u += 0.5 * dt * (v + v1);
      v = v1;
    }
    while (next < static_cast<std::size_t>(te.size()) &&
           te[static_cast<Eigen::Index>(next)] <= tb + eps_t) {
      const double tt = te[static_cast<Eigen::Index>(next)],
                   th = std::clamp((tt - ta) / (tb - ta), 0.0, 1.0);
      record(tt, (1 - th) * u_old + th * u, (1 - th) * v_old + th * v);
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
  if (!u.allFinite()) throw Error(ErrorCode::RunFailed, "wave: the solution became non-finite");
  out.final_nodes = op.expand(u, t1);
  out.energy_t = Eigen::Map<const Vector>(et.data(), static_cast<Eigen::Index>(et.size()));
  out.energy = Eigen::Map<const Vector>(ev.data(), static_cast<Eigen::Index>(ev.size()));
  const double e0 = std::max(std::abs(ph.front()), 1e-300);
  for (double e : ph)
    out.physical_variation = std::max(out.physical_variation, std::abs(e - ph.front()) / e0);
  return out;
}

// State vectors and the implicit factor.
double memoryBytes(int dim, std::int64_t n) {
  const double U = std::pow(static_cast<double>(n), dim);
  return U * 8.0 * 16 + U * std::max(8.0, 2.0 * std::log2(std::max(U, 2.0))) * 12.0;
}

void runWave(TaskContext& ctx) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  checkMemory(ctx, memoryBytes(g.dim, g.n), "state vectors and the implicit factor");
  const WavePlan p = wavePlan(ctx, g, ctx.text("method"), 1.0);
  ctx.setMethod(p.method, p.rationale);
  const WaveRun r = integrateWave(&ctx, ctx, g, p);
  const auto [t0, t1] = readTimeSpan(ctx);
  double drift = 0;
  const double e0 = std::max(std::abs(r.energy[0]), 1e-300);
  for (Eigen::Index i = 0; i < r.energy.size(); ++i)
    drift = std::max(drift, std::abs(r.energy[i] - r.energy[0]) / e0);
  ctx.output("u", g.field(r.final_nodes));
  ctx.output("t", r.energy_t);
  ctx.output("snapshots", r.snapshots);
  TimeSeries ts;
  ts.t = r.energy_t;
  ts.values = r.energy;
  ts.names = {"energy"};
  ctx.output("energy", ts);
  ctx.output("energy_drift", drift);
  ctx.diagnostic("steps", p.steps);
  ctx.diagnostic("dt", p.dt);
  ctx.diagnostic("dt_cfl", p.dt_cfl);
  ctx.diagnostic("cfl_number", p.dt / p.dt_cfl);
  ctx.diagnostic("physical_energy_variation", r.physical_variation);
  if (drift > 1e-6)
    ctx.warn("discrete energy changed by " + fmt(drift) +
             " (relative): boundary data depend on time or are non-zero");
  reportExactError(ctx, g, r.final_nodes, t1);
}

MethodChoice selectWave(const TaskContext& ctx) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  const WavePlan p = wavePlan(ctx, g, ctx.text("method"), 1.0);
  return {p.method, p.rationale, Map{{"dt", p.dt}}};
}

Map analyzeWave(const TaskContext& ctx) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  const double c = ctx.number("c");
  Map m;
  m["problem_class"] = "hyperbolic (wave), linear, energy conserving";
  m["unknowns"] = 2 * std::pow(static_cast<double>(g.n), g.dim);
  m["h"] = g.h[0];
  m["omega_max"] = c * std::sqrt(laplacianRadius(g));
  m["dt_cfl"] = 2.0 / (c * std::sqrt(laplacianRadius(g)));
  m["stiff"] = false;
  const double U = std::pow(static_cast<double>(g.n), g.dim);
  m["memory_bytes"] =
      U * 8.0 * 16 + U * (2 * g.dim + 1) * 12.0;  // state vectors + matrix (leapfrog)
  return m;
}

std::vector<ValidationCheck> validateWave(const TaskContext& ctx, const Map& outputs) {
  const Grid g = readGrid(ctx, static_cast<int>(ctx.integer("dim")));
  const auto it = outputs.find("u");
  if (it == outputs.end()) return {{"resolve_difference", 1, 0, false, "no output u"}};
  const Vector& u = it->second.asGrid().values;
  const WavePlan p = wavePlan(ctx, g, ctx.text("method"), 1.0);
  const std::string other = p.method == "leapfrog" ? "implicit_midpoint" : "leapfrog";
  const WaveRun r = integrateWave(nullptr, ctx, g, wavePlan(ctx, g, other, 0.5));
  const double d = (r.final_nodes - u).norm() / std::max(u.norm(), 1e-300);
  const double lim = std::max(10 * ctx.number("rtol"), 1e-10);
  return {{"resolve_difference", d, lim, d <= lim,
           "relative L2 difference of u(t1) from a re-solve with " + other + " at half the step"}};
}
}  // namespace

ResourceEstimate estimateWave(const AgentRegistry&, const TaskContext& ctx) {
  const double bytes = memoryBytes(static_cast<int>(ctx.integer("dim")), ctx.integer("n"));
  return gridEstimate(ctx, bytes, 50.0, "state vectors and the implicit factor", true);
}

TaskSpec waveTask() {
  TaskSpec t;
  t.id = "wave";
  t.summary = "Wave equation u_tt = c² ∇²u in 1D/2D with an energy-conserving integrator.";
  t.doc =
      "Method of lines with the finite-difference Laplacian of `poisson` (Dirichlet/Neumann "
      "faces), then "
      "`leapfrog` (Störmer-Verlet: explicit, symplectic, second order; stable for dt <= "
      "2/omega_max, checked) or "
      "`implicit_midpoint` (unconditionally stable, conserves the quadratic energy exactly; one "
      "sparse "
      "factorization). `energy` is the discrete energy 1/2 v'Wv + 1/2 c² u'Au (implicit midpoint) "
      "or the "
      "modified energy leapfrog conserves exactly (the same minus dt²c⁴/8 |Au|²_W⁻¹); diagnostics "
      "also report "
      "`physical_energy_variation`, the O(dt²) oscillation of the unmodified energy under "
      "leapfrog.\n\n"
      "How to choose: `auto` takes leapfrog at dt = min(accuracy step, cfl x CFL limit) unless the "
      "CFL limit is "
      "more than 4x below the accuracy step (very fine grids, long smooth waves), then implicit "
      "midpoint.";
  t.params = gridParams(2, 1, 2, 64, true);
  t.params.insert(
      t.params.begin() + 2,
      {
          ParamSpec::make("c", ParamType::Number).def(1.0).positive().describe("Wave speed."),
          ParamSpec::make("u0", ParamType::Expression)
              .req()
              .describe("Initial displacement u(x, y, t0)."),
          ParamSpec::make("v0", ParamType::Expression)
              .def("0")
              .describe("Initial velocity u_t(x, y, t0)."),
          ParamSpec::make("t_span", ParamType::Vector).req().describe("[t0, t1]."),
          ParamSpec::make("t_eval", ParamType::Vector)
              .describe("Snapshot times (increasing, inside t_span)."),
          ParamSpec::make("n_out", ParamType::Integer)
              .def(11)
              .range(2, 100000)
              .describe("Equally spaced snapshots when t_eval is absent."),
          ParamSpec::make("method", ParamType::Choice)
              .oneOf({"auto", "leapfrog", "implicit_midpoint"})
              .def("auto")
              .describe("Time integrator (see doc)."),
          ParamSpec::make("dt", ParamType::Number)
              .positive()
              .describe("Time step (default: from rtol and the CFL limit)."),
          ParamSpec::make("cfl", ParamType::Number)
              .def(0.9)
              .range(0.01, 1.0)
              .describe("Safety factor on the CFL limit for leapfrog."),
          ParamSpec::make("rtol", ParamType::Number)
              .def(1e-4)
              .positive()
              .describe("Target relative phase error of the slowest mode."),
      });
  t.outputs = {
      {"u", ValueKind::GridField, "Displacement at t1 on all nodes (boundary included)."},
      {"t", ValueKind::Vector, "Snapshot times."},
      {"snapshots", ValueKind::List, "GridField of u at each snapshot time."},
      {"energy", ValueKind::TimeSeries, "Discrete energy at the snapshot times (see doc)."},
      {"energy_drift", ValueKind::Scalar, "max |E(t) - E(t0)| / |E(t0)| over the snapshots."},
      {"error_l2", ValueKind::Scalar, "With `exact`: relative L2 error at t1."},
      {"error_max", ValueKind::Scalar, "With `exact`: max abs error at t1."},
  };
  t.run = runWave;
  t.analyze = analyzeWave;
  t.select = selectWave;
  t.validate = validateWave;
  return t;
}

}  // namespace sciagents::core::agents::ode
