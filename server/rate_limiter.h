// Per-key token buckets (rate r/s, burst b). Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sciagents::server {

class RateLimiter {
 public:
  RateLimiter(double rate_per_s, double burst);  // rate <= 0: unlimited
  // 0 when allowed; otherwise the whole seconds to wait before retrying (>= 1).
  int acquire(const std::string& key,
              std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  double m_rate;
  double m_burst;
  std::mutex m_mutex;
  std::unordered_map<std::string, Bucket> m_buckets;
};

}  // namespace sciagents::server
