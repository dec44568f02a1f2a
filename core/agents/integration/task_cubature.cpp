// integration.cubature: adaptive n-D cubature (Genz-Malik) on boxes, infinite bounds by mapping.
#include "core/agents/integration/cubature_core.h"
#include "core/agents/integration/integ_common.h"
#include "core/agents/integration/quad_core.h"
#include "core/agents/integration/tasks.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::integ {

namespace {
constexpr std::size_t kMaxDim = 12;  // 2^d corner points per region: beyond this use monte_carlo

struct CubatureProblem {
  std::vector<std::string> vars;
  std::shared_ptr<const Expression> f;
  Bounds bounds;
  double epsabs, epsrel;
  std::int64_t maxeval;
  std::string method;
};

CubatureProblem readCubature(const TaskContext& ctx) {
  std::vector<std::string> vars = readVars(ctx);
  if (vars.size() > kMaxDim)
    throw paramError("vars", std::to_string(vars.size()) +
                                 " variables: the Genz-Malik rule needs 2^d points per "
                                 "region, use integration.monte_carlo (method qmc) above d = " +
                                 std::to_string(kMaxDim));
  CubatureProblem p{vars,
                    compileIntegrand(ctx, "f", vars),
                    readBounds(ctx, vars.size(), true),
                    ctx.number("epsabs"),
                    ctx.number("epsrel"),
                    ctx.integer("maxeval"),
                    ctx.text("method")};
  if (p.epsabs <= 0 && p.epsrel <= 0)
    throw paramError("epsabs", "epsabs and epsrel cannot both be 0");
  if (p.method == "genz_malik" && p.vars.size() < 2)
    throw paramError("method",
                     "genz_malik needs at least 2 variables; use gauss_kronrod (or auto) for one");
  if (p.method == "gauss_kronrod" && p.vars.size() != 1)
    throw paramError("method",
                     "gauss_kronrod integrates one variable; use genz_malik (or auto) for " +
                         std::to_string(p.vars.size()));
  return p;
}

std::int64_t genzMalikPoints(std::int64_t d) {
  return 1 + 4 * d + 2 * d * (d - 1) + (std::int64_t{1} << d);
}

// The auto choice: run calls it directly and the select hook wraps it, so both always agree.
MethodChoice chooseCubature(const CubatureProblem& p) {
  const auto d = static_cast<std::int64_t>(p.vars.size());
  if (d == 1)
    return {"gauss_kronrod",
            "one variable: adaptive 21-point Gauss-Kronrod (the Genz-Malik rule needs d >= 2)",
            {}};
  std::string why = std::to_string(d) +
                    " variables: adaptive Genz-Malik degree-7 rule with embedded degree-5 error "
                    "estimate (" +
                    std::to_string(genzMalikPoints(d)) +
                    " points per region), bisecting the worst "
                    "region along its roughest axis";
  if (d > 7)
    why +=
        "; above d = 7 its 2^d points per region make integration.monte_carlo (qmc) usually "
        "cheaper";
  else if (p.maxeval < 8 * genzMalikPoints(d))
    why += "; maxeval = " + std::to_string(p.maxeval) +
           " allows fewer than 8 regions, expect a loose error bound";
  return {"genz_malik", why, {}};
}

// Infinite axes are mapped onto finite ones: (-inf, inf) by x = t/(1-t^2), t in (-1, 1);
// [a, inf) by x = a + t/(1-t), t in [0, 1); (-inf, b] by x = b - t/(1-t).
struct Mapped {
  std::vector<double> lo, hi;
  IntegrandN f;
  bool transformed = false;
};

Mapped mapProblem(const CubatureProblem& p) {
  Mapped m;
  const std::size_t d = p.bounds.size();
  std::vector<int> kind(d, 0);
  for (std::size_t i = 0; i < d; ++i) {
    const double a = p.bounds[i][0], b = p.bounds[i][1];
    kind[i] = std::isinf(a) && std::isinf(b) ? 3 : std::isinf(b) ? 1 : std::isinf(a) ? 2 : 0;
    m.transformed = m.transformed || kind[i] != 0;
    m.lo.push_back(kind[i] == 3 ? -1.0 : kind[i] ? 0.0 : a);
    m.hi.push_back(kind[i] ? 1.0 : b);
  }
  auto x = std::make_shared<std::vector<double>>(d);
  m.f = [&p, kind, x, d](const double* t) {
    double jac = 1;
    for (std::size_t i = 0; i < d; ++i) {
      const double s = t[i];
      switch (kind[i]) {
        case 3: {
          const double q = 1 - s * s;
          (*x)[i] = s / q;
          jac *= (1 + s * s) / (q * q);
          break;
        }
        case 1: {
          const double q = 1 - s;
          (*x)[i] = p.bounds[i][0] + s / q;
          jac /= q * q;
          break;
        }
        case 2: {
          const double q = 1 - s;
          (*x)[i] = p.bounds[i][1] - s / q;
          jac /= q * q;
          break;
        }
        default:
          (*x)[i] = s;
      }
    }
    return p.f->eval(x->data()) * jac;
  };
  return m;
}

void runCubature(TaskContext& ctx) {
  const CubatureProblem p = readCubature(ctx);
  const Mapped m = mapProblem(p);
  const std::size_t d = p.vars.size();
  double value = 0, abserr = 0;
  std::int64_t neval = 0;
  bool converged = false;
  std::string method = p.method;
  if (method == "auto") {
    const MethodChoice c = chooseCubature(p);
    method = c.method;
    ctx.setMethod(method, c.rationale);
  } else {
    ctx.setMethod(method, "requested");
  }
  if (method == "gauss_kronrod") {
    QuadOptions o;
    o.epsabs = p.epsabs, o.epsrel = p.epsrel, o.ctx = &ctx;
    o.limit = static_cast<int>(std::max<std::int64_t>(1, p.maxeval / 42));
    const QuadResult r = integrate1d(
        "gauss_kronrod", [&](double t) { return m.f(&t); }, m.lo[0], m.hi[0], o);
    value = r.value, abserr = r.abserr, neval = r.neval, converged = r.converged;
    ctx.diagnostic("regions", r.intervals);
  } else {
    const CubatureResult r = genzMalik(m.f, m.lo, m.hi, p.epsabs, p.epsrel, p.maxeval, &ctx);
    value = r.value, abserr = r.abserr, neval = r.neval, converged = r.converged;
    ctx.diagnostic("regions", r.regions);
  }
  abserr = std::max(abserr, 50 * std::numeric_limits<double>::epsilon() * std::abs(value));
  if (m.transformed)
    ctx.diagnostic("transformation", "infinite bounds mapped onto finite ones (rational maps)");
  ctx.output("value", value);
  ctx.output("abserr", abserr);
  ctx.output("neval", neval);
  ctx.diagnostic("neval", neval);
  const double target = std::max(p.epsabs, p.epsrel * std::abs(value));
  if (!converged || abserr > target)
    ctx.warn("requested tolerance not met: abserr " + formatPrecise(abserr) +
             " > max(epsabs, epsrel |value|) = " + formatPrecise(target) + " after " +
             std::to_string(neval) +
             " evaluations (raise maxeval, or use monte_carlo for rough integrands)");
  if (d > 7)
    ctx.warn("d = " + std::to_string(d) +
             ": Genz-Malik cost grows like 2^d per region; monte_carlo (qmc) is "
             "usually cheaper above d = 7");
}

}  // namespace

TaskSpec cubatureTask() {
  TaskSpec t;
  t.id = "cubature";
  t.summary = "Adaptive n-D cubature over a box (Genz-Malik), with an error estimate.";
  t.doc =
      "Integrates f(vars) over the box given by `bounds` (one [lo, hi] per variable; infinite ends "
      "are mapped "
      "onto finite ones by x = t/(1-t^2) or a + t/(1-t)). For d >= 2 the Genz-Malik degree-7 rule "
      "(embedded "
      "degree-5 rule for the error, 1 + 4d + 2d(d-1) + 2^d points per region) is applied "
      "adaptively: the region "
      "with the largest error is bisected along the axis with the largest fourth difference, until "
      "abserr <= max(epsabs, epsrel |value|) or maxeval evaluations. One variable falls back to "
      "adaptive "
      "Gauss-Kronrod.\n\n"
      "How to choose: `method: auto` (algorithm_selector) takes gauss_kronrod for one variable and "
      "genz_malik "
      "otherwise, saying when d > 7 or a small maxeval make another route better. Use cubature for "
      "smooth "
      "integrands in 2-7 dimensions when you want many digits; "
      "integration.monte_carlo (qmc) for d > 7, for discontinuous integrands or when a few digits "
      "are enough; "
      "nested integration.quad steps when the inner integral has a singularity.";
  t.params = {
      ParamSpec::make("f", ParamType::Expression)
          .req()
          .describe("Integrand, an expression in vars."),
      ParamSpec::make("vars", ParamType::StringList)
          .req()
          .describe("Variable names, e.g. [\"x\", \"y\"]."),
      ParamSpec::make("bounds", ParamType::Any)
          .req()
          .describe("One [lo, hi] per variable; numbers, \"-inf\"/\"inf\" or constant expressions "
                    "(\"pi\")."),
      ParamSpec::make("epsabs", ParamType::Number)
          .def(1.49e-8)
          .range(0.0, std::nullopt)
          .describe("Absolute error target."),
      ParamSpec::make("epsrel", ParamType::Number)
          .def(1.49e-8)
          .range(0.0, std::nullopt)
          .describe("Relative error target."),
      ParamSpec::make("maxeval", ParamType::Integer)
          .def(2000000)
          .range(1, std::nullopt)
          .describe("Upper limit on integrand evaluations."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "genz_malik", "gauss_kronrod"})
          .def("auto")
          .describe("genz_malik (d >= 2), gauss_kronrod (d = 1); auto picks by dimension and "
                    "explains why."),
      ParamSpec::make("constants", ParamType::Map).describe("Named constants used in f."),
  };
  t.outputs = {
      {"value", ValueKind::Scalar, "The integral."},
      {"abserr", ValueKind::Scalar,
       "Error estimate: sum over regions of |degree-7 - degree-5| (|degree-5 - degree-3| where "
       "larger and the region is not resolved)."},
      {"neval", ValueKind::Integer, "Number of integrand evaluations."},
  };
  t.run = runCubature;
  t.analyze = [](const TaskContext& ctx) {
    const CubatureProblem p = readCubature(ctx);
    Map m;
    const auto d = static_cast<std::int64_t>(p.vars.size());
    bool inf = false;
    for (const auto& b : p.bounds) inf = inf || std::isinf(b[0]) || std::isinf(b[1]);
    m["dimension"] = d;
    m["infinite_bounds"] = inf;
    m["points_per_region"] = d == 1 ? std::int64_t{21} : genzMalikPoints(d);
    m["recommendation"] = d <= 7 ? "cubature (Genz-Malik)" : "monte_carlo (qmc)";
    return m;
  };
  t.select = [](const TaskContext& ctx) { return chooseCubature(readCubature(ctx)); };
  t.validate = [](const TaskContext& ctx, const Map& outputs) -> std::vector<ValidationCheck> {
    if (!outputs.count("value") || !outputs.count("abserr")) return {};
    const CubatureProblem p = readCubature(ctx);
    const Mapped m = mapProblem(p);
    ValidationCheck c;
    c.name = "refined_difference";
    const double tol = std::max(1e-13, p.epsrel * 1e-2);
    if (p.vars.size() == 1) {
      QuadOptions o;
      o.epsabs = p.epsabs * 1e-2, o.epsrel = tol, o.limit = 2000;
      const QuadResult r = integrate1d(
          "tanh_sinh", [&](double t) { return m.f(&t); }, m.lo[0], m.hi[0], o);
      c.value = std::abs(r.value - outputs.at("value").asDouble());
      c.limit = outputs.at("abserr").asDouble() + r.abserr;
      c.detail = "recomputed with tanh_sinh: " + formatPrecise(r.value);
    } else {
      const CubatureResult r =
          genzMalik(m.f, m.lo, m.hi, p.epsabs * 1e-2, tol, 4 * p.maxeval, nullptr);
      c.value = std::abs(r.value - outputs.at("value").asDouble());
      c.limit = outputs.at("abserr").asDouble() + r.abserr;
      c.detail = "recomputed with 100x tighter tolerance (" + std::to_string(r.neval) +
                 " evaluations): " + formatPrecise(r.value);
    }
    c.passed = c.value <= c.limit;
    return {c};
  };
  return t;
}

}  // namespace sciagents::core::agents::integ
