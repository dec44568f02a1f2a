#include "server/process_stats.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#if defined(__linux__)
#include <unistd.h>
#endif

namespace sciagents::server {

namespace {
std::string readFile(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void metric(std::ostringstream& out, const char* name, const char* type, const char* help,
            double value) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
      << name << " ";
  out.precision(17);
  out << value << "\n";
}
}  // namespace

std::string processMetricsText() {
  std::ostringstream out;
#if defined(__linux__)
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const std::string stat = readFile("/proc/self/stat");
  const auto rp = stat.rfind(')');
  if (rp != std::string::npos) {
    std::istringstream fields(stat.substr(rp + 2));
    std::string f;
    // Fields after the command, starting at field 3 (state).
    std::vector<std::string> v;
    while (fields >> f) v.push_back(f);
    auto num = [&](std::size_t field) {
      return field - 3 < v.size() ? std::stod(v[field - 3]) : 0.0;
    };
    metric(out, "process_cpu_seconds_total", "counter",
           "Total user and system CPU time spent in seconds.", (num(14) + num(15)) / ticks);
    double btime = 0;
    std::istringstream ps(readFile("/proc/stat"));
    std::string line;
    while (std::getline(ps, line))
      if (line.rfind("btime ", 0) == 0) btime = std::stod(line.substr(6));
    metric(out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.", btime + num(22) / ticks);
    metric(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", num(23));
    metric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           num(24) * page);
  }
  std::size_t fds = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++fds;
  metric(out, "process_open_fds", "gauge", "Number of open file descriptors.",
         static_cast<double>(fds));
#endif
  return out.str();
}

}  // namespace sciagents::server
