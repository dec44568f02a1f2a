#include "core/metrics/process_sample.h"

#include <fstream>
#include <sstream>
#include <vector>

#if defined(__linux__)
#include <unistd.h>
#endif

namespace sciagents::core::metrics {

ProcessSample ProcessSample::read() {
  ProcessSample p;
#if defined(__linux__)
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto rp = text.rfind(')');  // the command may contain spaces and parentheses
  if (rp != std::string::npos && rp + 2 < text.size()) {
    std::istringstream fields(text.substr(rp + 2));
    std::vector<std::string> v;  // v[0] is field 3 (state)
    for (std::string f; fields >> f;) v.push_back(f);
    if (v.size() > 12) {
      const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      p.cpu_seconds =
          (std::stod(v[11]) + std::stod(v[12])) / ticks;  // utime, stime (fields 14, 15)
      p.valid = true;
    }
  }
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream in(line.substr(6));
      double kb = 0.0;
      in >> kb;
      p.resident_bytes = kb * 1024.0;
      break;
    }
  }
#endif
  return p;
}

std::string ProcessSample::exposition() const {
  std::ostringstream out;
  out.precision(17);
  out << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
      << "# TYPE process_cpu_seconds_total counter\n"
      << "process_cpu_seconds_total " << cpu_seconds << "\n"
      << "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
      << "# TYPE process_resident_memory_bytes gauge\n"
      << "process_resident_memory_bytes " << resident_bytes << "\n";
  return out.str();
}

}  // namespace sciagents::core::metrics
