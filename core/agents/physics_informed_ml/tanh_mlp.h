// A small fully connected tanh network u(x) (d inputs, one output, linear last layer) with exact
// input derivatives and the exact parameter gradient of any loss built from them.
//
// Forward mode carries, per layer and per point, the activation h, its first input derivatives
// dh/dx_j and its pure second derivatives d2h/dx_j^2 (mixed ones are not needed by the PINN
// residuals we accept). Reverse mode then back-propagates through that derivative propagation, so
// the gradient w.r.t. the weights of sum_i (gu_i u_i + sum_j gux_ji u_xj,i + guxx_ji u_xjxj,i) is
// exact — no finite differences anywhere. Points are columns; everything is Eigen matrix products.
#pragma once

#include "core/value/value.h"

#include <cstdint>
#include <vector>

namespace sciagents::core::agents::pinn {

class TanhMlp {
 public:
  // `sizes` = [inputs, hidden..., 1]; at least one hidden layer.
  explicit TanhMlp(std::vector<int> sizes);

  const std::vector<int>& sizes() const { return m_sizes; }
  int inputs() const { return m_sizes.front(); }
  Eigen::Index parameterCount() const { return m_count; }

  // Glorot-normal weights, zero biases; deterministic in `seed` (counter-based stream).
  Vector initialParameters(std::uint64_t seed) const;

  // What forward() computed, kept for backward(). order: 0 value, 1 + first, 2 + second
  // derivatives.
  struct Tape {
    int order = 0;
    Eigen::Index points = 0;
    Vector u;    // n
    Matrix ux;   // d x n: du/dx_j
    Matrix uxx;  // d x n: d2u/dx_j^2
    const Matrix* x = nullptr;
    std::vector<Matrix> h;                // per hidden layer: tanh activations (width x n)
    std::vector<std::vector<Matrix>> hj;  // per hidden layer, per input j: dh/dx_j
    std::vector<std::vector<Matrix>> hjj;
    std::vector<std::vector<Matrix>> zj;  // pre-activation derivatives (needed by backward)
    std::vector<std::vector<Matrix>> zjj;
    // Scratch of backward(), kept so repeated passes over the same points allocate nothing.
    Matrix gz, gh, ghj, ghjj, next;
    std::vector<Matrix> gzj, gzjj;
  };

  // `x` is d x n and must outlive the tape. A tape reused for the same point count reuses its
  // memory.
  void forward(const Vector& theta, const Matrix& x, int order, Tape& tape) const;

  // grad += d/dtheta of sum_i gu_i u_i + sum_j (gux_ji u_xj,i + guxx_ji u_xjxj,i). `gux`/`guxx` are
  // d x n (ignored beyond the tape's order; may be empty then).
  void backward(const Vector& theta, Tape& tape, const Vector& gu, const Matrix& gux,
                const Matrix& guxx, Vector& grad) const;

 private:
  Eigen::Index weightOffset(std::size_t layer) const { return m_offsets[layer]; }
  std::vector<int> m_sizes;
  std::vector<Eigen::Index> m_offsets;  // start of W_l; b_l follows W_l (column-major out x in)
  Eigen::Index m_count = 0;
};

}  // namespace sciagents::core::agents::pinn
