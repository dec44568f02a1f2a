// Wall time, CPU time and peak resident memory of a piece of work run on the calling thread.
//
// CPU time is measured twice: for the calling thread, which runs the task (CLOCK_THREAD_CPUTIME_ID:
// immune to load and to other threads, but work the task hands to a thread pool is not counted),
// and for the whole process (CLOCK_PROCESS_CPUTIME_ID: every thread, including BLAS helper threads
// that spin-wait after each call, which adds a near-constant cost per call and flattens the
// apparent scaling at small sizes). Peak memory is the growth of the process's resident high-water
// mark (VmHWM in /proc/self/status) over the resident size before the run; on Linux the mark is
// first reset to the current RSS (writing "5" to /proc/self/clear_refs), so each run reports its
// own peak. Both are process-wide: other steps running at the same time in the same process add to
// them. Where /proc is unavailable memory is reported as NaN.
#pragma once

#include <string>

namespace sciagents::core::agents::profiler {

struct Measurement {
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;          // calling thread
  double process_cpu_seconds = 0.0;  // all threads of the process
  double peak_bytes = 0.0;           // growth of the peak RSS during the run (NaN when unavailable)
};

class ResourceMeter {
 public:
  ResourceMeter();
  void start();
  Measurement stop() const;
  // "vmhwm_reset" (peak of each run), "vmhwm_delta" (growth beyond the previous peak only: the
  // kernel refused the reset) or "unavailable".
  const std::string& memoryMethod() const { return m_memory_method; }

 private:
  std::string m_memory_method;
  double m_wall0 = 0.0, m_cpu0 = 0.0, m_pcpu0 = 0.0, m_rss0 = 0.0, m_hwm0 = 0.0;
};

}  // namespace sciagents::core::agents::profiler
