// CPU time and resident memory of this process (Linux: /proc/self/stat and /proc/self/status;
// elsewhere zeros), and the same as Prometheus text (process_cpu_seconds_total,
// process_resident_memory_bytes) for an in-process metrics view.
#pragma once

#include <string>

namespace sciagents::core::metrics {

struct ProcessSample {
  double cpu_seconds = 0.0;  // user + system
  double resident_bytes = 0.0;
  bool valid = false;

  static ProcessSample read();
  std::string exposition() const;
};

}  // namespace sciagents::core::metrics
