#include "core/agents/inverse/mcmc.h"

#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sciagents::core::agents::inverse {

Chain::Chain(std::unique_ptr<LogDensity> density, const Vector& start, const Matrix& cov0,
             const ChainSettings& s, std::uint64_t index)
    : m_f(std::move(density)),
      m_s(s),
      m_stream(s.seed, 2 * index + 1),
      m_d(start.size()),
      m_x(start),
      m_y(start.size()),
      m_z(start.size()),
      m_mean(Vector::Zero(start.size())),
      m_cov(cov0),
      m_m2(Matrix::Zero(start.size(), start.size())),
      m_sd(2.38 * 2.38 / static_cast<double>(start.size())) {
  // Stream layout per step: 2*ceil(d/2) uniforms for the Gaussians, then one for the acceptance
  // test.
  m_stride = 2 * ((m_d + 1) / 2) + 2;
  m_draws.resize(s.samples / s.thin, m_d);
  m_logp = m_logp0 = (*m_f)(m_x);
  if (!std::isfinite(m_logp))
    throw Error(ErrorCode::RunFailed,
                "chain " + std::to_string(index) + " starts where the posterior density is zero");
  m_chol = Eigen::LLT<Matrix>(m_cov).matrixL();
}

void Chain::refreshProposal() {
  // Haario: s_d * (empirical covariance + eps I), from the burn-in draws so far.
  const auto n = static_cast<double>(m_t + 1);  // burn-in draws accumulated so far
  Matrix c = m_m2 / std::max(1.0, n - 1);
  const double eps = 1e-10 * std::max(c.diagonal().maxCoeff(), std::numeric_limits<double>::min());
  c.diagonal().array() += eps;
  Eigen::LLT<Matrix> llt(m_sd * c);
  if (llt.info() != Eigen::Success) return;  // keep the previous proposal
  m_cov = m_sd * c;
  m_chol = llt.matrixL();
}

void Chain::advance(Eigen::Index steps) {
  const Eigen::Index end = std::min(total(), m_t + steps);
  for (; m_t < end; ++m_t) {
    const auto base = static_cast<std::uint64_t>(m_t) * static_cast<std::uint64_t>(m_stride);
    gaussians(m_stream, base, m_z.data(), m_d);
    m_y.noalias() = m_x + m_chol.triangularView<Eigen::Lower>() * m_z;
    const double ly = (*m_f)(m_y);
    const double u = m_stream.uniform(base + static_cast<std::uint64_t>(m_stride) - 1);
    const bool burn = m_t < m_s.burn_in;
    if (std::isfinite(ly) && std::log(u) < ly - m_logp) {
      m_x.swap(m_y);
      m_logp = ly;
      ++(burn ? m_accepted_burn : m_accepted);
    }
    if (burn) {
      if (m_s.adapt) {  // Welford update of the burn-in mean and scatter
        const double k = static_cast<double>(m_t + 1);
        m_z.noalias() = m_x - m_mean;
        m_mean.noalias() += m_z / k;
        m_m2.noalias() += m_z * (m_x - m_mean).transpose();
        if ((m_t + 1) % m_s.adapt_every == 0 && m_t + 1 >= 2 * m_d + 2) refreshProposal();
      }
    } else {
      const Eigen::Index after = m_t - m_s.burn_in;
      if ((after + 1) % m_s.thin == 0 && m_kept < m_draws.rows())
        m_draws.row(m_kept++) = m_x.transpose();
    }
  }
}

namespace {

struct Pooled {
  double w = 0, var_plus = 0;
  std::vector<Vector> chains;  // centred halves
};

// Split every chain in two halves (dropping the middle draw of an odd count).
Pooled splitStats(const std::vector<const Matrix*>& draws, Eigen::Index j, Eigen::Index rows) {
  Pooled p;
  const Eigen::Index half = rows / 2;
  Vector means;
  std::vector<Vector> parts;
  for (const Matrix* d : draws) {
    parts.push_back(d->col(j).head(half));
    parts.push_back(d->col(j).segment(rows - half, half));
  }
  const auto m = static_cast<double>(parts.size()), n = static_cast<double>(half);
  means.resize(static_cast<Eigen::Index>(parts.size()));
  for (std::size_t c = 0; c < parts.size(); ++c) {
    means[static_cast<Eigen::Index>(c)] = parts[c].mean();
    Vector centred = parts[c].array() - parts[c].mean();
    p.w += centred.squaredNorm() / (n - 1);
    p.chains.push_back(std::move(centred));
  }
  p.w /= m;
  const double b_over_n = (means.array() - means.mean()).square().sum() / (m - 1);
  p.var_plus = (n - 1) / n * p.w + b_over_n;
  return p;
}

}  // namespace

double splitRhat(const std::vector<const Matrix*>& draws, Eigen::Index j, Eigen::Index rows) {
  if (rows < 4) return NAN;
  const Pooled p = splitStats(draws, j, rows);
  if (p.w <= 0) return p.var_plus <= 0 ? 1.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(p.var_plus / p.w);
}

double effectiveSampleSize(const std::vector<const Matrix*>& draws, Eigen::Index j,
                           Eigen::Index rows) {
  if (rows < 4) return NAN;
  const Pooled p = splitStats(draws, j, rows);
  const Eigen::Index n = rows / 2;
  const auto m = static_cast<double>(p.chains.size());
  if (p.var_plus <= 0) return NAN;
  // rho_t = 1 - (W - mean_c acov_c(t)) / var+, acov with divisor n (Stan).
  auto rho = [&](Eigen::Index t) {
    double acov = 0;
    for (const Vector& c : p.chains)
      acov += c.head(n - t).dot(c.tail(n - t)) / static_cast<double>(n);
    acov /= m;
    return 1.0 - (p.w - acov) / p.var_plus;
  };
  // Geyer's initial positive, monotone sequence of pair sums P_k = rho_2k + rho_2k+1.
  double tau_sum = 0, prev = std::numeric_limits<double>::infinity();
  for (Eigen::Index k = 0; 2 * k + 1 < n; ++k) {
    double pk = (k == 0 ? 1.0 : rho(2 * k)) + rho(2 * k + 1);
    if (pk <= 0) break;
    pk = std::min(pk, prev);
    prev = pk;
    tau_sum += pk;
  }
  const double tau = std::max(-1.0 + 2.0 * tau_sum, 1.0 / std::log10(m * static_cast<double>(n)));
  return m * static_cast<double>(n) / tau;
}

}  // namespace sciagents::core::agents::inverse
