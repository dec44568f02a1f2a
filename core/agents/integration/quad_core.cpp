#include "core/agents/integration/quad_core.h"

#include "core/agents/integration/integ_common.h"
#include "core/agents/integration/tanh_sinh_rule.h"
#include "core/util/error.h"

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <span>

namespace sciagents::core::agents::integ {

namespace {

struct Piece {
  double a, b, value, err, l1;
  bool operator<(const Piece& o) const { return err < o.err; }
};

// One GK21 rule on [a, b]. Error: the larger of |K21 - G10| and QUADPACK's
// resasc min(1, (200 |K21 - G10| / resasc)^1.5) (resasc = integral of |f - mean|, which is larger
// where the interval is not resolved yet, e.g. across a jump), plus what the 21 nodes cannot see:
// the gaps between each end and its outermost node (0.2 % of the width). A jump inside such a gap
// leaves every node on one side. Where f is finite at the end and differs from the outermost node
// by more than the outermost node from the next one (a smooth f changes by ~0.2 of that there),
// the gap width times that difference - the jump times the gap, the actual error - is added.
Piece gk21(const Integrand& f, double a, double b, std::int64_t& neval) {
  using K = boost::math::quadrature::gauss_kronrod<double, 21>;
  using G = boost::math::quadrature::gauss<double, 10>;
  const auto& x = K::abscissa();
  const auto& wk = K::weights();
  const auto& wg = G::weights();
  const double c = 0.5 * (a + b), h = 0.5 * (b - a);
  auto eval = [&](double t) {
    const double y = f(c + h * t);
    ++neval;
    if (!std::isfinite(y))
      throw Error(ErrorCode::RunFailed,
                  "the integrand is " + formatPrecise(y) + " at x = " + formatPrecise(c + h * t) +
                      " (inside the range); split the range there (points) or use tanh_sinh");
    return y;
  };
  const double f0 = eval(0.0);
  double fv[2 * 21];
  fv[0] = f0;
  double k = f0 * wk[0], g = 0, l1 = std::abs(f0) * wk[0];
  for (std::size_t i = 1; i < x.size(); ++i) {
    const double fp = eval(x[i]), fm = eval(-x[i]);
    fv[2 * i - 1] = fp, fv[2 * i] = fm;
    k += (fp + fm) * wk[i];
    l1 += (std::abs(fp) + std::abs(fm)) * wk[i];
    if (i % 2 == 1) g += (fp + fm) * wg[i / 2];
  }
  const double mean = 0.5 * k;  // the K21 weights sum to 2
  double resasc = wk[0] * std::abs(f0 - mean);
  for (std::size_t i = 1; i < x.size(); ++i)
    resasc += wk[i] * (std::abs(fv[2 * i - 1] - mean) + std::abs(fv[2 * i] - mean));
  resasc *= h;
  const double kg = std::abs(k - g) * h;
  const double quadpack =
      resasc > 0 ? resasc * std::min(1.0, std::pow(200 * kg / resasc, 1.5)) : kg;
  // The end gaps, where f is finite at the end (not at a singular end or a mapped infinite one).
  const std::size_t last = x.size() - 1;
  const double gap = h * (1 - x[last]);
  double unseen = 0;
  const double fa = f(a), fb = f(b);
  neval += 2;
  auto jumpInGap = [&](double f_end, double f_out, double f_next) {
    const double d = std::abs(f_end - f_out);
    return std::isfinite(f_end) && d > std::abs(f_out - f_next) ? gap * d : 0.0;
  };
  unseen += jumpInGap(fa, fv[2 * last], fv[2 * last - 2]);
  unseen += jumpInGap(fb, fv[2 * last - 1], fv[2 * last - 3]);
  const double err = std::max({kg, quadpack, 50 * kEps * l1 * h}) + unseen;
  return {a, b, k * h, err, l1 * h};
}

QuadResult gaussKronrod(const Integrand& f0, double a, double b, const QuadOptions& o) {
  // Map infinite ranges onto finite ones; the GK nodes never touch the (singular) mapped ends.
  Integrand f = f0;
  if (std::isinf(a) && std::isinf(b)) {
    f = [&f0](double t) {
      const double d = 1 - t * t;
      return f0(t / d) * (1 + t * t) / (d * d);
    };
    a = -1, b = 1;
  } else if (std::isinf(b)) {
    f = [&f0, a](double t) {
      const double d = 1 - t;
      return f0(a + t / d) / (d * d);
    };
    a = 0, b = 1;
  } else if (std::isinf(a)) {
    f = [&f0, b](double t) {
      const double d = 1 - t;
      return f0(b - t / d) / (d * d);
    };
    a = 0, b = 1;
  }
  QuadResult r;
  std::vector<double> cuts{a};
  for (double p : o.points)
    if (p > a && p < b) cuts.push_back(p);
  cuts.push_back(b);
  std::sort(cuts.begin(), cuts.end());
  std::priority_queue<Piece> heap;
  double value = 0, err = 0, l1 = 0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    if (!(cuts[i + 1] > cuts[i])) continue;
    const Piece p = gk21(f, cuts[i], cuts[i + 1], r.neval);
    value += p.value, err += p.err, l1 += p.l1;
    heap.push(p);
  }
  while (err > quadTarget(o, value) && static_cast<int>(heap.size()) < o.limit) {
    if (o.ctx) o.ctx->checkCancelled();
    const Piece w = heap.top();
    const double m = 0.5 * (w.a + w.b);
    if (!(m > w.a && m < w.b)) break;  // interval cannot be split further in double precision
    heap.pop();
    const Piece l = gk21(f, w.a, m, r.neval), rr = gk21(f, m, w.b, r.neval);
    value += l.value + rr.value - w.value;
    err += l.err + rr.err - w.err;
    l1 += l.l1 + rr.l1 - w.l1;
    heap.push(l);
    heap.push(rr);
  }
  // Re-sum to remove the drift of the running updates.
  value = err = l1 = 0;
  r.intervals = static_cast<std::int64_t>(heap.size());
  while (!heap.empty()) {
    value += heap.top().value, err += heap.top().err, l1 += heap.top().l1;
    heap.pop();
  }
  r.value = value, r.abserr = err, r.l1 = l1;
  r.converged = err <= quadTarget(o, value);
  return r;
}

template <typename Run>
QuadResult deRun(const QuadOptions& o, Run run) {
  QuadResult r;
  double err = 0, l1 = 0;
  std::size_t levels = 0;
  // Boost's DE rules stop on a relative test err <= tol * L1.
  const double tol = std::max(o.epsrel, 4 * kEps);
  try {
    r.value = run(tol, &err, &l1, &levels);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::RunFailed,
                std::string("double-exponential quadrature failed: ") + e.what());
  }
  if (!std::isfinite(r.value))
    throw Error(ErrorCode::RunFailed, "double-exponential quadrature returned " +
                                          formatPrecise(r.value) +
                                          " (the integrand overflows or is not integrable)");
  r.abserr = std::max(err, 4 * kEps * l1);
  r.l1 = l1;
  r.intervals = static_cast<std::int64_t>(levels);
  r.converged = r.abserr <= std::max(quadTarget(o, r.value), tol * l1);
  return r;
}

BatchIntegrand pointByPoint(const Integrand& f) {
  return [&f](const double* x, double* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = f(x[i]);
  };
}

}  // namespace

double quadTarget(const QuadOptions& o, double value) {
  return std::max(o.epsabs, o.epsrel * std::abs(value));
}

QuadResult integrate1d(const std::string& method, const Integrand& f0, double a, double b,
                       const QuadOptions& o) {
  std::int64_t neval = 0;
  // A lambda with one fixed signature: Boost's DE rules probe f(x, xc) overloads by SFINAE.
  const auto f = [&](double x) {
    ++neval;
    return f0(x);
  };
  QuadResult r;
  if (method == "gauss_kronrod") {
    r = gaussKronrod(f0, a, b, o);
    return r;
  }
  if (method == "tanh_sinh" && (std::isinf(a) || std::isinf(b))) {
    // Infinite ends: Boost's tanh_sinh maps them onto a finite range itself.
    thread_local boost::math::quadrature::tanh_sinh<double>
        ts;  // abscissas are cached: build once per thread
    r = deRun(o, [&](double tol, double* e, double* l, std::size_t* lv) {
      return ts.integrate(f, a, b, tol, e, l, lv);
    });
  } else if (method == "tanh_sinh") {
    const BatchIntegrand by_point = o.many ? BatchIntegrand{} : pointByPoint(f0);
    const BatchIntegrand& many = o.many ? o.many : by_point;
    // [a, b] split at the break points (no allocation without them).
    const double ends[2] = {a, b};
    std::vector<double> split;
    std::span<const double> cuts(ends);
    if (!o.points.empty()) {
      split.push_back(a);
      for (double p : o.points)
        if (p > a && p < b) split.push_back(p);
      split.push_back(b);
      std::sort(split.begin(), split.end());
      cuts = split;
    }
    const double tol =
        std::max(o.epsrel, 4 * kEps);  // relative test err <= tol * L1, as Boost's DE rules
    r.rate_estimate = true;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
      if (!(cuts[i + 1] > cuts[i])) continue;  // a repeated break point
      const TanhSinhResult p = tanhSinh(many, cuts[i], cuts[i + 1], tol, o.ctx);
      r.value += p.value, r.abserr += p.abserr, r.l1 += p.l1, neval += p.neval,
          r.end_tail += p.truncation_tail;
      r.intervals = std::max<std::int64_t>(r.intervals, p.levels);
      r.rate_estimate = r.rate_estimate && p.rate_estimate;
      if (cuts[i] == a) r.closest_a = p.closest_a;
      r.closest_b = p.closest_b;
    }
    // The tail beyond the closest nodes is in abserr but no rule can shrink it: the task reports it
    // (endpoint_tail_estimate, with a warning when it matters) instead of cross-checking.
    r.converged =
        r.rate_estimate && r.abserr - r.end_tail <= std::max(quadTarget(o, r.value), tol * r.l1);
  } else if (method == "exp_sinh") {
    thread_local boost::math::quadrature::exp_sinh<double> es;
    r = deRun(o, [&](double tol, double* e, double* l, std::size_t* lv) {
      return es.integrate(f, a, b, tol, e, l, lv);
    });
  } else if (method == "sinh_sinh") {
    thread_local boost::math::quadrature::sinh_sinh<double> ss;
    r = deRun(o, [&](double tol, double* e, double* l, std::size_t* lv) {
      return ss.integrate(f, tol, e, l, lv);
    });
  } else {
    throw Error(ErrorCode::InvalidInput, "unknown quadrature method '" + method + "'");
  }
  r.neval = neval;
  return r;
}

EndpointProbe probeEndpoints(const Integrand& f, double a, double b) {
  return probeEndpoints(pointByPoint(f), a, b);
}

EndpointProbe probeEndpoints(const BatchIntegrand& f, double a, double b) {
  EndpointProbe p;
  const double len = b - a;
  // The interior scale (0.5, 0.3, 0.7 of the range), then per end: the end itself and 1e-10, 1e-7,
  // 1e-4 of the length inside it. All 11 values in one batch.
  const double x[11] = {a + 0.5 * len,   a + 0.3 * len,  a + 0.7 * len,  a,
                        a + 1e-10 * len, a + 1e-7 * len, a + 1e-4 * len, b,
                        b - 1e-10 * len, b - 1e-7 * len, b - 1e-4 * len};
  double y[11];
  f(x, y, 11);
  const double mid = y[0], q1 = y[1], q3 = y[2];
  const double scale = std::max({std::abs(mid), std::abs(q1), std::abs(q3), 1e-300});
  auto probe = [&](double end, const double* v, bool& singular, std::string& note) {
    const double at = v[0], n10 = v[1], n7 = v[2], n4 = v[3];
    if (!std::isfinite(n10) || !std::isfinite(n7) || !std::isfinite(n4)) {
      singular = true;
      note = "f is not finite just inside the end x = " + formatPrecise(end);
    } else if (!std::isfinite(at)) {
      singular = true;
      note = "f(x = " + formatPrecise(end) + ") = " + formatPrecise(at);
    } else if (std::abs(n10 - n7) > 1e-4 * std::max(scale, std::abs(n7)) ||
               std::abs(n10) > 10 * std::max(scale, std::abs(n4))) {
      singular = true;
      note = "f changes from " + formatPrecise(n4) + " to " + formatPrecise(n10) + " within " +
             formatPrecise(1e-4 * std::abs(len)) + " of x = " + formatPrecise(end) +
             " (endpoint singularity)";
    }
  };
  probe(a, y + 3, p.singular_a, p.note_a);
  probe(b, y + 7, p.singular_b, p.note_b);
  return p;
}

}  // namespace sciagents::core::agents::integ
