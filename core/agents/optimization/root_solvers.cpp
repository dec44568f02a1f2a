#include "core/agents/optimization/root_internal.h"
#include "core/linalg/dense_decompositions.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

RootResult scalarResult(double x, double fx, long it, bool ok, std::string msg) {
  return {Vector::Constant(1, x), Vector::Constant(1, fx), it, ok, false, std::move(msg)};
}
}  // namespace

RootResult brentq(const std::function<double(double)>& f, double a, double b, double xtol,
                  long maxiter, const TaskContext& ctx) {
  double fa = f(a), fb = f(b);
  if (!std::isfinite(fa) || !std::isfinite(fb))
    throw paramError("bracket", "f is not finite at an end of the bracket: f(" + num(a) +
                                    ") = " + num(fa) + ", f(" + num(b) + ") = " + num(fb));
  if (fa == 0) return scalarResult(a, fa, 0, true, "f(a) = 0");
  if (fb == 0) return scalarResult(b, fb, 0, true, "f(b) = 0");
  if (fa * fb > 0)
    throw paramError("bracket", "f has the same sign at both ends: f(" + num(a) + ") = " + num(fa) +
                                    ", f(" + num(b) + ") = " + num(fb) +
                                    "; a bracket must enclose a sign change");
  // Brent (1973) as in Numerical Recipes' zbrent.
  double c = b, fc = fb, d = b - a, e = d;
  for (long it = 1; it <= maxiter; ++it) {
    ctx.checkCancelled();
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      e = d = b - a;
    }
    if (std::abs(fc) < std::abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol1 = 2 * kEps * std::abs(b) + 0.5 * xtol;
    const double xm = 0.5 * (c - b);
    if (std::abs(xm) <= tol1 || fb == 0) {  // return the end with the smaller residual
      const bool use_c = std::abs(fc) < std::abs(fb);
      return scalarResult(use_c ? c : b, use_c ? fc : fb, it, true,
                          "bracket width below 2 xtol + 4 eps |x|");
    }
    if (std::abs(e) >= tol1 && std::abs(fa) > std::abs(fb)) {
      const double s = fb / fa;
      double p, q;
      if (a == c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const double qq = fa / fc, r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = std::abs(p);
      if (2 * p < std::min(3 * xm * q - std::abs(tol1 * q), std::abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += std::abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
    fb = f(b);
    if (!std::isfinite(fb))
      throw Error(ErrorCode::RunFailed, "f is not finite at x = " + num(b) + " inside the bracket");
  }
  RootResult r = scalarResult(b, fb, maxiter, false, "maximum number of iterations reached");
  r.maxiter = true;
  return r;
}

RootResult scalarNewton(const std::function<double(double)>& f, double x0, double xtol, double ftol,
                        long maxiter, TaskContext& ctx) {
  double x = x0, fx = f(x0);
  for (long it = 1; it <= maxiter; ++it) {
    ctx.checkCancelled();
    ctx.metric("residual", static_cast<double>(it - 1), std::abs(fx));
    if (std::abs(fx) <= ftol && it > 1) return scalarResult(x, fx, it - 1, true, "|f| below ftol");
    if (fx == 0) return scalarResult(x, fx, it - 1, true, "f(x) = 0");
    const double h = std::cbrt(kEps) * std::max(1.0, std::abs(x));
    const double df = (f(x + h) - f(x - h)) / (2 * h);
    double step = (df != 0 && std::isfinite(df)) ? -fx / df : -fx;  // flat: move downhill by |f|
    double xn = x + step, fn = f(xn);
    for (int k = 0; k < 40 && !(std::isfinite(fn) && std::abs(fn) < std::abs(fx)); ++k) {
      if (std::isfinite(fn) && fn * fx < 0) break;  // a sign change is progress: Brent takes over
      step *= 0.5;
      xn = x + step;
      fn = f(xn);
    }
    if (!std::isfinite(fn))
      return scalarResult(x, fx, it, false,
                          "f is not finite near x = " + num(x) + " (no usable Newton step)");
    if (fn * fx < 0) {  // bracketed: finish with Brent
      RootResult r = brentq(f, std::min(x, xn), std::max(x, xn), xtol, maxiter, ctx);
      r.nit += it;
      r.message =
          "sign change found after " + std::to_string(it) + " Newton steps; Brent: " + r.message;
      return r;
    }
    if (std::abs(fn) >= std::abs(fx))
      return scalarResult(x, fx, it, false,
                          "Newton steps cannot reduce |f| (local minimum of |f| without a root?)");
    const double dx = std::abs(xn - x);
    x = xn;
    fx = fn;
    if (dx <= xtol + 4 * kEps * std::abs(x) && std::abs(fx) <= std::sqrt(ftol))
      return scalarResult(x, fx, it, true, "step below xtol");
  }
  RootResult r = scalarResult(x, fx, maxiter, false, "maximum number of iterations reached");
  r.maxiter = true;
  return r;
}

RootResult newtonSystem(const std::function<Vector(const Vector&)>& f, const Vector& x0,
                        double xtol, double ftol, long maxiter, TaskContext& ctx,
                        const std::function<Matrix(const Vector&, const Vector&)>& jac) {
  Vector x = x0, fx = f(x0);
  RootResult r;
  for (long it = 0; it < maxiter; ++it) {
    ctx.checkCancelled();
    const double res = fx.lpNorm<Eigen::Infinity>();
    ctx.metric("residual", static_cast<double>(it), res);
    if (res <= ftol) return {x, fx, it, true, false, "max |f_i| below ftol"};
    const Matrix j = jac ? jac(x, fx) : fdJacobian(f, x);
    const Eigen::ColPivHouseholderQR<Matrix> qr(j);
    const Vector dx = qr.solve(Vector(-fx));
    if (!dx.allFinite()) return {x, fx, it, false, false, "singular Jacobian"};
    const double phi = fx.squaredNorm();
    double t = 1.0;
    Vector xn = x + dx, fn = f(xn);
    while (!(fn.allFinite() && fn.squaredNorm() <= (1 - 1e-4 * t) * phi)) {
      t *= 0.5;
      if (t < 1e-10)
        return {x,
                fx,
                it,
                false,
                false,
                "line search failed (Jacobian rank " + std::to_string(qr.rank()) + " of " +
                    std::to_string(x.size()) + ")"};
      xn = x + t * dx;
      fn = f(xn);
    }
    const double step = (t * dx).lpNorm<Eigen::Infinity>();
    x = xn;
    fx = fn;
    if (step <= xtol + 4 * kEps * x.lpNorm<Eigen::Infinity>()) {
      const bool ok = fx.lpNorm<Eigen::Infinity>() <= std::sqrt(ftol);
      return {x, fx, it + 1, ok, false, ok ? "step below xtol" : "stagnated away from a root"};
    }
  }
  return {x, fx, maxiter, false, true, "maximum number of iterations reached"};
}

}  // namespace sciagents::core::agents::opt
