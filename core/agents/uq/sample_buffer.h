// A large array of doubles for a sampling study's model values: on Linux it is asked to be backed
// by transparent huge pages (madvise), so first touching 10^7 values costs tens of page faults
// instead of tens of thousands (measured: a fifth of uq.monte_carlo's time at 10^7 samples).
#pragma once

#include <cstddef>
#include <memory>

namespace sciagents::core::agents::uq {

class SampleBuffer {
 public:
  SampleBuffer() = default;
  explicit SampleBuffer(std::size_t n);
  double* data() { return m_data.get(); }
  const double* data() const { return m_data.get(); }
  std::size_t size() const { return m_size; }

 private:
  struct Free {
    void operator()(double* p) const;
  };
  std::unique_ptr<double[], Free> m_data;
  std::size_t m_size = 0;
};

}  // namespace sciagents::core::agents::uq
