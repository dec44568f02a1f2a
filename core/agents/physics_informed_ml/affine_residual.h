// A PDE residual, boundary condition or observation operator given as an expression in the axes
// (x, y, t...), the network output and its derivatives (u, u_x, u_xx, u_t...) and optionally one
// unknown coefficient (pinn_inverse). It must be affine in the network quantities, with
// coefficients that are arbitrary expressions of the axes and affine in the unknown:
//
//   r = f(x) + g(x) k + sum_q (c_q(x) + k d_q(x)) q,   q in {u, u_x, u_xx, ...}
//
// which covers linear PDEs (Poisson, heat, advection-diffusion, Helmholtz) and an unknown source
// strength, diffusivity or reaction rate. The coefficients are read off once per point set by
// evaluating the expression at unit values of each quantity (exact for an affine form, no
// differencing step) and the affinity is verified at random probes: u*u_x, sin(u) or k^2 are
// rejected with a clear error instead of being trained on silently wrong gradients.
#pragma once

#include "core/expr/expression.h"
#include "core/value/value.h"

#include <string>
#include <vector>

namespace sciagents::core::agents::pinn {

// A network quantity: the value (order 0), or the first/second pure derivative along one axis.
struct Quantity {
  int order = 0;
  int axis = 0;
  std::string name;  // "u", "u_x", "u_xx"
};

struct ResidualCoefficients {
  Vector f, g;               // n each
  std::vector<Vector> c, d;  // per quantity, n each
};

class AffineResidual {
 public:
  // `param` names the task parameter in errors; `unknown` is the inverse problem's coefficient name
  // (empty for the forward problem).
  AffineResidual(std::string param, const std::string& text, const std::vector<std::string>& axes,
                 const Constants& constants, const std::string& unknown = {});

  const std::vector<Quantity>& quantities() const { return m_quantities; }
  int order() const;  // highest derivative order used (0, 1 or 2)
  bool usesUnknown() const { return m_uses_unknown; }
  const std::string& text() const { return m_text; }

  // Coefficients at the points `x` (d x n). Throws paramError when the form is not affine or a
  // coefficient is not finite, naming the point.
  ResidualCoefficients at(const Matrix& x) const;

 private:
  std::string m_param, m_text;
  std::vector<std::string> m_axes;
  std::vector<Quantity> m_quantities;
  bool m_uses_unknown = false;
  Expression m_expr;
};

}  // namespace sciagents::core::agents::pinn
