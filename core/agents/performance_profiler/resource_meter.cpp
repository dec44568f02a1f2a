#include "core/agents/performance_profiler/resource_meter.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>

namespace sciagents::core::agents::profiler {

namespace {

// VmRSS and VmHWM in bytes (NaN when /proc/self/status cannot be read).
void readStatus(double& rss, double& hwm) {
  rss = hwm = NAN;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    const bool is_rss = line.rfind("VmRSS:", 0) == 0, is_hwm = line.rfind("VmHWM:", 0) == 0;
    if (!is_rss && !is_hwm) continue;
    std::istringstream in(line.substr(6));
    double kb = 0.0;
    if (in >> kb) (is_rss ? rss : hwm) = kb * 1024.0;
  }
}

bool resetPeak() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

double cpuNow(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double wallNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ResourceMeter::ResourceMeter() {
  double rss = NAN, hwm = NAN;
  readStatus(rss, hwm);
  m_memory_method = std::isnan(hwm) ? "unavailable" : resetPeak() ? "vmhwm_reset" : "vmhwm_delta";
}

void ResourceMeter::start() {
  if (m_memory_method == "vmhwm_reset") resetPeak();
  readStatus(m_rss0, m_hwm0);
  m_pcpu0 = cpuNow(CLOCK_PROCESS_CPUTIME_ID);
  m_cpu0 = cpuNow(CLOCK_THREAD_CPUTIME_ID);
  m_wall0 = wallNow();
}

Measurement ResourceMeter::stop() const {
  Measurement m;
  m.wall_seconds = wallNow() - m_wall0;
  m.cpu_seconds = cpuNow(CLOCK_THREAD_CPUTIME_ID) - m_cpu0;
  m.process_cpu_seconds = cpuNow(CLOCK_PROCESS_CPUTIME_ID) - m_pcpu0;
  double rss = NAN, hwm = NAN;
  readStatus(rss, hwm);
  if (m_memory_method == "vmhwm_reset")
    m.peak_bytes = std::max(0.0, hwm - m_rss0);
  else if (m_memory_method == "vmhwm_delta")
    m.peak_bytes = std::max(0.0, hwm - m_hwm0);
  else
    m.peak_bytes = NAN;
  return m;
}

}  // namespace sciagents::core::agents::profiler
