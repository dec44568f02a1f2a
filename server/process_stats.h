// Process metrics from /proc/self in Prometheus text format (process_cpu_seconds_total, ...).
#pragma once

#include <string>

namespace sciagents::server {

std::string processMetricsText();

}  // namespace sciagents::server
