// Dense BFGS with a strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5/3.6 and 6.1).
#include "core/agents/optimization/opt_common.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

namespace {
constexpr double kC1 = 1e-4, kC2 = 0.9;

struct Point {
  double a = 0, f = 0, d = 0;  // step, phi(a), phi'(a)
  Vector x, g;
};

class LineSearch {
 public:
  LineSearch(Objective& obj, const Vector& x, const Vector& p, double f0, double d0)
      : m_obj(obj), m_x(x), m_p(p), m_f0(f0), m_d0(d0) {}

  // Returns a point satisfying the strong Wolfe conditions, or the best Armijo point found;
  // `ok` false when not even sufficient decrease could be reached.
  Point search(double a1, bool& ok) {
    Point prev{0.0, m_f0, m_d0, m_x, {}};
    double a = a1;
    for (int i = 0; i < 40; ++i) {
      Point cur = eval(a);
      if (!std::isfinite(cur.f) || cur.f > m_f0 + kC1 * a * m_d0 || (i > 0 && cur.f >= prev.f))
        return zoom(prev, cur, ok);
      if (std::abs(cur.d) <= -kC2 * m_d0) {
        ok = true;
        return cur;
      }
      if (cur.d >= 0) return zoom(cur, prev, ok);
      prev = cur;
      a *= 2.0;
    }
    ok = true;  // kept decreasing for 40 doublings: accept (the divergence guard catches runaways)
    return prev;
  }

 private:
  Point eval(double a) {
    Point q;
    q.a = a;
    q.x = m_x + a * m_p;
    q.f = m_obj.valueGrad(q.x, q.g);
    q.d = std::isfinite(q.f) ? q.g.dot(m_p) : std::numeric_limits<double>::quiet_NaN();
    if (!std::isfinite(q.f)) q.f = std::numeric_limits<double>::infinity();
    return q;
  }

  Point zoom(Point lo, Point hi, bool& ok) {
    for (int i = 0; i < 40; ++i) {
      const double w = hi.a - lo.a;
      // Minimiser of the quadratic through (lo.f, lo.d) and hi.f, safeguarded to the inner 80 %.
      double a = lo.a + 0.5 * w;
      if (std::isfinite(hi.f)) {
        const double denom = 2.0 * (hi.f - lo.f - lo.d * w);
        if (denom > 0) a = lo.a - lo.d * w * w / denom;
      }
      const double lo_edge = std::min(lo.a, hi.a) + 0.1 * std::abs(w),
                   hi_edge = std::max(lo.a, hi.a) - 0.1 * std::abs(w);
      if (!(a >= lo_edge && a <= hi_edge)) a = lo.a + 0.5 * w;
      if (std::abs(w) < 1e-16 * std::max(1.0, std::abs(lo.a))) break;
      Point cur = eval(a);
      if (cur.f > m_f0 + kC1 * a * m_d0 || cur.f >= lo.f) {
        hi = cur;
      } else {
        if (std::abs(cur.d) <= -kC2 * m_d0) {
          ok = true;
          return cur;
        }
        if (cur.d * (hi.a - lo.a) >= 0) hi = lo;
        lo = cur;
      }
    }
    ok = lo.a > 0;
    if (ok && lo.g.size() == 0) ok = false;
    return lo;
  }

  Objective& m_obj;
  const Vector& m_x;
  const Vector& m_p;
  double m_f0, m_d0;
};
}  // namespace

LocalResult runBfgs(Objective& obj, const Vector& x0, double gtol, long maxiter) {
  const Eigen::Index n = x0.size();
  LocalResult r;
  Vector x = x0, g;
  double f = obj.valueGrad(x, g);
  Matrix h = Matrix::Identity(n, n);
  bool first = true;
  long k = 0;
  for (; k < maxiter; ++k) {
    const double gnorm = g.lpNorm<Eigen::Infinity>();
    obj.emit(k, f, gnorm, static_cast<double>(k) / static_cast<double>(maxiter));
    if (gnorm <= gtol * std::max(1.0, std::abs(f))) {
      r.success = true;
      r.message = "gradient norm " + num(gnorm) + " below tol * max(1, |f|)";
      break;
    }
    Vector p = -h * g;
    double d0 = g.dot(p);
    if (!(d0 < 0)) {  // lost descent (bad curvature information): restart from steepest descent
      h.setIdentity();
      p = -g;
      d0 = g.dot(p);
    }
    const double a1 = first ? std::min(1.0, 1.0 / std::max(gnorm, 1e-300)) : 1.0;
    bool ok = false;
    LineSearch ls(obj, x, p, f, d0);
    Point q = ls.search(a1, ok);
    if (!ok) {
      if (!first && !h.isIdentity()) {  // retry once along steepest descent with a fresh Hessian
        h.setIdentity();
        first = true;
        continue;
      }
      r.message =
          "line search cannot reduce f further (precision loss); gradient norm " + num(gnorm);
      r.success = gnorm <= std::sqrt(gtol) * std::max(1.0, std::abs(f));
      break;
    }
    const Vector s = q.x - x, y = q.g - g;
    const double sy = s.dot(y);
    if (first && sy > 0) h *= sy / y.squaredNorm();  // Nocedal-Wright (6.20) initial scaling
    first = false;
    if (sy > 1e-12 * s.norm() * y.norm()) {
      const double rho = 1.0 / sy;
      const Vector hy = h * y;
      const double yhy = y.dot(hy);
      h.noalias() +=
          rho * ((1.0 + rho * yhy) * s * s.transpose() - hy * s.transpose() - s * hy.transpose());
    }
    const double df = f - q.f;
    x = q.x;
    g = q.g;
    f = q.f;
    if (df <= 0 &&
        s.lpNorm<Eigen::Infinity>() <= 1e-15 * std::max(1.0, x.lpNorm<Eigen::Infinity>())) {
      r.message = "step below machine precision; gradient norm " + num(g.lpNorm<Eigen::Infinity>());
      r.success = g.lpNorm<Eigen::Infinity>() <= std::sqrt(gtol) * std::max(1.0, std::abs(f));
      ++k;
      break;
    }
  }
  if (k >= maxiter && r.message.empty()) {
    r.maxiter = true;
    r.message = "maximum number of iterations (" + std::to_string(maxiter) + ") reached";
  }
  r.x = x;
  r.f = f;
  r.nit = k;
  return r;
}

}  // namespace sciagents::core::agents::opt
