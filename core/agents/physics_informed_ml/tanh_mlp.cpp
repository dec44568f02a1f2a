#include "core/agents/physics_informed_ml/tanh_mlp.h"

#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <cmath>
#include <numbers>

namespace sciagents::core::agents::pinn {

namespace {
using ConstMap = Eigen::Map<const Matrix>;
using MutMap = Eigen::Map<Matrix>;
using ConstVec = Eigen::Map<const Vector>;
using MutVec = Eigen::Map<Vector>;
}  // namespace

TanhMlp::TanhMlp(std::vector<int> sizes) : m_sizes(std::move(sizes)) {
  if (m_sizes.size() < 3)
    throw Error(ErrorCode::InvalidInput, "a network needs at least one hidden layer");
  for (int s : m_sizes)
    if (s < 1) throw Error(ErrorCode::InvalidInput, "layer widths must be positive");
  for (std::size_t l = 0; l + 1 < m_sizes.size(); ++l) {
    m_offsets.push_back(m_count);
    m_count += static_cast<Eigen::Index>(m_sizes[l + 1]) * (m_sizes[l] + 1);
  }
}

Vector TanhMlp::initialParameters(std::uint64_t seed) const {
  Vector theta = Vector::Zero(m_count);
  const uq::Stream stream(seed, 7);
  std::uint64_t k = 0;
  auto normal = [&] {  // Box-Muller on the counter-based stream: identical on every platform
    const double u1 = stream.uniform(k++), u2 = stream.uniform(k++);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  };
  for (std::size_t l = 0; l + 1 < m_sizes.size(); ++l) {
    const double sd = std::sqrt(2.0 / (m_sizes[l] + m_sizes[l + 1]));
    const Eigen::Index nw = static_cast<Eigen::Index>(m_sizes[l]) * m_sizes[l + 1];
    for (Eigen::Index i = 0; i < nw; ++i) theta[m_offsets[l] + i] = sd * normal();
  }
  return theta;
}

void TanhMlp::forward(const Vector& theta, const Matrix& x, int order, Tape& t) const {
  const int d = inputs();
  const auto du = static_cast<std::size_t>(d);
  const Eigen::Index n = x.cols();
  const std::size_t layers = m_sizes.size() - 1;
  t.order = order;
  t.points = n;
  t.x = &x;
  if (t.h.size() != layers - 1 || t.hj.front().size() != du) {
    t.h.assign(layers - 1, {});
    t.hj.assign(layers - 1, std::vector<Matrix>(du));
    t.hjj = t.zj = t.zjj = t.hj;
  }
  if (order >= 1) t.ux.resize(d, n);
  if (order >= 2) t.uxx.resize(d, n);
  for (std::size_t l = 0; l < layers; ++l) {
    const int in = m_sizes[l], out = m_sizes[l + 1];
    const ConstMap W(theta.data() + m_offsets[l], out, in);
    const ConstVec b(theta.data() + m_offsets[l] + static_cast<Eigen::Index>(out) * in, out);
    if (l + 1 == layers) {  // linear output layer (there is at least one hidden layer before it)
      t.u.noalias() = (W.row(0) * t.h[l - 1]).transpose();
      t.u.array() += b[0];
      for (int j = 0; j < d && order >= 1; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        t.ux.row(j).noalias() = W.row(0) * t.hj[l - 1][ju];
        if (order >= 2) t.uxx.row(j).noalias() = W.row(0) * t.hjj[l - 1][ju];
      }
      break;
    }
    Matrix& h = t.h[l];
    h.noalias() = W * (l == 0 ? x : t.h[l - 1]);
    h.colwise() += b;
    h = h.array().tanh().matrix();
    const auto H = h.array();
    for (int j = 0; j < d && order >= 1; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      // The inputs' own derivatives are unit vectors (first) and zero (second).
      Matrix& zj = t.zj[l][ju];
      if (l == 0)
        zj = W.col(j).replicate(1, n);
      else
        zj.noalias() = W * t.hj[l - 1][ju];
      // h_j = f'(z) z_j and h_jj = f''(z) z_j^2 + f'(z) z_jj with f' = 1 - h^2, f'' = -2 h f'.
      t.hj[l][ju] = ((1.0 - H.square()) * zj.array()).matrix();
      if (order >= 2) {
        Matrix& zjj = t.zjj[l][ju];
        if (l == 0)
          zjj.setZero(out, n);
        else
          zjj.noalias() = W * t.hjj[l - 1][ju];
        t.hjj[l][ju] =
            ((1.0 - H.square()) * (zjj.array() - 2.0 * H * zj.array().square())).matrix();
      }
    }
  }
}

void TanhMlp::backward(const Vector& theta, Tape& t, const Vector& gu, const Matrix& gux,
                       const Matrix& guxx, Vector& grad) const {
  const int d = inputs(), order = t.order;
  const std::size_t layers = m_sizes.size() - 1;
  t.gzj.resize(static_cast<std::size_t>(d));
  t.gzjj.resize(static_cast<std::size_t>(d));
  t.gz = gu.transpose();
  for (int j = 0; j < d && order >= 1; ++j) {
    t.gzj[static_cast<std::size_t>(j)] = gux.row(j);
    if (order >= 2) t.gzjj[static_cast<std::size_t>(j)] = guxx.row(j);
  }
  for (std::size_t l = layers; l-- > 0;) {
    const int in = m_sizes[l], out = m_sizes[l + 1];
    const ConstMap W(theta.data() + m_offsets[l], out, in);
    MutMap gW(grad.data() + m_offsets[l], out, in);
    MutVec gb(grad.data() + m_offsets[l] + static_cast<Eigen::Index>(out) * in, out);
    gW.noalias() += t.gz * (l == 0 ? *t.x : t.h[l - 1]).transpose();
    gb += t.gz.rowwise().sum();
    for (int j = 0; j < d && order >= 1; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      if (l == 0) {
        gW.col(j) += t.gzj[ju].rowwise().sum();
      } else {
        gW.noalias() += t.gzj[ju] * t.hj[l - 1][ju].transpose();
        if (order >= 2) gW.noalias() += t.gzjj[ju] * t.hjj[l - 1][ju].transpose();
      }
    }
    if (l == 0) break;
    // Back through the tanh of the previous layer: h = f(z), h_j = f' z_j, h_jj = f'' z_j^2 + f'
    // z_jj, with f' = 1 - h^2 (s), f'' = -2 h s (p2), f''' = -2 s^2 + 4 h^2 s.
    const auto H = t.h[l - 1].array();
    const auto s = 1.0 - H.square();
    const auto p2 = -2.0 * H * s;
    t.gh.noalias() = W.transpose() * t.gz;
    t.next = (t.gh.array() * s).matrix();
    for (int j = 0; j < d && order >= 1; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      const auto zj = t.zj[l - 1][ju].array();
      t.ghj.noalias() = W.transpose() * t.gzj[ju];
      if (order >= 2) {
        const auto zjj = t.zjj[l - 1][ju].array();
        t.ghjj.noalias() = W.transpose() * t.gzjj[ju];
        const auto A = t.ghj.array();
        const auto B = t.ghjj.array();
        t.next.array() +=
            A * p2 * zj + B * ((-2.0 * s.square() + 4.0 * H.square() * s) * zj.square() + p2 * zjj);
        t.gzj[ju] = (A * s + 2.0 * B * p2 * zj).matrix();
        t.gzjj[ju] = (B * s).matrix();
      } else {
        t.next.array() += t.ghj.array() * p2 * zj;
        t.gzj[ju] = (t.ghj.array() * s).matrix();
      }
    }
    t.gz.swap(t.next);
  }
}

}  // namespace sciagents::core::agents::pinn
