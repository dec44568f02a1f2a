// ode_pde.ivp: stiffness analysis at (t0, y0) and the `auto` method choice built on it.
#include "core/agents/ode_pde/ivp_problem.h"
#include "core/linalg/dense_decompositions.h"

#include <cmath>

namespace sciagents::core::agents::ode {

Stiffness analyzeStiffness(const Problem& p) {
  OdeFunctions f(p);
  return analyzeStiffness(p, f, true);
}

Stiffness analyzeStiffness(const Problem& p, OdeFunctions& f, bool describe) {
  Stiffness s;
  const Eigen::Index n = p.n();
  Matrix j;
  if (f.hasJac()) {
    f.jac(p.t0, p.y0.data(), j);
  } else {
    Vector f0(n);
    f.rhs(p.t0, p.y0.data(), f0.data());
    f.jacFD(p.t0, p.y0.data(), f0.data(), j);
  }
  s.jacobian_source = f.jacSource();
  const double T = std::abs(p.t1 - p.t0);
  if (!j.allFinite()) {
    if (describe) s.summary = "the Jacobian at t0 is not finite; no stiffness estimate";
    return s;
  }
  Eigen::VectorXd re, mod;
  if (n <= 400) {
    Eigen::EigenSolver<Matrix> es(j, false);
    re = es.eigenvalues().real();
    mod = es.eigenvalues().cwiseAbs();
  } else {
    // Large systems: Gershgorin discs bound the spectrum (centre = diagonal, radius = off-diagonal
    // row sum).
    re = j.diagonal();
    mod = j.cwiseAbs().rowwise().sum();
  }
  s.spectral_radius = mod.size() ? mod.maxCoeff() : 0.0;
  double min_decay = std::numeric_limits<double>::infinity();
  const double tiny = 1e-12 * std::max(s.spectral_radius, 1e-300);
  for (Eigen::Index i = 0; i < re.size(); ++i)
    if (re[i] < -tiny) {
      s.max_decay = std::max(s.max_decay, -re[i]);
      min_decay = std::min(min_decay, -re[i]);
    }
  s.stiffness_ratio = s.max_decay > 0 ? s.max_decay / min_decay : 1.0;
  s.stiffness_index = s.max_decay * T;
  s.stiff = s.stiffness_index > kStiffIndex;
  if (!describe) return s;
  s.summary =
      "Jacobian at t0 (" + s.jacobian_source + "): spectral radius " + fmt(s.spectral_radius) +
      ", fastest decay rate max(-Re lambda) = " + fmt(s.max_decay) + ", stiffness ratio " +
      fmt(s.stiffness_ratio) + "; decay rate x interval length = " + fmt(s.stiffness_index) +
      (s.stiff ? " > " : " <= ") + fmt(kStiffIndex);
  return s;
}

const char* chosenMethod(const Problem& p, const Stiffness& s) {
  return s.stiff ? "bdf" : p.rtol < 1e-6 ? "dop853" : "rk45";
}

MethodChoice chooseMethod(const Problem& p, const Stiffness& s) {
  MethodChoice c;
  c.method = chosenMethod(p, s);
  if (s.stiff) {
    c.rationale =
        "stiff: " + s.summary +
        ", so an explicit method would need about that many steps for stability alone; BDF (CVODE, "
        "variable order 1-5, Newton with " +
        (p.banded() ? "banded" : "dense") + " " +
        (p.jac.empty() ? "difference-quotient" : "analytic") +
        " Jacobian) is unconditionally stable";
    return c;
  }
  const std::string base = "not stiff at t0: " + s.summary;
  if (p.rtol < 1e-6) {
    c.rationale = base + "; rtol " + fmt(p.rtol) +
                  " < 1e-6, so the 8th-order DOP853 takes far fewer steps than RK45 "
                  "(the run switches to BDF if the step size turns out to be limited by stability)";
  } else {
    c.rationale = base + "; rtol " + fmt(p.rtol) +
                  " >= 1e-6: Dormand-Prince RK45 (the run switches to BDF if the "
                  "step size turns out to be limited by stability)";
  }
  return c;
}

}  // namespace sciagents::core::agents::ode
