// integration.quad: 1-D adaptive quadrature with an explained method choice and an honest error.
#include "core/agents/integration/integ_common.h"
#include "core/agents/integration/quad_core.h"
#include "core/agents/integration/tasks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace sciagents::core::agents::integ {

namespace {

struct Problem {
  std::shared_ptr<const Expression> f;
  double a, b;
  QuadOptions o;
};

BatchIntegrand wrapMany(const Expression& e) {
  return [&e](const double* x, double* y, std::size_t n) { e.evalMany(x, n, y); };
}

// The scalar parameters readProblem needs, found in one in-order pass over the resolved map (a
// tree lookup per name costs more on a call of a few microseconds). Missing values and failed
// conversions give the errors of TaskContext's accessors.
struct QuadParams {
  const Value *var = nullptr, *a = nullptr, *b = nullptr, *points = nullptr, *epsabs = nullptr,
              *epsrel = nullptr, *limit = nullptr;

  explicit QuadParams(const TaskContext& ctx) {
    for (const auto& [key, v] : ctx.params()) {
      const std::string_view k = key;
      if (k == "var")
        var = &v;
      else if (k == "a")
        a = &v;
      else if (k == "b")
        b = &v;
      else if (k == "points")
        points = &v;
      else if (k == "epsabs")
        epsabs = &v;
      else if (k == "epsrel")
        epsrel = &v;
      else if (k == "limit")
        limit = &v;
    }
  }
  static bool has(const Value* v) { return v && !v->isNull(); }
  static const Value& need(const Value* v, const char* name) {
    if (!has(v)) throw paramError(name, "required parameter is missing");
    return *v;
  }
  template <typename F>
  static auto convert(const char* name, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw paramError(name, e.what());
    }
  }
  static double number(const Value* v, const char* name) {
    return convert(name, [&] { return need(v, name).asDouble(); });
  }
};

Problem readProblem(const TaskContext& ctx) {
  const QuadParams q(ctx);
  const std::string var = QuadParams::convert(
      "var", [&]() -> const std::string& { return QuadParams::need(q.var, "var").asString(); });
  Problem p{compileIntegrand(ctx, "f", {var}),
            parseBound(QuadParams::need(q.a, "a"), "a"),
            parseBound(QuadParams::need(q.b, "b"), "b"),
            {}};
  if (p.a == p.b) return p;
  if (QuadParams::has(q.points)) {
    const Vector pts = ctx.vector("points");
    for (Eigen::Index i = 0; i < pts.size(); ++i) {
      const double x = pts[i];
      if (std::isinf(p.a) || std::isinf(p.b))
        throw paramError("points",
                         "break points need a finite range (as in SciPy); split the range instead");
      if (!(x > std::min(p.a, p.b) && x < std::max(p.a, p.b)))
        throw paramError("points", "break point " + formatPrecise(x) + " is outside (" +
                                       formatPrecise(p.a) + ", " + formatPrecise(p.b) + ")");
      p.o.points.push_back(x);
    }
  }
  p.o.epsabs = QuadParams::number(q.epsabs, "epsabs");
  p.o.epsrel = QuadParams::number(q.epsrel, "epsrel");
  if (p.o.epsabs <= 0 && p.o.epsrel <= 0)
    throw paramError("epsabs", "epsabs and epsrel cannot both be 0");
  p.o.limit = static_cast<int>(
      QuadParams::convert("limit", [&] { return QuadParams::need(q.limit, "limit").asInt(); }));
  p.o.ctx = &ctx;
  p.o.many = wrapMany(*p.f);
  return p;
}

Integrand wrap(const Expression& e) {
  return [&e](double x) { return e.eval(&x); };
}

// The auto choice; `run` calls this directly (no second compile of f) and the select hook wraps it,
// so both always agree. `probe_out` receives the end probe when one was made.
MethodChoice choose(const Problem& p, bool has_points, EndpointProbe* probe_out = nullptr) {
  const bool ia = std::isinf(p.a), ib = std::isinf(p.b);
  if (ia && ib)
    return {"sinh_sinh", "the range is (-inf, inf): sinh-sinh double-exponential rule", {}};
  if (ia || ib)
    return {"exp_sinh", "the range is half-infinite: exp-sinh double-exponential rule", {}};
  const double lo = std::min(p.a, p.b), hi = std::max(p.a, p.b);
  const EndpointProbe e = probeEndpoints(wrapMany(*p.f), lo, hi);
  if (probe_out) *probe_out = e;
  if (e.singular_a || e.singular_b) {
    std::string why = e.note_a;
    if (e.singular_b) why.append(why.empty() ? "" : "; ").append(e.note_b);
    why += ": tanh-sinh clusters nodes doubly exponentially at the ends and never evaluates them";
    return {"tanh_sinh", std::move(why), {}};
  }
  if (has_points)
    return {
        "gauss_kronrod",
        "finite range with given break points and bounded ends: adaptive Gauss-Kronrod (21 points) "
        "starting from the break points",
        {}};
  return {
      "gauss_kronrod",
      "finite range, f bounded and smooth near both ends (probed at 1e-10..1e-4 of the length): "
      "adaptive Gauss-Kronrod (21 points)",
      {}};
}

std::string secondMethod(const std::string& m, double a, double b) {
  if (m != "gauss_kronrod") return "gauss_kronrod";
  if (std::isinf(a) && std::isinf(b)) return "sinh_sinh";
  if (std::isinf(a) || std::isinf(b)) return "exp_sinh";
  return "tanh_sinh";
}

void checkMethodFits(const std::string& m, double a, double b) {
  const bool ia = std::isinf(a), ib = std::isinf(b);
  if (m == "exp_sinh" && !(ia != ib))
    throw paramError("method", "exp_sinh needs exactly one infinite end; got [" + formatPrecise(a) +
                                   ", " + formatPrecise(b) + "]");
  if (m == "sinh_sinh" && !(ia && ib))
    throw paramError("method", "sinh_sinh needs the range (-inf, inf); got [" + formatPrecise(a) +
                                   ", " + formatPrecise(b) + "]");
}

// Integrates over [min, max] and flips the sign for a > b.
QuadResult integrateSigned(const std::string& m, const Problem& p, const QuadOptions& o) {
  const double lo = std::min(p.a, p.b), hi = std::max(p.a, p.b);
  QuadResult r = integrate1d(m, wrap(*p.f), lo, hi, o);
  if (p.a > p.b) r.value = -r.value;
  return r;
}

// Mass within delta of a singular finite end that double precision cannot sample: with
// |f| ~ t^-alpha there, int_0^delta |f| = delta |f(delta)| / (1 - alpha). alpha comes from f at
// delta and 4 delta; delta is 16 representable steps from the end (no closer sample is meaningful).
double endTail(const Expression& f, double end, double dir) {
  const double step = std::abs(std::nextafter(end, end + dir) - end);
  const double d = 16 * step;
  const double x1 = end + dir * d, x4 = end + dir * 4 * d;
  const double y1 = std::abs(f.eval(&x1)), y4 = std::abs(f.eval(&x4));
  if (!std::isfinite(y1) || !std::isfinite(y4)) return std::numeric_limits<double>::infinity();
  const double alpha = y4 > 0 && y1 > y4 ? std::log(y1 / y4) / std::log(4.0) : 0.0;
  return d * y1 / (1 - std::min(alpha, 0.99));
}

void runQuad(TaskContext& ctx) {
  const Problem p = readProblem(ctx);
  if (p.a == p.b) {
    ctx.setMethod("none", "a == b: the integral is 0");
    ctx.output("value", 0.0);
    ctx.output("abserr", 0.0);
    ctx.diagnostic("neval", std::int64_t{0});
    return;
  }
  std::string method = ctx.text("method");
  std::optional<EndpointProbe> probe;
  if (method == "auto") {
    EndpointProbe e;
    MethodChoice c = choose(p, !p.o.points.empty(), &e);
    if (!std::isinf(p.a) && !std::isinf(p.b)) probe = std::move(e);
    method = c.method;
    ctx.setMethod(method, std::move(c.rationale));
  } else {
    checkMethodFits(method, p.a, p.b);
    ctx.setMethod(method, "requested");
  }
  ctx.progress(0.0, method);
  const bool finite = !std::isinf(p.a) && !std::isinf(p.b);
  if (finite && !probe)
    probe = probeEndpoints(wrapMany(*p.f), std::min(p.a, p.b), std::max(p.a, p.b));
  QuadResult r = integrateSigned(method, p, p.o);
  double value = r.value, abserr = r.abserr;
  std::int64_t neval = r.neval;
  ctx.diagnostic("method_abserr", r.abserr);
  ctx.diagnostic(method == "gauss_kronrod" ? "intervals" : "levels", r.intervals);
  if (method == "tanh_sinh")
    ctx.diagnostic("error_estimate", r.rate_estimate ? "converging_levels" : "last_two_levels");
  // The method's own estimate is not trusted when it did not converge: cross-check with another
  // rule and report the larger of the two error figures. tanh_sinh on a finite range with bounded
  // ends (a requested method, not the auto choice) is always cross-checked: a peak or a jump
  // inside the range that its coarse levels miss can look converged, and Gauss-Kronrod is the rule
  // that resolves interior features there.
  const bool interior_check =
      method == "tanh_sinh" && finite && !probe->singular_a && !probe->singular_b;
  double tail_in_abserr =
      r.end_tail;  // tanh_sinh: mass beyond its closest nodes, already in abserr
  if (!r.converged || interior_check) {
    tail_in_abserr = 0;  // abserr is rebuilt from both rules below
    const std::string other = secondMethod(method, p.a, p.b);
    try {
      const QuadResult c = integrateSigned(other, p, p.o);
      neval += c.neval;
      ctx.diagnostic("cross_check_method", other);
      ctx.diagnostic("cross_check_value", c.value);
      ctx.diagnostic("cross_check_abserr", c.abserr);
      const double diff = std::abs(c.value - r.value);
      if (c.converged && (!r.converged || c.abserr < r.abserr)) value = c.value;
      // A converged rule's estimate is the better bound; the difference of the two values bounds
      // the error of the worse one.
      const double best = c.converged && r.converged ? std::min(r.abserr, c.abserr)
                          : c.converged              ? c.abserr
                                                     : r.abserr;
      abserr = std::max(best, diff);
      if (!c.converged && !r.converged) {
        abserr = std::max({r.abserr, c.abserr, diff});
        ctx.diagnostic("error_bound", "unconfirmed");
        ctx.warn("neither " + method + " nor " + other + " converged: abserr (" +
                 formatPrecise(abserr) +
                 ") is the larger of their estimates and their difference, not a proven bound");
      }
    } catch (const Error& e) {
      ctx.diagnostic("cross_check_method", other);
      ctx.diagnostic("cross_check_failed", std::string(e.what()));
      if (!r.converged) {
        ctx.diagnostic("error_bound", "unconfirmed");
        ctx.warn(method + " did not converge and the cross-check with " + other +
                 " failed: abserr is " + method + "'s last difference, not a proven bound");
      }
    }
  }
  // Singular finite ends: add the unsampleable tail to the error and say so when it matters.
  if (finite) {
    const double lo = std::min(p.a, p.b), hi = std::max(p.a, p.b);
    const EndpointProbe& e = *probe;
    double tail = 0;
    std::string where;
    // The few-ulp estimate adds nothing where tanh_sinh's own tail (in abserr) already spans more
    // than those ulps.
    auto covered = [&](double end, double closest) {
      return tail_in_abserr > 0 && closest >= 16 * std::abs(std::nextafter(end, 0.0) - end);
    };
    if (e.singular_a) {
      where = formatPrecise(lo);
      if (!covered(lo, r.closest_a)) tail += endTail(*p.f, lo, 1.0);
    }
    if (e.singular_b) {
      where += (where.empty() ? "" : " and x = ") + formatPrecise(hi);
      if (!covered(hi, r.closest_b)) tail += endTail(*p.f, hi, -1.0);
    }
    const double shown = std::max(tail, tail_in_abserr);
    if (!where.empty() && shown > 0) {
      // tanh_sinh's abserr already holds the mass beyond its closest nodes: add only what the
      // few-ulp estimate finds beyond that.
      abserr += std::max(0.0, tail - tail_in_abserr);
      ctx.diagnostic("endpoint_tail_estimate", shown);
      if (shown > quadTarget(p.o, value) * 1e-2)
        ctx.warn("f is singular at x = " + where +
                 " and cannot be sampled closer than a few ulps of the end in double "
                 "precision; the unsampled part (~" +
                 formatPrecise(shown) +
                 ") is included in abserr. Rewrite f in terms of the "
                 "distance to the end (e.g. t = 1 - x) for full accuracy");
    }
  }
  ctx.output("value", value);
  ctx.output("abserr", abserr);
  ctx.diagnostic("neval", neval);
  ctx.diagnostic("l1_norm", r.l1);
  const double target = quadTarget(p.o, value);
  if (abserr > target)
    ctx.warn(
        "requested tolerance not met: abserr " + formatPrecise(abserr) +
        " > max(epsabs, epsrel |value|) = " + formatPrecise(target) +
        (method == "gauss_kronrod" ? " (raise limit, give break points, or try tanh_sinh)" : ""));
  if (r.l1 > 0 && std::abs(value) < 1e-8 * r.l1)
    ctx.warn("strong cancellation: |value| is " + formatPrecise(std::abs(value) / r.l1) +
             " of the integral of |f|; the relative "
             "error of value may be large");
  ctx.progress(1.0, "done");
}

Map analyzeQuad(const TaskContext& ctx) {
  const Problem p = readProblem(ctx);
  Map m;
  m["infinite_range"] = std::isinf(p.a) || std::isinf(p.b);
  if (!std::isinf(p.a) && !std::isinf(p.b) && p.a != p.b) {
    const EndpointProbe e = probeEndpoints(wrapMany(*p.f), std::min(p.a, p.b), std::max(p.a, p.b));
    m["singular_lower_end"] = e.singular_a;
    m["singular_upper_end"] = e.singular_b;
    if (!e.note_a.empty()) m["lower_end"] = e.note_a;
    if (!e.note_b.empty()) m["upper_end"] = e.note_b;
  }
  m["break_points"] = static_cast<std::int64_t>(p.o.points.size());
  return m;
}

std::vector<ValidationCheck> validateQuad(const TaskContext& ctx, const Map& outputs) {
  const Problem p = readProblem(ctx);
  const auto* v = outputs.count("value") ? &outputs.at("value") : nullptr;
  const auto* e = outputs.count("abserr") ? &outputs.at("abserr") : nullptr;
  if (!v || !e || p.a == p.b) return {};
  std::string used = ctx.text("method");
  if (used == "auto") used = choose(p, !p.o.points.empty()).method;
  const std::string other = secondMethod(used, p.a, p.b);
  QuadOptions tight = p.o;
  tight.epsrel = std::max(1e-14, p.o.epsrel * 1e-2);
  tight.epsabs = p.o.epsabs * 1e-2;
  tight.limit = std::max(p.o.limit, 500);
  ValidationCheck c;
  c.name = "independent_rule_difference";
  try {
    const QuadResult r = integrateSigned(other, p, tight);
    c.value = std::abs(r.value - v->asDouble());
    c.limit =
        e->asDouble() + r.abserr + 8 * std::numeric_limits<double>::epsilon() * std::abs(r.value);
    c.detail = "recomputed with " + other + " at epsrel " + formatPrecise(tight.epsrel) + ": " +
               formatPrecise(r.value) + " +- " + formatPrecise(r.abserr) +
               "; |difference| must not exceed the reported abserr plus the check's own error";
  } catch (const Error& ex) {
    c.value = std::numeric_limits<double>::infinity();
    c.limit = e->asDouble();
    c.detail = "the check with " + other + " failed: " + ex.what();
  }
  c.passed = c.value <= c.limit;
  return {c};
}

}  // namespace

TaskSpec quadTask() {
  TaskSpec t;
  t.id = "quad";
  t.summary =
      "1-D adaptive quadrature (finite or infinite range, endpoint singularities) with an honest "
      "error.";
  t.doc =
      "Integrates f(var) from a to b (either may be +-inf). Methods (Boost.Math): `gauss_kronrod` "
      "- globally "
      "adaptive 21-point Gauss-Kronrod, bisecting the interval with the largest error until "
      "abserr <= max(epsabs, epsrel |value|) or `limit` subintervals (like QUADPACK qag/qagp, "
      "infinite ranges by "
      "a rational map); `tanh_sinh` - double-exponential rule for endpoint singularities (log, "
      "1/sqrt, ...); "
      "`exp_sinh` - half-infinite ranges; `sinh_sinh` - (-inf, inf).\n\n"
      "How to choose: smooth integrand on a finite range -> gauss_kronrod (cheapest, most robust "
      "to mild kinks "
      "when break `points` are given); integrable blow-up or a derivative singularity at an end -> "
      "tanh_sinh; "
      "infinite range with smooth decay -> exp_sinh/sinh_sinh. `auto` probes f at 1e-10, 1e-7, "
      "1e-4 of the "
      "length from each end and picks as above, explaining why.\n\n"
      "Error: abserr is the method's estimate (gauss_kronrod: per interval the larger of "
      "|K21 - G10| and QUADPACK's resasc min(1, (200 |K21 - G10| / resasc)^1.5), plus a jump "
      "hidden between an end and the outermost node; for the DE rules the difference between the "
      "last two levels). On a finite range tanh_sinh claims convergence only when the level "
      "differences shrink fast over consecutive levels (diagnostic error_estimate) and adds the "
      "mass between each end and its closest node. When the method did not converge - and always "
      "for a requested tanh_sinh on a range with bounded ends - the integral is recomputed with a "
      "second rule and abserr is the larger of the better estimate and the difference; a warning "
      "says when the requested tolerance is not met or when neither rule converged (diagnostic "
      "error_bound: unconfirmed).";
  t.params = {
      ParamSpec::make("f", ParamType::Expression)
          .req()
          .describe("Integrand, an expression in `var` (and constants)."),
      ParamSpec::make("var", ParamType::String).def("x").describe("Integration variable name."),
      ParamSpec::make("a", ParamType::Any)
          .req()
          .describe("Lower limit: a number, \"-inf\"/\"inf\" or a constant expression (\"pi/2\")."),
      ParamSpec::make("b", ParamType::Any)
          .req()
          .describe("Upper limit: a number, \"inf\"/\"-inf\" or a constant expression."),
      ParamSpec::make("epsabs", ParamType::Number)
          .def(1.49e-8)
          .range(0.0, std::nullopt)
          .describe("Absolute error target (SciPy default)."),
      ParamSpec::make("epsrel", ParamType::Number)
          .def(1.49e-8)
          .range(0.0, std::nullopt)
          .describe("Relative error target (SciPy default); stop when abserr <= max(epsabs, epsrel "
                    "|value|)."),
      ParamSpec::make("limit", ParamType::Integer)
          .def(50)
          .range(1, 100000)
          .describe("Maximum number of subintervals of gauss_kronrod (SciPy's limit)."),
      ParamSpec::make("points", ParamType::Vector)
          .describe(
              "Interior break points where f has kinks, jumps or peaks (finite ranges only)."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "gauss_kronrod", "tanh_sinh", "exp_sinh", "sinh_sinh"})
          .def("auto")
          .describe("Quadrature rule; auto probes the ends and the range and explains its choice."),
      ParamSpec::make("constants", ParamType::Map)
          .describe("Named constants used in f, e.g. {\"k\": 2}."),
  };
  t.outputs = {
      {"value", ValueKind::Scalar, "The integral."},
      {"abserr", ValueKind::Scalar,
       "Estimate of the absolute error (the larger of two rules when cross-checked)."},
  };
  t.run = runQuad;
  t.analyze = analyzeQuad;
  t.select = [](const TaskContext& ctx) {
    const Problem p = readProblem(ctx);
    return choose(p, !p.o.points.empty());
  };
  t.validate = validateQuad;
  return t;
}

}  // namespace sciagents::core::agents::integ
