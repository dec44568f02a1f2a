// sciagents health [--server URL]: a server's readiness (GET /livez and /readyz), or without
// --server the local installation (agent registry, writable result cache). Used as the container
// HEALTHCHECK.
#include "app/cli/commands.h"

#include "app/cli/http_client.h"
#include "app/cli/remote_run.h"
#include "core/agent/agent_registry.h"
#include "core/util/process_info.h"
#include "core/util/version.h"
#include "core/workflow/result_cache.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace sciagents::cli {

namespace {

std::string num(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return "?";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

int serverHealth(const CliOptions& o, const std::string& url) {
  try {
    HttpClient client(url, {}, std::chrono::seconds(5));
    const auto live = client.get("/livez");
    if (live.status != 200) {
      std::cout << "unhealthy: " << client.url().origin() << "/livez: " << describeHttpError(live)
                << "\n";
      return kRunFailed;
    }
    const auto ready = client.get("/readyz");
    auto j = nlohmann::json::parse(ready.body, nullptr, false);
    if (ready.status == 200 && j.is_object()) {
      if (o.json)
        std::cout << j.dump(2) << "\n";
      else
        std::cout << "healthy: " << num(j, "version") << ", queue " << num(j, "queue")
                  << ", running " << num(j, "running") << "\n";
      return kOk;
    }
    if (o.json && j.is_object())
      std::cout << j.dump(2) << "\n";
    else
      std::cout << "unhealthy: " << client.url().origin() << "/readyz: " << describeHttpError(ready)
                << "\n";
    return kRunFailed;
  } catch (const HttpError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.kind() == HttpError::Kind::BadUrl ? kInvalid : kUnreachable;
  }
}

int localHealth(const CliOptions& o, const core::AgentRegistry& reg) {
  std::vector<std::string> problems;
  std::size_t agents = 0, tasks = 0;
  try {
    agents = reg.agents().size();
    for (const auto& a : reg.agents()) tasks += a.tasks.size();
    if (agents == 0) problems.push_back("the agent registry is empty");
  } catch (const std::exception& e) {
    problems.push_back(std::string("the agent registry does not load: ") + e.what());
  }
  const std::filesystem::path cache = core::ResultCache::defaultDir();
  std::error_code ec;
  std::filesystem::create_directories(cache, ec);
  if (ec) {
    problems.push_back("cannot create the result cache " + cache.string() + ": " + ec.message());
  } else {
    const auto probe = cache / (".health-probe-" + std::to_string(core::currentProcessId()));
    {
      std::ofstream f(probe, std::ios::binary | std::ios::trunc);
      f << "ok\n";
      if (!f) problems.push_back("the result cache " + cache.string() + " is not writable");
    }
    std::filesystem::remove(probe, ec);
  }
  if (o.json) {
    nlohmann::json j = {{"healthy", problems.empty()},
                        {"version", sciagents::kVersion},
                        {"agents", agents},
                        {"tasks", tasks},
                        {"cache_dir", cache.string()},
                        {"problems", problems}};
    std::cout << j.dump(2) << "\n";
  } else if (problems.empty()) {
    std::cout << "healthy: sciagents " << sciagents::kVersion << ", " << agents << " agents, "
              << tasks << " tasks, cache " << cache.string() << " writable\n";
  } else {
    for (const auto& p : problems) std::cout << "unhealthy: " << p << "\n";
  }
  return problems.empty() ? kOk : kRunFailed;
}

}  // namespace

int healthCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (!o.positional.empty()) {
    std::cerr << "error: health takes no file\n\n" << commandHelp("health");
    return kInvalid;
  }
  std::string server = o.server;
  if (server.empty())
    if (const char* s = std::getenv("SCIAGENTS_SERVER"); s && *s) server = s;
  return server.empty() ? localHealth(o, registry) : serverHealth(o, server);
}

}  // namespace sciagents::cli
