// Adaptive Metropolis (Haario, Saksman & Tamminen 2001) chains on counter-based random streams, and
// the multi-chain convergence diagnostics of Vehtari et al. (2021): split R-hat and the effective
// sample size with Geyer's initial monotone sequence.
#pragma once

#include "core/agents/inverse/inverse_common.h"

#include <memory>

namespace sciagents::core::agents::inverse {

// Unnormalised log density; -inf outside the support. One instance per chain (may keep scratch).
class LogDensity {
 public:
  virtual ~LogDensity() = default;
  virtual double operator()(const Vector& theta) = 0;
};

struct ChainSettings {
  Eigen::Index burn_in = 0, samples = 0, thin = 1;
  bool adapt = true;  // adapt the proposal covariance during burn-in (frozen afterwards)
  Eigen::Index adapt_every = 100;
  std::uint64_t seed = 0;
};

// One Markov chain. Step t uses deviates of its own stream at indices that depend only on t, so a
// chain is the same whatever runs beside it and however its steps are split into blocks.
class Chain {
 public:
  // cov0: initial proposal covariance (already scaled); index: chain number (selects the stream).
  Chain(std::unique_ptr<LogDensity> density, const Vector& start, const Matrix& cov0,
        const ChainSettings& s, std::uint64_t index);
  void advance(Eigen::Index steps);  // up to burn_in + samples in total
  Eigen::Index done() const { return m_t; }
  Eigen::Index total() const { return m_s.burn_in + m_s.samples; }

  const Matrix& draws() const {
    return m_draws;
  }  // kept draws (after burn-in, thinned), one per row
  Eigen::Index kept() const { return m_kept; }
  std::int64_t accepted() const { return m_accepted; }  // after burn-in
  std::int64_t acceptedBurnIn() const { return m_accepted_burn; }
  double logDensityAtStart() const { return m_logp0; }
  const Matrix& proposalCovariance() const { return m_cov; }

 private:
  void refreshProposal();
  std::unique_ptr<LogDensity> m_f;
  ChainSettings m_s;
  Stream m_stream;
  Eigen::Index m_d, m_t = 0, m_kept = 0, m_stride;
  Vector m_x, m_y, m_z, m_mean;
  Matrix m_cov, m_chol, m_m2, m_draws;
  double m_logp = 0, m_logp0 = 0, m_sd;
  std::int64_t m_accepted = 0, m_accepted_burn = 0;
};

// draws: one matrix per chain (same row count). Split R-hat and bulk ESS of column `j`.
double splitRhat(const std::vector<const Matrix*>& draws, Eigen::Index j, Eigen::Index rows);
double effectiveSampleSize(const std::vector<const Matrix*>& draws, Eigen::Index j,
                           Eigen::Index rows);

}  // namespace sciagents::core::agents::inverse
