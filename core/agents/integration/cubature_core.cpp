#include "core/agents/integration/cubature_core.h"

#include "core/agents/integration/integ_common.h"
#include "core/util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <queue>

namespace sciagents::core::agents::integ {

namespace {

struct Region {
  std::vector<double> c, h;  // centre, half-widths
  double value = 0, err = 0;
  int split = 0;
  bool operator<(const Region& o) const { return err < o.err; }
};

class GenzMalik {
 public:
  GenzMalik(const IntegrandN& f, std::size_t d) : m_f(f), m_d(d), m_x(d) {
    const double dd = static_cast<double>(d);
    m_w1 = (12824 - 9120 * dd + 400 * dd * dd) / 19683;
    m_w2 = 980.0 / 6561;
    m_w3 = (1820 - 400 * dd) / 19683;
    m_w4 = 200.0 / 19683;
    m_w5 = 6859.0 / 19683 / std::ldexp(1.0, static_cast<int>(d));
    m_e1 = (729 - 950 * dd + 50 * dd * dd) / 729;
    m_e2 = 245.0 / 486;
    m_e3 = (265 - 100 * dd) / 1458;
    m_e4 = 25.0 / 729;
  }

  std::int64_t neval = 0;

  void apply(Region& r) {
    const double l2 = std::sqrt(9.0 / 70), l4 = std::sqrt(9.0 / 10), l5 = std::sqrt(9.0 / 19);
    double vol = 1;
    for (double h : r.h) vol *= 2 * h;
    const double f1 = at(r.c);
    double f2 = 0, f3 = 0, f4 = 0, f5 = 0, best = -1;
    for (std::size_t i = 0; i < m_d; ++i) {
      const double a = shifted(r, i, l2) + shifted(r, i, -l2),
                   b = shifted(r, i, l4) + shifted(r, i, -l4);
      f2 += a, f3 += b;
      // Fourth difference along axis i picks the split direction (ties: the widest axis).
      const double diff = std::abs(a - 2 * f1 - (l2 * l2 / (l4 * l4)) * (b - 2 * f1));
      const double score = diff + 1e-14 * r.h[i];
      if (score > best) best = score, r.split = static_cast<int>(i);
    }
    for (std::size_t i = 0; i < m_d; ++i)
      for (std::size_t j = i + 1; j < m_d; ++j)
        for (int si : {-1, 1})
          for (int sj : {-1, 1}) {
            m_x = r.c;
            m_x[i] += si * l4 * r.h[i];
            m_x[j] += sj * l4 * r.h[j];
            f4 += at(m_x);
          }
    const std::size_t corners = std::size_t{1} << m_d;
    for (std::size_t k = 0; k < corners; ++k) {
      for (std::size_t i = 0; i < m_d; ++i) m_x[i] = r.c[i] + ((k >> i) & 1 ? l5 : -l5) * r.h[i];
      f5 += at(m_x);
    }
    const double i7 = vol * (m_w1 * f1 + m_w2 * f2 + m_w3 * f3 + m_w4 * f4 + m_w5 * f5);
    const double i5 = vol * (m_e1 * f1 + m_e2 * f2 + m_e3 * f3 + m_e4 * f4);
    // Degree-3 rule on the centre and the 2d points at +-l4 (exact for x_i^2: weight 1/(6 l4^2)).
    const double w3 = 1 / (6 * l4 * l4);
    const double i3 = vol * ((1 - 2 * static_cast<double>(m_d) * w3) * f1 + w3 * f3);
    r.value = i7;
    // |I7 - I5| estimates the error only where the region is resolved: there the differences of
    // successive degrees shrink fast (|I7 - I5| ~ h^2 |I5 - I3|). Where they do not (a jump or a
    // peak across the region), |I7 - I5| can be small by chance: take the larger difference.
    const double e75 = std::abs(i7 - i5), e53 = std::abs(i5 - i3);
    r.err = e75 <= 0.1 * e53 ? e75 : std::max(e75, e53);
  }

 private:
  double at(const std::vector<double>& x) {
    const double y = m_f(x.data());
    ++neval;
    if (!std::isfinite(y)) {
      std::string where;
      for (double v : x) where += (where.empty() ? "" : ", ") + formatPrecise(v);
      throw Error(ErrorCode::RunFailed,
                  "the integrand is " + formatPrecise(y) + " at (" + where + ")");
    }
    return y;
  }
  double shifted(const Region& r, std::size_t i, double l) {
    m_x = r.c;
    m_x[i] += l * r.h[i];
    return at(m_x);
  }

  const IntegrandN& m_f;
  std::size_t m_d;
  std::vector<double> m_x;
  double m_w1, m_w2, m_w3, m_w4, m_w5, m_e1, m_e2, m_e3, m_e4;
};

}  // namespace

CubatureResult genzMalik(const IntegrandN& f, const std::vector<double>& lo,
                         const std::vector<double>& hi, double epsabs, double epsrel,
                         std::int64_t maxeval, TaskContext* ctx) {
  const std::size_t d = lo.size();
  GenzMalik rule(f, d);
  Region root;
  for (std::size_t i = 0; i < d; ++i) {
    root.c.push_back(0.5 * (lo[i] + hi[i]));
    root.h.push_back(0.5 * (hi[i] - lo[i]));
  }
  rule.apply(root);
  const std::int64_t per_region = rule.neval;
  std::priority_queue<Region> heap;
  double value = root.value, err = root.err;
  heap.push(std::move(root));
  auto last = std::chrono::steady_clock::now();
  while (err > std::max(epsabs, epsrel * std::abs(value)) &&
         rule.neval + 2 * per_region <= maxeval) {
    Region w = heap.top();
    heap.pop();
    Region a = w, b = w;
    const int s = w.split;
    a.h[s] = b.h[s] = 0.5 * w.h[s];
    a.c[s] = w.c[s] - a.h[s];
    b.c[s] = w.c[s] + b.h[s];
    rule.apply(a);
    rule.apply(b);
    value += a.value + b.value - w.value;
    err += a.err + b.err - w.err;
    heap.push(std::move(a));
    heap.push(std::move(b));
    if (ctx && std::chrono::steady_clock::now() - last > std::chrono::milliseconds(20)) {
      last = std::chrono::steady_clock::now();
      ctx->checkCancelled();
      ctx->metric("abserr", static_cast<double>(rule.neval), err);
      ctx->progress(static_cast<double>(rule.neval) / static_cast<double>(maxeval), "refining");
    }
  }
  CubatureResult r;
  r.regions = static_cast<std::int64_t>(heap.size());
  while (!heap.empty()) {  // re-sum: running updates drift by rounding
    r.value += heap.top().value;
    r.abserr += heap.top().err;
    heap.pop();
  }
  r.neval = rule.neval;
  r.converged = r.abserr <= std::max(epsabs, epsrel * std::abs(r.value));
  return r;
}

}  // namespace sciagents::core::agents::integ
