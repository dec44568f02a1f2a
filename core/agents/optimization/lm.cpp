// Levenberg-Marquardt with Marquardt's column scaling (MINPACK style), Nielsen's damping update and
// a QR solve of the augmented system [J; sqrt(mu) D] dp = [-r; 0] (no normal equations: keeps
// ill-conditioned fits such as NIST Misra1a accurate).
#include "core/agents/optimization/lm.h"
#include "core/linalg/dense_decompositions.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

LmResult levenbergMarquardt(const std::function<Vector(const Vector&)>& res, const Vector& p0,
                            const LmOptions& o) {
  const Eigen::Index n = p0.size();
  LmResult out;
  long nfev = 0;
  auto eval = [&](const Vector& p) {
    ++nfev;
    return res(p);
  };
  auto jacobian = [&](const Vector& p, const Vector& r) {
    nfev += 2 * n;
    return o.jacobian ? o.jacobian(p, r) : fdJacobian(res, p);
  };
  const long maxfev = o.maxfev > 0 ? o.maxfev : 1000 * (n + 1);
  Vector p = o.bounds ? clip(p0, *o.bounds) : p0;
  Vector r = eval(p);
  if (!r.allFinite())
    throw Error(ErrorCode::InvalidInput,
                "residuals are not finite at the starting point " + vec(p));
  const Eigen::Index m = r.size();
  double cost = r.squaredNorm();
  Matrix j = jacobian(p, r);
  Vector d = j.colwise().norm().transpose();
  for (Eigen::Index k = 0; k < n; ++k)
    if (d[k] == 0.0) d[k] = 1.0;
  double mu = 1e-3 * d.array().square().maxCoeff();
  double nu = 2.0;
  long it = 0;
  for (;; ++it) {
    if (o.on_iteration) o.on_iteration(it, cost);
    Vector g = j.transpose() * r;
    // Freeze variables pinned at a bound with the descent direction pointing out of the box.
    Matrix jw = j;
    if (o.bounds)
      for (Eigen::Index k = 0; k < n; ++k) {
        const bool at_lo = p[k] <= o.bounds->lo[k] && g[k] > 0,
                   at_hi = p[k] >= o.bounds->hi[k] && g[k] < 0;
        if (at_lo || at_hi) {
          jw.col(k).setZero();
          g[k] = 0.0;
        }
      }
    // Scaled gradient test (MINPACK's gtol): max_k |cos(angle(r, J_k))|.
    double gmax = 0.0;
    for (Eigen::Index k = 0; k < n; ++k) {
      const double cn = jw.col(k).norm();
      if (cn > 0 && cost > 0) gmax = std::max(gmax, std::abs(g[k]) / (cn * std::sqrt(cost)));
    }
    if (cost == 0.0 || gmax <= o.gtol) {
      out.success = true;
      out.message =
          cost == 0.0 ? "residual is exactly zero" : "gradient orthogonal to the residuals (gtol)";
      break;
    }
    if (nfev >= maxfev) {
      out.maxfev = true;
      out.message =
          "maximum number of function evaluations (" + std::to_string(maxfev) + ") reached";
      break;
    }
    Matrix aug(m + n, n);
    aug.topRows(m) = jw;
    aug.bottomRows(n) = (std::sqrt(mu) * d).asDiagonal();
    Vector rhs = Vector::Zero(m + n);
    rhs.head(m) = -r;
    Vector dp = aug.householderQr().solve(rhs);
    Vector pn = p + dp;
    if (o.bounds) {
      pn = clip(pn, *o.bounds);
      dp = pn - p;
    }
    const double dnorm = d.cwiseProduct(dp).norm(), pnorm = d.cwiseProduct(p).norm();
    const Vector rn = eval(pn);
    const double cost_new =
        rn.allFinite() ? rn.squaredNorm() : std::numeric_limits<double>::infinity();
    const double pred = cost - (r + j * dp).squaredNorm();
    const double rho = pred > 0 ? (cost - cost_new) / pred : -1.0;
    if (rho > 0) {
      const double actual = (cost - cost_new) / cost;
      p = pn;
      r = rn;
      cost = cost_new;
      j = jacobian(p, r);
      d = d.cwiseMax(j.colwise().norm().transpose());
      mu *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * rho - 1.0, 3));
      nu = 2.0;
      if (actual <= o.ftol && pred / (cost + pred) <= o.ftol && rho <= 2.0) {
        out.success = true;
        out.message = "relative reduction of the sum of squares below ftol";
        ++it;
        break;
      }
    } else {
      mu *= nu;
      nu *= 2.0;
    }
    if (dnorm <= o.xtol * (pnorm + o.xtol)) {
      out.success = true;
      out.message = "relative step size below xtol";
      ++it;
      break;
    }
    if (!std::isfinite(mu) || mu > 1e300) {
      out.message = "damping parameter overflow: no step reduces the sum of squares";
      break;
    }
  }
  out.p = p;
  out.r = r;
  out.jac = j;
  out.cost = cost;
  out.nfev = nfev;
  out.nit = it;
  return out;
}

}  // namespace sciagents::core::agents::opt
