#include "core/agents/integration/tanh_sinh_rule.h"

#include "core/agents/integration/integ_common.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace sciagents::core::agents::integ {

namespace {

constexpr double kTMax = 5.0;  // complement 1 - tanh(pi/2 sinh 5) ~ 1e-101
constexpr int kShallow = 8;    // rows built on first use; deeper ones on first need
constexpr int kDeepest = 12;
// The convergence model is established by two consecutive fast, non-growing ratios of the level
// differences (level >= 3); one ratio, however small, can be a chance agreement of two levels that
// both miss the integrand's features (see tanh_sinh_rule.h).
constexpr double kSteadyRatio = 0.1;
// A difference this small (in units of eps times the integral of |f|) is rounding noise: its ratio
// to the one before says nothing about the rate.
constexpr double kNoiseFloor = 16;

// Nodes of one row for t > 0: comp = 1 - tanh(u) (distance from the end over the half-length,
// accurate down to 1e-101), w = pi/2 cosh t / cosh^2 u, u = pi/2 sinh t. Row 0: t = 1..5; row k:
// odd multiples of 2^-k.
struct Row {
  std::vector<double> comp, w;
};

Row buildRow(int k) {
  Row r;
  const double h = std::ldexp(1.0, -k);
  const int stride = k == 0 ? 1 : 2;
  for (int j = 1; j * h <= kTMax; j += stride) {
    const double t = j * h;
    const double u = std::numbers::pi / 2 * std::sinh(t);
    const double cu = std::cosh(u);
    r.comp.push_back(1 / (std::exp(u) * cu));
    r.w.push_back(std::numbers::pi / 2 * std::cosh(t) / (cu * cu));
  }
  return r;
}

std::vector<Row> buildRows(int from, int to) {
  std::vector<Row> rows;
  for (int k = from; k <= to; ++k) rows.push_back(buildRow(k));
  return rows;
}

const Row& row(int k) {
  static const std::vector<Row> shallow = buildRows(0, kShallow);
  if (k <= kShallow) return shallow[static_cast<std::size_t>(k)];
  static const std::vector<Row> deep = buildRows(kShallow + 1, kDeepest);
  return deep[static_cast<std::size_t>(k - kShallow - 1)];
}

}  // namespace

TanhSinhResult tanhSinh(const std::function<void(const double*, double*, std::size_t)>& f, double a,
                        double b, double tol, const TaskContext* ctx, int max_level) {
  max_level = std::clamp(max_level, 1, kDeepest);
  const double c = 0.5 * (a + b), d = 0.5 * (b - a);
  TanhSinhResult r;
  auto fail = [](double x, double y) {
    throw Error(ErrorCode::RunFailed,
                "the integrand is " + formatPrecise(y) + " at x = " + formatPrecise(x) +
                    " (tanh_sinh never evaluates the ends themselves); split the range there "
                    "(points) or check f for a singularity inside the range");
  };
  // The two nodes closest to each end (distance from the end, |f|), for the truncation tail.
  struct End {
    double dist[2] = {HUGE_VAL, HUGE_VAL}, absf[2] = {0, 0};  // [1] is the closest
    void add(double dst, double af) {
      if (dst < dist[1]) {
        dist[0] = dist[1], absf[0] = absf[1];
        dist[1] = dst, absf[1] = af;
      } else if (dst < dist[0]) {
        dist[0] = dst, absf[0] = af;
      }
    }
  } end_a, end_b;
  // One row is evaluated as one batch: xs holds its nodes in the order left, right of each
  // abscissa (after the centre for row 0), ys their values. Rows of up to level 5 fit the local
  // buffers; deeper ones use the heap.
  constexpr std::size_t kLocal = 256;
  double xs_local[kLocal], ys_local[kLocal];
  std::vector<double> xs_heap, ys_heap;
  double *xs = xs_local, *ys = ys_local;
  std::size_t nx = 0;
  auto reserve = [&](std::size_t n) {
    nx = 0;
    if (n <= kLocal) {
      xs = xs_local, ys = ys_local;
    } else {
      xs_heap.resize(n), ys_heap.resize(n);
      xs = xs_heap.data(), ys = ys_heap.data();
    }
  };
  auto evalBatch = [&] {
    f(xs, ys, nx);
    r.neval += static_cast<std::int64_t>(nx);
    for (std::size_t j = 0; j < nx; ++j)
      if (!std::isfinite(ys[j])) fail(xs[j], ys[j]);
  };
  // Sum of w f and w |f| over one row, both ends; nodes that round onto an end are skipped, and
  // comp decreases along the row, so the first node lost at both ends ends the row. `first` is
  // where the row's nodes start in xs/ys.
  auto gatherRow = [&](const Row& rw) {
    for (std::size_t i = 0; i < rw.comp.size(); ++i) {
      const double dx = d * rw.comp[i];
      const double xl = a + dx, xr = b - dx;
      const bool in_l = xl > a, in_r = xr < b;
      if (!in_l && !in_r) break;
      if (in_l) xs[nx++] = xl;
      if (in_r) xs[nx++] = xr;
    }
  };
  auto sumRow = [&](const Row& rw, std::size_t first, double& s, double& l) {
    std::size_t j = first;
    for (std::size_t i = 0; i < rw.comp.size(); ++i) {
      const double dx = d * rw.comp[i];
      const double xl = a + dx, xr = b - dx;
      const bool in_l = xl > a, in_r = xr < b;
      if (!in_l && !in_r) break;
      const double fl = in_l ? ys[j++] : 0.0, fr = in_r ? ys[j++] : 0.0;
      s += (fl + fr) * rw.w[i];
      l += (std::abs(fl) + std::abs(fr)) * rw.w[i];
      if (in_l) end_a.add(xl - a, std::abs(fl));
      if (in_r) end_b.add(b - xr, std::abs(fr));
    }
  };
  auto rowSum = [&](const Row& rw, double& s, double& l) {
    reserve(2 * rw.comp.size());
    gatherRow(rw);
    evalBatch();
    sumRow(rw, 0, s, l);
  };
  // Mass between an end and the closest node, which no level samples: with |f| ~ dist^-alpha there,
  // int_0^dist |f| = dist |f(dist)| / (1 - alpha), alpha from the two closest nodes.
  auto tail = [](const End& e) {
    if (!(e.dist[0] < HUGE_VAL) || !(e.dist[1] > 0)) return 0.0;
    const double alpha = e.absf[1] > e.absf[0] && e.absf[0] > 0
                             ? std::log(e.absf[1] / e.absf[0]) / std::log(e.dist[0] / e.dist[1])
                             : 0.0;
    return e.dist[1] * e.absf[1] / (1 - std::min(alpha, 0.99));
  };
  // Row 0 with the centre first.
  reserve(2 * row(0).comp.size() + 1);
  xs[nx++] = c;
  gatherRow(row(0));
  evalBatch();
  const double f0 = ys[0];
  double s = std::numbers::pi / 2 * f0, l = std::numbers::pi / 2 * std::abs(f0);
  sumRow(row(0), 1, s, l);
  double value = d * s, l1 = d * l;
  double diff_prev = 0, ratio_prev = std::numeric_limits<double>::infinity();
  double prev_err = std::numeric_limits<double>::infinity();
  bool prev_fast = false;
  int thrash = 0;
  for (int k = 1; k <= max_level; ++k) {
    if (ctx) ctx->checkCancelled();
    double rs = 0, rl = 0;
    // The tail (two logs per end) is only needed where a level is returned: keep the closest
    // nodes of the level before and compute it there.
    const End prev_a = end_a, prev_b = end_b;
    rowSum(row(k), rs, rl);
    r.closest_a = end_a.dist[1], r.closest_b = end_b.dist[1];
    const double h = std::ldexp(1.0, -k);
    const double next = 0.5 * value + d * h * rs, next_l1 = 0.5 * l1 + d * h * rl;
    if (!std::isfinite(next))
      throw Error(ErrorCode::RunFailed, "tanh_sinh: the sum is " + formatPrecise(next) +
                                            " (the integrand overflows or is not integrable)");
    const double diff = std::abs(next - value);
    if (k > 4 && diff > diff_prev && ++thrash > 1) {
      // The differences grow again: keep the level before, as Boost does.
      const double prev_tail = tail(prev_a) + tail(prev_b);
      r.value = value, r.l1 = l1, r.abserr = prev_err + prev_tail, r.levels = k,
      r.truncation_tail = prev_tail, r.rate_estimate = prev_fast;
      r.converged = prev_fast && prev_err <= tol * r.l1;
      return r;
    }
    // Convergence ratio of the integral. (The integral of |f| is no guard: it equals the integral
    // when f >= 0, and converges only algebraically where f changes sign.)
    const double ratio = diff_prev > 0 ? diff / diff_prev : std::numeric_limits<double>::infinity();
    const bool noise = diff <= kNoiseFloor * kEps * next_l1;
    const bool fast = k >= 3 && ratio_prev <= kSteadyRatio &&
                      (noise || (ratio <= kSteadyRatio && ratio <= ratio_prev));
    double err = diff;
    err = std::max(err, 4 * kEps * next_l1);
    value = next, l1 = next_l1;
    prev_err = err, prev_fast = fast;
    ratio_prev = ratio, diff_prev = diff;
    r.value = value, r.l1 = l1, r.levels = k + 1, r.rate_estimate = fast;
    if ((fast && err <= tol * l1) || k == max_level) {
      // Deeper levels hardly move the closest nodes: the tail only enters abserr.
      r.truncation_tail = tail(end_a) + tail(end_b);
      r.abserr = err + r.truncation_tail;
      r.converged = fast && err <= tol * l1;
      return r;
    }
  }
  return r;
}

}  // namespace sciagents::core::agents::integ
