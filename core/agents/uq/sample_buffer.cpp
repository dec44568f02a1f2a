#include "core/agents/uq/sample_buffer.h"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sciagents::core::agents::uq {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}  // namespace

SampleBuffer::SampleBuffer(std::size_t n) : m_size(n) {
  const std::size_t bytes = n * sizeof(double);
  void* p = nullptr;
#if defined(__linux__)
  if (bytes >= kHugePage) {
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    p = std::aligned_alloc(kHugePage, rounded);
    if (p) madvise(p, rounded, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
  }
#endif
  if (!p) p = std::malloc(bytes > 0 ? bytes : 1);
  if (!p) throw std::bad_alloc();
  m_data.reset(static_cast<double*>(p));
}

void SampleBuffer::Free::operator()(double* p) const { std::free(p); }

}  // namespace sciagents::core::agents::uq
