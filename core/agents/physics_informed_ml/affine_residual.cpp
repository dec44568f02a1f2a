#include "core/agents/physics_informed_ml/affine_residual.h"

#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace sciagents::core::agents::pinn {

namespace {

std::string pointText(const std::vector<std::string>& axes, const Matrix& x, Eigen::Index i) {
  std::ostringstream os;
  os.precision(6);
  for (std::size_t a = 0; a < axes.size(); ++a)
    os << (a ? ", " : "") << axes[a] << "=" << x(static_cast<Eigen::Index>(a), i);
  return os.str();
}

// The variables of the expression: axes, then the quantities it uses, then the unknown.
std::vector<std::string> variablesFor(const std::string& param, const std::string& text,
                                      const std::vector<std::string>& axes,
                                      const Constants& constants, const std::string& unknown,
                                      std::vector<Quantity>& quantities, bool& uses_unknown) {
  for (const auto& id : expressionIdentifiers(text)) {
    if (std::find(axes.begin(), axes.end(), id) != axes.end() || constants.count(id)) continue;
    if (!unknown.empty() && id == unknown) {
      uses_unknown = true;
      continue;
    }
    if (id == "u") {
      quantities.push_back({0, 0, id});
      continue;
    }
    if (id.rfind("u_", 0) != 0) continue;  // left to the expression compiler: "unknown variable"
    const std::string suffix = id.substr(2);
    bool found = false;
    for (std::size_t a = 0; a < axes.size() && !found; ++a) {
      if (suffix == axes[a])
        quantities.push_back({1, static_cast<int>(a), id}), found = true;
      else if (suffix == axes[a] + axes[a])
        quantities.push_back({2, static_cast<int>(a), id}), found = true;
    }
    if (!found) {
      std::string names;
      for (const auto& a : axes) names += (names.empty() ? "" : ", ") + ("u_" + a + ", u_" + a + a);
      throw paramError(param, "'" + id + "' is not a supported derivative (available: u, " + names +
                                  "; mixed derivatives such as u_xy are not supported)");
    }
  }
  std::vector<std::string> vars = axes;
  for (const auto& q : quantities) vars.push_back(q.name);
  if (uses_unknown) vars.push_back(unknown);
  return vars;
}

}  // namespace

AffineResidual::AffineResidual(std::string param, const std::string& text,
                               const std::vector<std::string>& axes, const Constants& constants,
                               const std::string& unknown)
    : m_param(std::move(param)), m_text(text), m_axes(axes), m_expr([&] {
        try {
          return Expression(
              text,
              variablesFor(m_param, text, axes, constants, unknown, m_quantities, m_uses_unknown),
              constants);
        } catch (const Error& e) {
          if (!e.param().empty()) throw;
          throw paramError(m_param, e.bareMessage());
        }
      }()) {}

int AffineResidual::order() const {
  int o = 0;
  for (const auto& q : m_quantities) o = std::max(o, q.order);
  return o;
}

ResidualCoefficients AffineResidual::at(const Matrix& x) const {
  const Eigen::Index n = x.cols(), d = x.rows();
  const auto nq = static_cast<Eigen::Index>(m_quantities.size());
  const Eigen::Index nv = d + nq + (m_uses_unknown ? 1 : 0);
  // Variable-major buffer for evalMany: axes first, then the quantity and unknown slots.
  Matrix buf = Matrix::Zero(n, nv);
  buf.leftCols(d) = x.transpose();
  auto eval = [&] {
    Vector r(n);
    m_expr.evalMany(buf.data(), static_cast<std::size_t>(n), r.data());
    return r;
  };
  auto setSlots = [&](const Vector& q, double k) {
    for (Eigen::Index v = 0; v < nq; ++v) buf.col(d + v).setConstant(q[v]);
    if (m_uses_unknown) buf.col(nv - 1).setConstant(k);
  };
  ResidualCoefficients c;
  setSlots(Vector::Zero(nq), 0);
  c.f = eval();
  for (Eigen::Index i = 0; i < n; ++i)
    if (!std::isfinite(c.f[i]))
      throw paramError(m_param, "'" + m_text + "' is not finite at " + pointText(m_axes, x, i) +
                                    " (with u and its "
                                    "derivatives set to 0)");
  c.g = Vector::Zero(n);
  if (m_uses_unknown) {
    setSlots(Vector::Zero(nq), 1);
    c.g = eval() - c.f;
  }
  for (Eigen::Index v = 0; v < nq; ++v) {
    setSlots(Vector::Unit(nq, v), 0);
    c.c.push_back(eval() - c.f);
    if (m_uses_unknown) {
      setSlots(Vector::Unit(nq, v), 1);
      c.d.push_back(eval() - c.f - c.g - c.c.back());
    } else {
      c.d.push_back(Vector::Zero(n));
    }
  }
  // Verify the affine form at two probes that are not unit vectors.
  for (int probe = 0; probe < 2; ++probe) {
    Vector q(nq);
    for (Eigen::Index v = 0; v < nq; ++v)
      q[v] =
          probe == 0 ? 0.37 + 0.61 * static_cast<double>(v) : -1.3 + 0.29 * static_cast<double>(v);
    const double k = probe == 0 ? 0.71 : -1.9;
    setSlots(q, k);
    const Vector r = eval();
    Vector pred = c.f + k * c.g, scale = c.f.cwiseAbs() + std::abs(k) * c.g.cwiseAbs();
    for (Eigen::Index v = 0; v < nq; ++v) {
      const Vector coef = c.c[static_cast<std::size_t>(v)] + k * c.d[static_cast<std::size_t>(v)];
      pred += coef * q[v];
      scale += coef.cwiseAbs() * std::abs(q[v]);
    }
    for (Eigen::Index i = 0; i < n; ++i)
      if (!(std::abs(r[i] - pred[i]) <= 1e-9 * (1.0 + scale[i] + std::abs(r[i]))))
        throw paramError(
            m_param,
            "'" + m_text + "' must be affine in u and its derivatives" +
                std::string(m_uses_unknown ? " and in the unknown (products unknown*u_xx are fine)"
                                           : "") +
                ", with coefficients depending on the coordinates only; it is not at " +
                pointText(m_axes, x, i) +
                " (nonlinear terms such as u*u_x, u^2 or sin(u) "
                "are not supported)");
  }
  return c;
}

}  // namespace sciagents::core::agents::pinn
