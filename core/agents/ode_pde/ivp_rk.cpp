// ode_pde.ivp: explicit adaptive Runge-Kutta pairs with dense output, events and Hairer's stiffness
// test. Step-size control as in Hairer/SciPy: mixed atol + rtol RMS norm, safety 0.9, factor in
// [0.2, 10], no growth right after a rejection.
#include "core/agents/ode_pde/ivp_one_step.h"
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/agents/ode_pde/ivp_tableaux.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sciagents::core::agents::ode {

namespace {
constexpr double kSafety = 0.9, kMinFactor = 0.2, kMaxFactor = 10.0;
constexpr double kInf = std::numeric_limits<double>::infinity();
using CMap = Eigen::Map<const Vector>;

struct Scheme {
  int stages;  // K holds these plus f(t+h, y_new)
  const double* c;
  const double* a;  // row-major, `astride` per row
  int astride;
  const double* b;
  int err_order;
  double
      stiff_bound;  // |h lambda| where the stability region ends on the negative axis (0: no test)
  const char* name;
};

Scheme scheme(RkKind k) {
  using namespace tab;
  switch (k) {
    case RkKind::Rk23:
      return {3, kRk23C, kRk23A, 3, kRk23B, 2, 0.0, "rk23"};
    case RkKind::Rk45:
      return {6, kRk45C, kRk45A, 5, kRk45B, 4, 3.25, "rk45"};
    case RkKind::Dop853:
      break;
  }
  return {12, kDopC, kDopA, 16, kDopB, 7, 6.1, "dop853"};
}

[[noreturn]] void tooSmall(const Scheme& sc, double t, const Vector& y, double h) {
  throw Error(ErrorCode::RunFailed,
              std::string(sc.name) + " failed at t = " + fmt(t) + ": the required step size " +
                  fmt(h) + " fell below the spacing of floating-point numbers near t (max |y| = " +
                  fmt(y.cwiseAbs().maxCoeff()) +
                  "); the solution probably blows up (a singularity near t = " + fmt(t) +
                  ") or the rhs is not smooth there");
}
}  // namespace

SegmentEnd integrateRk(RkKind kind, const Problem& p, OdeFunctions& f, double t, Vector y,
                       Output& out, RunStats& st, Reporter& rep, bool switch_when_stiff) {
  const Scheme sc = scheme(kind);
  const bool dop = kind == RkKind::Dop853;
  const Eigen::Index n = p.n();
  const int S = sc.stages;
  const double dir = p.direction();
  Matrix K(n, dop ? 16 : S + 1);
  Vector fcur(n), ynew(n), ys(n), dy(n), scale(n), err(n), yold(n);
  f.rhs(t, y.data(), fcur.data());
  const double max_step = p.max_step > 0 ? p.max_step : kInf;
  double h_abs = p.first_step > 0 ? std::min(p.first_step, max_step)
                                  : initialStep(f, t, y, fcur, dir, sc.err_order, p, max_step);
  const double exponent = -1.0 / (sc.err_order + 1);
  StepEvents events(p, f, t, y);
  int iasti = 0, nonsti = 0;
  Matrix Q(n,
           dop ? 7 : (kind == RkKind::Rk45 ? 4 : 3));  // dense-output coefficients of the last step

  while (dir * (t - p.t1) < 0) {
    if (st.nsteps >= p.max_num_steps)
      throw Error(
          ErrorCode::RunFailed,
          "max_num_steps = " + std::to_string(p.max_num_steps) + " reached at t = " + fmt(t) +
              " (interval [" + fmt(p.t0) + ", " + fmt(p.t1) + "]) with " + sc.name +
              "; raise max_num_steps, loosen rtol/atol, or use method bdf if the problem is stiff");
    const double min_step = 10 * std::abs(std::nextafter(t, dir * kInf) - t);
    h_abs = std::clamp(h_abs, min_step, max_step);
    bool rejected = false;
    double h = 0, tnew = t;
    for (;;) {
      if (h_abs < min_step) tooSmall(sc, t, y, h_abs);
      tnew = t + h_abs * dir;
      if (dir * (tnew - p.t1) > 0) tnew = p.t1;
      h = tnew - t;
      h_abs = std::abs(h);
      K.col(0) = fcur;
      for (int s = 1; s < S; ++s) {
        dy.noalias() = K.leftCols(s) * CMap(sc.a + s * sc.astride, s);
        ys = y + h * dy;
        f.rhs(t + sc.c[s] * h, ys.data(), K.col(s).data());
      }
      dy.noalias() = K.leftCols(S) * CMap(sc.b, S);
      ynew = y + h * dy;
      f.rhs(tnew, ynew.data(), K.col(S).data());
      scale = p.atol.array() + p.rtol * y.array().abs().max(ynew.array().abs());
      double enorm;
      if (dop) {
        const Vector e5 = (K.leftCols(13) * CMap(tab::kDopE5, 13)).cwiseQuotient(scale);
        const Vector e3 = (K.leftCols(13) * CMap(tab::kDopE3, 13)).cwiseQuotient(scale);
        const double n5 = e5.squaredNorm(), n3 = e3.squaredNorm();
        enorm = (n5 == 0 && n3 == 0)
                    ? 0.0
                    : h_abs * n5 / std::sqrt((n5 + 0.01 * n3) * static_cast<double>(n));
      } else {
        err.noalias() =
            K.leftCols(S + 1) * CMap(kind == RkKind::Rk45 ? tab::kRk45E : tab::kRk23E, S + 1);
        enorm = h_abs * rms(err.cwiseQuotient(scale));
      }
      if (!std::isfinite(enorm)) enorm = kInf;  // overflow or NaN in a stage: shrink the step
      if (enorm < 1) {
        double factor =
            enorm == 0 ? kMaxFactor : std::min(kMaxFactor, kSafety * std::pow(enorm, exponent));
        if (rejected) factor = std::min(1.0, factor);
        h_abs *= factor;
        break;
      }
      h_abs *=
          std::max(kMinFactor, std::isfinite(enorm) ? kSafety * std::pow(enorm, exponent) : 0.0);
      rejected = true;
      ++st.nrejected;
    }
    ++st.nsteps;
    // Hairer's stiffness test: |h| * ||f(y_new) - f(y_s)|| / ||y_new - y_s|| estimates |h lambda|
    // with the last stage (c = 1); near the stability bound for many steps means stiff.
    if (sc.stiff_bound > 0) {
      const double den = (ynew - ys).squaredNorm();
      if (den > 0) {
        const double hl = std::abs(h) * std::sqrt((K.col(S) - K.col(S - 1)).squaredNorm() / den);
        if (hl > sc.stiff_bound) {
          nonsti = 0;
          if (++iasti >= 15 && !st.stiff_detected) {
            st.stiff_detected = true;
            st.t_stiff = tnew;
            st.stiff_detail = std::string(sc.name) +
                              " step size limited by stability from about t = " + fmt(tnew) +
                              " (|h lambda| ~ " + fmt(hl) + " at the stability bound " +
                              fmt(sc.stiff_bound) + " for 15 steps, step size " + fmt(std::abs(h)) +
                              ")";
          }
        } else if (++nonsti == 6) {
          iasti = 0;
        }
      }
    }
    yold = y;
    bool dense_ready = false;
    auto interp = [&](double tt, double* yy) {
      if (!dense_ready) {
        dense_ready = true;
        if (dop) {
          for (int s = 13; s < 16; ++s) {
            dy.noalias() = K.leftCols(s) * CMap(tab::kDopA + s * 16, s);
            ys = yold + h * dy;
            f.rhs(t + tab::kDopC[s] * h, ys.data(), K.col(s).data());
          }
          const Vector delta = ynew - yold;
          Q.col(0) = delta;
          Q.col(1) = h * K.col(0) - delta;
          Q.col(2) = 2 * delta - h * (K.col(12) + K.col(0));
          Q.rightCols(4).noalias() =
              h * K *
              Eigen::Map<const Eigen::Matrix<double, 4, 16, Eigen::RowMajor>>(tab::kDopD)
                  .transpose();
        } else if (kind == RkKind::Rk45) {
          Q.noalias() =
              K * Eigen::Map<const Eigen::Matrix<double, 7, 4, Eigen::RowMajor>>(tab::kRk45P);
        } else {
          Q.noalias() =
              K * Eigen::Map<const Eigen::Matrix<double, 4, 3, Eigen::RowMajor>>(tab::kRk23P);
        }
      }
      const double x = (tt - t) / h;
      Eigen::Map<Vector> out_y(yy, n);
      if (dop) {  // Horner-like evaluation of Hairer's contd8 in x and (1 - x)
        out_y.setZero();
        for (int i = 0; i < 7; ++i) {
          out_y += Q.col(6 - i);
          out_y *= (i % 2 == 0) ? x : 1 - x;
        }
        out_y += yold;
      } else {
        double pw = x;
        out_y = yold;
        for (Eigen::Index j = 0; j < Q.cols(); ++j, pw *= x) out_y += h * pw * Q.col(j);
      }
    };
    if (const auto stop = events.scan(t, tnew, ynew, Output::ref(interp), out)) {
      out.step(stop->first, stop->second, Output::ref(interp));
      st.terminal_event = true;
      return {false, stop->first, stop->second};
    }
    out.step(tnew, ynew, Output::ref(interp));
    rep.step(tnew, h);
    if (!ynew.allFinite()) tooSmall(sc, tnew, ynew, h_abs);
    t = tnew;
    y.swap(ynew);
    fcur = K.col(S);
    if (switch_when_stiff && st.stiff_detected && iasti >= 15 && st.nsteps > kSwitchSteps)
      return {true, t, y};
  }
  return {false, t, y};
}

}  // namespace sciagents::core::agents::ode
