// ode_pde.ivp: Radau IIA of order 5 (three-stage implicit Runge-Kutta collocation, L-stable), the
// method of Hairer & Wanner's RADAU5 (Solving ODEs II, sec. IV.8) as SciPy's solve_ivp 'Radau'
// implements it: simplified Newton iteration on the transformed stage system (one real and one
// complex n x n LU, Jacobian reused across steps while the iteration converges fast), the
// embedded third-order error estimate (refined after a rejection), Gustafsson's predictive step
// control, and the collocation polynomial as dense output (t_eval, events) and as the Newton
// starting guess of the next step. No library we use offers it (SUNDIALS has BDF and DIRKs);
// for small stiff systems at tight tolerances it needs far fewer steps than BDF.
#include "core/agents/ode_pde/ivp_one_step.h"
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/util/error.h"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

namespace sciagents::core::agents::ode {

namespace {

using CMatrix = Eigen::MatrixXcd;
using CVector = Eigen::VectorXcd;
using Mat3 = Eigen::Matrix3d;

// The method's constants: nodes, the error-estimate weights, the eigenvalues of A^-1 (one real,
// one complex pair) and the transformation T (with its inverse) that block-diagonalises A^-1,
// and the dense-output matrix (the collocation polynomial in powers of (t - t_old) / h).
struct RadauConstants {
  double c[3];
  double e[3];
  double mu_real;
  std::complex<double> mu_complex;
  Mat3 T, TI, P;
  RadauConstants() {
    const double s6 = std::sqrt(6.0);
    c[0] = (4 - s6) / 10, c[1] = (4 + s6) / 10, c[2] = 1;
    e[0] = (-13 - 7 * s6) / 3, e[1] = (-13 + 7 * s6) / 3, e[2] = -1.0 / 3;
    mu_real = 3 + std::cbrt(9.0) - std::cbrt(3.0);
    mu_complex = {3 + 0.5 * (std::cbrt(3.0) - std::cbrt(9.0)),
                  -0.5 * (std::pow(3.0, 5.0 / 6) + std::pow(3.0, 7.0 / 6))};
    T << 0.09443876248897524, -0.14125529502095421, 0.03002919410514742,  //
        0.25021312296533332, 0.20412935229379994, -0.38294211275726192,   //
        1, 1, 0;
    TI << 4.17871859155190428, 0.32768282076106237, 0.52337644549944951,  //
        -4.17871859155190428, -0.32768282076106237, 0.47662355450055044,  //
        0.50287263494578682, -2.57192694985560522, 0.59603920482822492;
    P << 13.0 / 3 + 7 * s6 / 3, -23.0 / 3 - 22 * s6 / 3, 10.0 / 3 + 5 * s6,  //
        13.0 / 3 - 7 * s6 / 3, -23.0 / 3 + 22 * s6 / 3, 10.0 / 3 - 5 * s6,   //
        1.0 / 3, -8.0 / 3, 10.0 / 3;
  }
};

const RadauConstants& radau() {
  static const RadauConstants k;
  return k;
}

constexpr int kRadauNewtonMaxIter = 6;
constexpr double kRadauMinFactor = 0.2, kRadauMaxFactor = 10.0;

// Step-size factor from the error norms of this and the previous accepted step (Gustafsson's
// predictive controller; the plain one-step rule when there is no previous step).
double predictFactor(double h_abs, double h_abs_old, double err, double err_old) {
  const double mult = (err_old > 0 && h_abs_old > 0 && err > 0)
                          ? h_abs / h_abs_old * std::pow(err_old / err, 0.25)
                          : 1.0;
  return std::min(1.0, mult) * std::pow(err, -0.25);
}

[[noreturn]] void radauFailed(double t, const Vector& y, const std::string& why) {
  throw Error(ErrorCode::RunFailed,
              "radau failed at t = " + fmt(t) + ": " + why +
                  " (max |y| = " + fmt(y.cwiseAbs().maxCoeff()) +
                  "); the solution probably blows up (a singularity near t = " + fmt(t) +
                  ") or the rhs is not smooth or not finite there");
}

// The run's state and scratch (sized once; no allocation per step).
class RadauRun {
 public:
  RadauRun(const Problem& p, OdeFunctions& f, RunStats& st)
      : m_f(f),
        m_st(st),
        m_n(p.n()),
        m_J(m_n, m_n),
        m_A(m_n, m_n),
        m_Ac(m_n, m_n),
        m_Z(m_n, 3),
        m_W(m_n, 3),
        m_dW(m_n, 3),
        m_F(m_n, 3),
        m_Q(m_n, 3),
        m_ys(m_n),
        m_fr(m_n),
        m_fc(m_n),
        m_dc(m_n) {}

  void jacobian(double t, const Vector& y, const Vector& fy) {
    if (m_f.hasJac())
      m_f.jac(t, y.data(), m_J);
    else
      m_f.jacFD(t, y.data(), fy.data(), m_J);
    ++m_st.njev;
  }

  void factor(double h) {
    const auto& k = radau();
    m_A = -m_J;
    m_A.diagonal().array() += k.mu_real / h;
    m_lu_real.compute(m_A);
    m_Ac = -m_J.cast<std::complex<double>>();
    m_Ac.diagonal().array() += k.mu_complex / h;
    m_lu_complex.compute(m_Ac);
    m_st.nlu += 2;
  }

  // Simplified Newton iteration for the stage increments Z (y + Z.col(i) at t + c_i h), from the
  // guess in m_Z. Returns whether it converged, with the iterations used and the last rate.
  bool newton(double t, const Vector& y, double h, const Vector& scale, double tol, int& iters,
              double& rate) {
    const auto& k = radau();
    const double m_real = k.mu_real / h;
    const std::complex<double> m_complex = k.mu_complex / h;
    m_W.noalias() = m_Z * k.TI.transpose();
    double dw_norm_old = -1;
    rate = std::numeric_limits<double>::quiet_NaN();
    const double norm_div = std::sqrt(3.0 * static_cast<double>(m_n));
    for (iters = 1; iters <= kRadauNewtonMaxIter; ++iters) {
      for (int i = 0; i < 3; ++i) {
        m_ys = y + m_Z.col(i);
        m_f.rhs(t + k.c[i] * h, m_ys.data(), m_F.col(i).data());
      }
      if (!m_F.allFinite()) return false;
      m_fr.noalias() = m_F * k.TI.row(0).transpose();
      m_fr -= m_real * m_W.col(0);
      for (Eigen::Index j = 0; j < m_n; ++j) {
        const std::complex<double> fj(m_F.row(j).dot(k.TI.row(1)), m_F.row(j).dot(k.TI.row(2)));
        m_fc[j] = fj - m_complex * std::complex<double>(m_W(j, 1), m_W(j, 2));
      }
      m_dW.col(0).noalias() = m_lu_real.solve(m_fr);
      m_dc.noalias() = m_lu_complex.solve(m_fc);
      m_dW.col(1) = m_dc.real();
      m_dW.col(2) = m_dc.imag();
      const double dw_norm = (m_dW.array().colwise() / scale.array()).matrix().norm() / norm_div;
      if (dw_norm_old >= 0) rate = dw_norm / dw_norm_old;
      if (dw_norm_old >= 0 &&
          (rate >= 1 ||
           std::pow(rate, kRadauNewtonMaxIter - iters + 1) / (1 - rate) * dw_norm > tol))
        return false;
      m_W += m_dW;
      m_Z.noalias() = m_W * k.T.transpose();
      if (dw_norm == 0 || (dw_norm_old >= 0 && rate / (1 - rate) * dw_norm < tol)) return true;
      dw_norm_old = dw_norm;
    }
    return false;
  }

  OdeFunctions& m_f;
  RunStats& m_st;
  Eigen::Index m_n;
  Matrix m_J, m_A;
  CMatrix m_Ac;
  Eigen::PartialPivLU<Matrix> m_lu_real;
  Eigen::PartialPivLU<CMatrix> m_lu_complex;
  Matrix m_Z, m_W, m_dW, m_F, m_Q;  // n x 3
  Vector m_ys, m_fr;
  CVector m_fc, m_dc;
};

}  // namespace

void integrateRadau(const Problem& p, OdeFunctions& f, double t, Vector y, Output& out,
                    RunStats& st, Reporter& rep) {
  const auto& k = radau();
  const Eigen::Index n = p.n();
  const double dir = p.direction();
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  const double max_step = p.max_step > 0 ? p.max_step : kInfinity;
  RadauRun r(p, f, st);
  Vector fcur(n), ynew(n), fnew(n), scale(n), ze(n), err(n), yold(n), yerr(n), ferr(n);
  f.rhs(t, y.data(), fcur.data());
  double h_abs = p.first_step > 0 ? std::min(p.first_step, max_step)
                                  : initialStep(f, t, y, fcur, dir, 3, p, max_step);
  double h_abs_old = -1, err_old = -1;
  // Newton tolerance (SciPy's choice: tight enough for the error estimate, never below 10
  // eps/rtol).
  const double newton_tol =
      std::max(10 * std::numeric_limits<double>::epsilon() / std::max(p.rtol, 1e-300),
               std::min(0.03, std::sqrt(p.rtol)));
  r.jacobian(t, y, fcur);
  bool current_jac = true, lu_valid = false, have_dense = false;
  double t_old = t, h_last = 0;
  StepEvents events(p, f, t, y);

  // The collocation polynomial of the last accepted step [t_old, t_old + h_last].
  auto dense = [&](double tt, double* yy) {
    const double x = (tt - t_old) / h_last;
    Eigen::Map<Vector> out_y(yy, n);
    out_y = yold + r.m_Q * Eigen::Vector3d(x, x * x, x * x * x);
  };

  // The Newton iteration's start for a step of size h from (t, y): the last step's collocation
  // polynomial extrapolated to the new nodes, zero before the first step.
  auto startingGuess = [&](double h) {
    if (!have_dense) {
      r.m_Z.setZero();
      return;
    }
    for (int i = 0; i < 3; ++i) {
      dense(t + k.c[i] * h, r.m_ys.data());
      r.m_Z.col(i) = r.m_ys - y;
    }
  };

  while (dir * (t - p.t1) < 0) {
    if (st.nsteps >= p.max_num_steps)
      throw Error(ErrorCode::RunFailed,
                  "max_num_steps = " + std::to_string(p.max_num_steps) +
                      " reached at t = " + fmt(t) + " (interval [" + fmt(p.t0) + ", " + fmt(p.t1) +
                      "]) with radau; raise max_num_steps or loosen rtol/atol");
    const double min_step = 10 * std::abs(std::nextafter(t, dir * kInfinity) - t);
    if (h_abs > max_step || h_abs < min_step) {
      h_abs = std::clamp(h_abs, min_step, max_step);
      h_abs_old = -1, err_old = -1;
    }
    bool rejected = false;
    double h = 0, tnew = t, err_norm = 0, rate = 0, safety = 0;
    int iters = 0;
    for (;;) {
      if (h_abs < min_step)
        radauFailed(t, y,
                    "the required step size " + fmt(h_abs) +
                        " fell below the spacing of floating-point numbers near t");
      tnew = t + h_abs * dir;
      if (dir * (tnew - p.t1) > 0) tnew = p.t1;
      h = tnew - t;
      h_abs = std::abs(h);
      startingGuess(h);
      scale = p.atol.array() + y.array().abs() * p.rtol;
      bool converged = false;
      for (;;) {
        if (!lu_valid) {
          r.factor(h);
          lu_valid = true;
        }
        converged = r.newton(t, y, h, scale, newton_tol, iters, rate);
        if (converged || current_jac) break;
        r.jacobian(t, y, fcur);
        current_jac = true;
        lu_valid = false;
        startingGuess(h);  // the same guess again, with the fresh Jacobian
      }
      if (!converged) {
        ++st.nconvfail;
        ++st.nrejected;
        h_abs *= 0.5;
        lu_valid = false;
        continue;
      }
      ynew = y + r.m_Z.col(2);
      ze.noalias() = r.m_Z * Eigen::Vector3d(k.e[0], k.e[1], k.e[2]) / h;
      err = r.m_lu_real.solve(fcur + ze);
      scale = p.atol.array() + y.array().abs().max(ynew.array().abs()) * p.rtol;
      err_norm = rms(err.cwiseQuotient(scale));
      safety = 0.9 * (2 * kRadauNewtonMaxIter + 1) / (2 * kRadauNewtonMaxIter + iters);
      if (rejected && err_norm > 1) {  // refined estimate (Hairer's, after a rejection)
        yerr = y + err;
        f.rhs(t, yerr.data(), ferr.data());
        err = r.m_lu_real.solve(ferr + ze);
        err_norm = rms(err.cwiseQuotient(scale));
      }
      if (!std::isfinite(err_norm)) err_norm = kInfinity;
      if (err_norm <= 1) break;
      h_abs *= std::max(kRadauMinFactor,
                        std::isfinite(err_norm)
                            ? safety * predictFactor(h_abs, h_abs_old, err_norm, err_old)
                            : 0.0);
      lu_valid = false;
      rejected = true;
      ++st.nrejected;
      ++st.nerrfail;
    }
    ++st.nsteps;
    const bool recompute_jac = iters > 2 && rate > 1e-3;
    double factor =
        std::min(kRadauMaxFactor, safety * predictFactor(h_abs, h_abs_old, err_norm, err_old));
    if (!recompute_jac && factor < 1.2)
      factor = 1;
    else
      lu_valid = false;
    f.rhs(tnew, ynew.data(), fnew.data());
    if (recompute_jac) {
      r.jacobian(tnew, ynew, fnew);
      current_jac = true;
    } else {
      current_jac = false;
    }
    h_abs_old = h_abs;
    err_old = err_norm;
    // The dense output of this step: y_old + Q [x, x^2, x^3], x = (t - t_old) / h.
    r.m_Q.noalias() = r.m_Z * k.P;
    yold = y;
    t_old = t;
    h_last = h;
    have_dense = true;
    if (const auto stop = events.scan(t, tnew, ynew, Output::ref(dense), out)) {
      out.step(stop->first, stop->second, Output::ref(dense));
      st.terminal_event = true;
      return;
    }
    out.step(tnew, ynew, Output::ref(dense));
    rep.step(tnew, h);
    if (!ynew.allFinite()) radauFailed(tnew, ynew, "the solution is not finite");
    t = tnew;
    y.swap(ynew);
    fcur.swap(fnew);
    h_abs *= factor;
  }
}

}  // namespace sciagents::core::agents::ode
