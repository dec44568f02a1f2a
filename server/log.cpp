#include "server/log.h"

#include "core/util/clock.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace sciagents::server {

namespace {
std::atomic<bool> g_json{false};
}

void setupLogging(LogFormat format, spdlog::level::level_enum level) {
  g_json = format == LogFormat::Json;
  auto logger = spdlog::stderr_logger_mt("sciagents-server");
  logger->set_level(level);
  if (g_json)
    logger->set_pattern("%v");
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e [%l] %v");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void logEvent(spdlog::level::level_enum level, std::string_view msg, const nlohmann::json& fields) {
  if (!spdlog::should_log(level)) return;
  if (g_json) {
    nlohmann::json line = nlohmann::json::object();
    line["ts"] = core::isoTimeMicros(core::unixMicros());
    line["level"] = std::string(spdlog::level::to_string_view(level).data(),
                                spdlog::level::to_string_view(level).size());
    line["msg"] = msg;
    if (fields.is_object())
      for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
    spdlog::log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  std::string text(msg);
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it)
      text += " " + it.key() + "=" +
              (it.value().is_string()
                   ? it.value().get<std::string>()
                   : it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  spdlog::log(level, "{}", text);
}

}  // namespace sciagents::server
