// Structured logging over spdlog: text ("msg key=value ...") or one JSON object per line
// ({"ts","level","msg", fields...}). Logs go to stderr; stdout carries only the `listening on`
// line.
#pragma once

#include "server/server_config.h"

#include <spdlog/common.h>
#include <nlohmann/json.hpp>

#include <string_view>

namespace sciagents::server {

void setupLogging(LogFormat format, spdlog::level::level_enum level);
// `fields` is a JSON object (may be empty/null).
void logEvent(spdlog::level::level_enum level, std::string_view msg,
              const nlohmann::json& fields = {});

}  // namespace sciagents::server
