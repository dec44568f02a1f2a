// optimization.global_minimize: global minimisation on a box.
#include "core/agents/optimization/global_internal.h"
#include "core/agents/optimization/minimize_internal.h"
#include "core/agents/optimization/model_function.h"
#include "core/agents/optimization/tasks.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

namespace {

std::string canonicalGlobal(const std::string& given) {
  std::string m = toLower(given);
  for (char& c : m)
    if (c == '-') c = '_';
  if (m == "de") m = "differential_evolution";
  if (m == "auto" || m == "differential_evolution" || m == "multistart" || m == "gn_direct_l" ||
      m == "gn_crs2_lm" || m == "gn_isres")
    return m;
  throw paramError(
      "method",
      "unknown method '" + given +
          "'; expected auto, differential_evolution, multistart, GN_DIRECT_L, GN_CRS2_LM or "
          "GN_ISRES (case-insensitive)");
}

MethodChoice selectGlobal(const TaskContext& ctx) {
  const std::string m = canonicalGlobal(ctx.text("method"));
  if (m != "auto") return {m, "requested by the user", {}};
  const auto n = static_cast<long>(ctx.param("variables").toStringList().size());
  if (n > 30)
    return {"multistart",
            "n = " + std::to_string(n) +
                " > 30 variables: a DE population of 15 n points per generation is too costly; "
                "multistart L-BFGS-B from Latin-hypercube points",
            {}};
  return {"differential_evolution",
          "box-bounded problem with n = " + std::to_string(n) +
              " variables: differential evolution (best1bin, derivative-free, robust to many local "
              "minima) "
              "followed by an L-BFGS-B polish of the best member",
          {}};
}

Map analyzeGlobal(const TaskContext& ctx) {
  const Problem p = readProblem(ctx, true);
  Map m;
  m["dimension"] = static_cast<std::int64_t>(p.n());
  m["bounded"] = true;
  m["box_widths"] = Vector(p.bounds.hi - p.bounds.lo);
  m["nonsmooth_functions"] = nonSmoothFunctions(expressionText(ctx, "objective"));
  m["step_model"] = isModelParam(ctx, "objective");
  if (isModelParam(ctx, "objective")) return m;  // a probe would re-run the step
  const Expression f(ctx.text("objective"), p.vars, p.constants);
  const Vector c = 0.5 * (p.bounds.lo + p.bounds.hi);
  m["f_center"] = f.eval(c.data());
  return m;
}

// Independent check: no Halton point of the box beats the returned minimum (plus the KKT checks).
std::vector<ValidationCheck> validateGlobal(const TaskContext& ctx, const Map& outputs) {
  std::vector<ValidationCheck> out = validateMinimize(ctx, outputs);
  const auto fit = outputs.find("fun");
  if (fit == outputs.end() || isModelParam(ctx, "objective"))
    return out;  // 4096 runs of a step: no
  const Problem p = readProblem(ctx, true);
  const Expression f(ctx.text("objective"), p.vars, p.constants);
  static const int kPrimes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};
  const int samples = 4096;
  double best = std::numeric_limits<double>::infinity();
  Vector x(p.n());
  for (int s = 1; s <= samples; ++s) {
    for (Eigen::Index j = 0; j < p.n(); ++j) {
      double h = 0, frac = 1.0 / kPrimes[j % 16];
      for (int k = s + static_cast<int>(j / 16) * samples; k > 0;
           k /= kPrimes[j % 16], frac /= kPrimes[j % 16])
        h += frac * (k % kPrimes[j % 16]);
      x[j] = p.bounds.lo[j] + h * (p.bounds.hi[j] - p.bounds.lo[j]);
    }
    const double v = f.eval(x.data());
    if (v < best) best = v;
  }
  const double fun = fit->second.asDouble();
  const double excess = std::max(0.0, fun - best);
  out.push_back(
      {"no_better_sample", excess, 1e-8 * std::max(1.0, std::abs(fun)),
       excess <= 1e-8 * std::max(1.0, std::abs(fun)),
       "fun minus the lowest objective over 4096 Halton points of the box (" + num(best) + ")"});
  return out;
}

void runGlobal(TaskContext& ctx) {
  const Problem p = readProblem(ctx, true);
  Objective obj(ctx, "objective", p.vars, p.constants, {}, &p.bounds);
  const MethodChoice choice = selectGlobal(ctx);
  GlobalOptions o;
  o.method = choice.method;
  o.seed = ctx.has("seed") ? static_cast<std::uint64_t>(ctx.integer("seed")) : ctx.seed();
  o.maxiter_given = ctx.has("maxiter");
  o.maxiter = o.maxiter_given ? ctx.integer("maxiter") : 1000;
  o.popsize = ctx.integer("popsize");
  o.tol = ctx.number("tol");
  GlobalResult r;
  try {
    r = o.method == "differential_evolution" ? differentialEvolution(obj, p.bounds, o)
        : o.method == "multistart"           ? multistart(obj, p.bounds, o)
                                             : nloptGlobal(obj, p.bounds, o);
  } catch (const Diverged& d) {
    if (obj.model()) obj.model()->report(ctx);
    throw Error(ErrorCode::RunFailed, "divergence detected: " + d.message);
  }
  if (!std::isfinite(r.f))
    throw Error(
        ErrorCode::RunFailed,
        "the objective is NaN or infinite everywhere the search looked (" + r.message + ")");
  std::string rationale = choice.rationale;
  if (ctx.flag("polish") && o.method != "multistart") {
    LocalOptions lo;
    lo.method = "l-bfgs-b";
    lo.tol = 1e-12;
    lo.bounds = p.bounds;
    try {
      const LocalResult l = runLocal(obj, r.x, lo);
      const double gain = r.f - l.f;
      if (l.f <= r.f) {
        r.x = l.x;
        r.f = l.f;
      }
      ctx.diagnostic("polish_improvement", std::max(0.0, gain));
      rationale += "; polished with L-BFGS-B (" + l.message + ")";
    } catch (const Diverged&) {
      ctx.warn("the L-BFGS-B polish diverged; returning the unpolished point");
    }
  }
  ctx.setMethod(o.method, rationale);
  Vector g;
  const double fx = obj.valueGrad(r.x, g);
  const Kkt k = kktAt(g, {}, p.bounds, r.x);
  ctx.diagnostic("seed", static_cast<std::int64_t>(o.seed));
  ctx.diagnostic("kkt_stationarity", k.stationarity);
  ctx.diagnostic("nfev", static_cast<std::int64_t>(obj.nfev()));
  if (obj.model()) {
    ctx.diagnostic("gradient", obj.gradientText());
    obj.model()->report(ctx);
  }
  if (r.maxiter)
    ctx.warn("maximum number of iterations reached: " + r.message +
             "; the global minimum may not be found");
  if (k.stationarity > 1e-4)
    ctx.warn(
        "the returned point is not a local minimum to first order (projected gradient residual " +
        num(k.stationarity) + "); enable polish or raise maxiter");
  ctx.output("x", r.x);
  ctx.output("fun", fx);
  ctx.output("nit", static_cast<std::int64_t>(r.nit));
  ctx.output("nfev", static_cast<std::int64_t>(obj.nfev()));
  ctx.output("success", r.success && !r.maxiter);
  ctx.output("message", r.message);
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec globalMinimizeTask() {
  TaskSpec t;
  t.id = "global_minimize";
  t.summary =
      "Global minimisation on a box: differential evolution, multistart, DIRECT-L, CRS2, ISRES.";
  t.doc =
      "Searches the whole box given by `bounds` for the lowest value of `objective`. Deterministic "
      "for a given "
      "`seed` (default: the workflow's per-step seed).\n\n"
      "Methods: **differential_evolution** (SciPy's best1bin: Latin-hypercube initial population "
      "of popsize*n "
      "members, dithered mutation F in [0.5, 1), crossover 0.7, stops when std(energies) <= "
      "tol*|mean|), "
      "**multistart** (L-BFGS-B from `popsize` Latin-hypercube points), **GN_DIRECT_L** (NLopt, "
      "deterministic "
      "box subdivision; good in low dimension), **GN_CRS2_LM** (controlled random search), "
      "**GN_ISRES** "
      "(evolution strategy). With `polish` the best point is refined by L-BFGS-B inside the "
      "box.\n\n"
      "How to choose: `auto` uses differential evolution up to 30 variables and multistart beyond; "
      "DIRECT-L "
      "is a good deterministic alternative for n <= 5 with a cheap objective; multistart suits "
      "smooth "
      "objectives with few basins.";
  t.params = {
      ParamSpec::make("objective", ParamType::Expression)
          .req()
          .describe("Objective f(variables) to minimise."),
      ParamSpec::make("variables", ParamType::StringList).req().describe("Names of the unknowns."),
      ParamSpec::make("bounds", ParamType::Any)
          .req()
          .describe("One finite [lo, hi] pair per variable (the search box)."),
      ParamSpec::make("method", ParamType::String)
          .oneOf({"auto", "differential_evolution", "multistart", "GN_DIRECT_L", "GN_CRS2_LM",
                  "GN_ISRES"})
          .def("auto")
          .describe("Global method (case-insensitive)."),
      ParamSpec::make("seed", ParamType::Integer)
          .range(0, std::nullopt)
          .describe("Random seed; the same seed gives the same result."),
      ParamSpec::make("maxiter", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("DE: generations (default 1000); NLopt methods: evaluations (default 2000 n)."),
      ParamSpec::make("popsize", ParamType::Integer)
          .def(15)
          .range(1, std::nullopt)
          .describe(
              "DE population multiplier (population = popsize * n); multistart: number of starts."),
      ParamSpec::make("tol", ParamType::Number)
          .def(0.01)
          .positive()
          .describe("DE relative convergence tolerance on the spread of the population's objective "
                    "values."),
      ParamSpec::make("polish", ParamType::Boolean)
          .def(true)
          .describe("Refine the best point with L-BFGS-B."),
      ParamSpec::make("constants", ParamType::Map)
          .describe("Named constants usable in the objective."),
  };
  t.outputs = {
      {"x", ValueKind::Vector, "Best point found."},
      {"fun", ValueKind::Scalar, "Objective at x."},
      {"nit", ValueKind::Integer, "Generations (DE), starts (multistart) or evaluations (NLopt)."},
      {"nfev", ValueKind::Integer, "Objective evaluations."},
      {"success", ValueKind::Bool, "The method met its convergence criterion."},
      {"message", ValueKind::String, "Why the method stopped."},
  };
  t.run = runGlobal;
  t.select = selectGlobal;
  t.analyze = analyzeGlobal;
  t.validate = validateGlobal;
  return t;
}

}  // namespace sciagents::core::agents::opt
