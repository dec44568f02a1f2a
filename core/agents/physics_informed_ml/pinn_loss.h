// The PINN training objective: weighted mean squared residuals of the PDE at interior collocation
// points, of each boundary/initial condition on its points, and (pinn_inverse) of the network
// against observations, with its exact gradient w.r.t. the network weights and the unknown.
#pragma once

#include "core/agents/physics_informed_ml/affine_residual.h"
#include "core/agents/physics_informed_ml/tanh_mlp.h"

#include <string>
#include <vector>

namespace sciagents::core::agents::pinn {

// One mean-squared term: residual r(x) = f + k g + sum_q (c_q + k d_q) q at the points of `x`.
struct LossTerm {
  std::string name;                  // "pde", "condition[0]", "data"
  Matrix x;                          // physical coordinates, d x n
  std::vector<Quantity> quantities;  // what the residual reads from the network
  ResidualCoefficients coef;
  double weight = 1.0;
  int order = 0;
};

// A term from an affine expression at the points `x`.
LossTerm makeTerm(std::string name, const AffineResidual& form, Matrix x, double weight);
// A data misfit term u(x_i) - u_obs_i.
LossTerm makeDataTerm(Matrix x, const Vector& u_obs, double weight);

// Not thread-safe: value() reuses per-term tapes so repeated evaluations allocate almost nothing.
class PinnLoss {
 public:
  // The network sees xi = scale .* x + shift (the domain mapped to [-1, 1]); derivatives are
  // chained back to the physical axes. With `unknown`, the last parameter is the coefficient k.
  PinnLoss(const TanhMlp& net, Vector scale, Vector shift, std::vector<LossTerm> terms,
           bool unknown);

  Eigen::Index dimension() const { return m_net.parameterCount() + (m_unknown ? 1 : 0); }
  bool hasUnknown() const { return m_unknown; }
  const std::vector<LossTerm>& terms() const { return m_terms; }
  const TanhMlp& net() const { return m_net; }

  // Loss at p (weights, then k); fills grad (resized) when non-null and per-term losses when asked.
  double value(const Vector& p, Vector* grad, Vector* per_term = nullptr) const;

  // Network value and input derivatives at physical points (d x n): u (n), ux and uxx (d x n).
  void predict(const Vector& p, const Matrix& x, Vector& u, Matrix* ux = nullptr,
               Matrix* uxx = nullptr) const;

 private:
  Matrix toNetwork(const Matrix& x) const;
  const TanhMlp& m_net;
  Vector m_scale, m_shift;
  std::vector<LossTerm> m_terms;
  std::vector<Matrix> m_xi;  // network inputs per term
  mutable std::vector<TanhMlp::Tape> m_tapes;
  bool m_unknown = false;
};

}  // namespace sciagents::core::agents::pinn
