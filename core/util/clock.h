#pragma once

#include <cstdint>
#include <string>

namespace sciagents::core {
std::int64_t unixMicros();                // wall clock, microseconds since the epoch
std::string isoTimeMicros(std::int64_t);  // "2026-11-29T06:33:50.123456Z"
std::string hostName();
}  // namespace sciagents::core
