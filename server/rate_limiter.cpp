#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace sciagents::server {

RateLimiter::RateLimiter(double rate_per_s, double burst)
    : m_rate(rate_per_s), m_burst(std::max(1.0, burst)) {}

int RateLimiter::acquire(const std::string& key, std::chrono::steady_clock::time_point now) {
  if (m_rate <= 0) return 0;
  std::lock_guard lock(m_mutex);
  auto [it, inserted] = m_buckets.try_emplace(key, Bucket{m_burst, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double dt = std::chrono::duration<double>(now - b.last).count();
    if (dt > 0) b.tokens = std::min(m_burst, b.tokens + dt * m_rate);
    b.last = std::max(b.last, now);
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  const double wait = std::ceil((1.0 - b.tokens) / m_rate);
  return wait >= 86400 ? 86400 : std::max(1, static_cast<int>(wait));
}

}  // namespace sciagents::server
