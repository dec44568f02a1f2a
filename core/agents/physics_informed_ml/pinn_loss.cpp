#include "core/agents/physics_informed_ml/pinn_loss.h"

namespace sciagents::core::agents::pinn {

LossTerm makeTerm(std::string name, const AffineResidual& form, Matrix x, double weight) {
  LossTerm t;
  t.name = std::move(name);
  t.coef = form.at(x);
  t.x = std::move(x);
  t.quantities = form.quantities();
  t.weight = weight;
  t.order = form.order();
  return t;
}

LossTerm makeDataTerm(Matrix x, const Vector& u_obs, double weight) {
  LossTerm t;
  t.name = "data";
  const Eigen::Index n = x.cols();
  t.x = std::move(x);
  t.quantities = {{0, 0, "u"}};
  t.coef.f = -u_obs;
  t.coef.g = Vector::Zero(n);
  t.coef.c = {Vector::Ones(n)};
  t.coef.d = {Vector::Zero(n)};
  t.weight = weight;
  return t;
}

PinnLoss::PinnLoss(const TanhMlp& net, Vector scale, Vector shift, std::vector<LossTerm> terms,
                   bool unknown)
    : m_net(net),
      m_scale(std::move(scale)),
      m_shift(std::move(shift)),
      m_terms(std::move(terms)),
      m_unknown(unknown) {
  for (const auto& t : m_terms) m_xi.push_back(toNetwork(t.x));
  m_tapes.resize(m_terms.size());
}

Matrix PinnLoss::toNetwork(const Matrix& x) const {
  return ((m_scale.asDiagonal() * x).colwise() + m_shift).eval();
}

double PinnLoss::value(const Vector& p, Vector* grad, Vector* per_term) const {
  const Eigen::Index nw = m_net.parameterCount();
  const Vector theta = p.head(nw);
  const double k = m_unknown ? p[nw] : 0.0;
  if (grad) grad->setZero(dimension());
  if (per_term) per_term->resize(static_cast<Eigen::Index>(m_terms.size()));
  Vector theta_grad = Vector::Zero(nw);
  double total = 0.0, gk = 0.0;
  for (std::size_t ti = 0; ti < m_terms.size(); ++ti) {
    const LossTerm& t = m_terms[ti];
    TanhMlp::Tape& tape = m_tapes[ti];
    m_net.forward(theta, m_xi[ti], t.order, tape);
    const Eigen::Index n = t.x.cols();
    auto quantity = [&](const Quantity& q) -> Vector {
      if (q.order == 0) return tape.u;
      const double s = m_scale[q.axis];
      return q.order == 1 ? Vector(tape.ux.row(q.axis).transpose() * s)
                          : Vector(tape.uxx.row(q.axis).transpose() * (s * s));
    };
    std::vector<Vector> qv;
    Vector r = t.coef.f + k * t.coef.g;
    for (std::size_t v = 0; v < t.quantities.size(); ++v) {
      qv.push_back(quantity(t.quantities[v]));
      r.array() += (t.coef.c[v] + k * t.coef.d[v]).array() * qv.back().array();
    }
    const double term = t.weight * r.squaredNorm() / static_cast<double>(n);
    total += term;
    if (per_term) (*per_term)[static_cast<Eigen::Index>(ti)] = term;
    if (!grad) continue;
    const Vector gr = (2.0 * t.weight / static_cast<double>(n)) * r;
    Vector gu = Vector::Zero(n);
    Matrix gux = Matrix::Zero(t.order >= 1 ? m_net.inputs() : 0, n),
           guxx = Matrix::Zero(t.order >= 2 ? m_net.inputs() : 0, n);
    Vector dk = t.coef.g;
    for (std::size_t v = 0; v < t.quantities.size(); ++v) {
      const Quantity& q = t.quantities[v];
      const Vector gq = gr.cwiseProduct(t.coef.c[v] + k * t.coef.d[v]);
      dk += t.coef.d[v].cwiseProduct(qv[v]);
      const double s = m_scale[q.axis];
      if (q.order == 0)
        gu += gq;
      else if (q.order == 1)
        gux.row(q.axis) += s * gq.transpose();
      else
        guxx.row(q.axis) += (s * s) * gq.transpose();
    }
    gk += gr.dot(dk);
    m_net.backward(theta, tape, gu, gux, guxx, theta_grad);
  }
  if (grad) {
    grad->head(nw) = theta_grad;
    if (m_unknown) (*grad)[nw] = gk;
  }
  return total;
}

void PinnLoss::predict(const Vector& p, const Matrix& x, Vector& u, Matrix* ux, Matrix* uxx) const {
  const Matrix xi = toNetwork(x);
  TanhMlp::Tape tape;
  m_net.forward(p.head(m_net.parameterCount()), xi, uxx ? 2 : ux ? 1 : 0, tape);
  u = tape.u;
  if (ux) *ux = m_scale.asDiagonal() * tape.ux;
  if (uxx) *uxx = m_scale.array().square().matrix().asDiagonal() * tape.uxx;
}

}  // namespace sciagents::core::agents::pinn
