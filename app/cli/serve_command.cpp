// sciagents serve: the headless server, and `serve token create|list|revoke`.
#include "app/cli/commands.h"
#include "app/cli/serve_options.h"

#include "core/store/token_store.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "server/log.h"
#include "server/server.h"
#include "server/worker_protocol.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <optional>

namespace sciagents::cli {

namespace {

int tokenCommand(const CliOptions& o) {
  const auto& p = o.positional;
  const std::string sub = p.size() > 1 ? p[1] : "";
  const std::string data_dir = resolveDataDir(o);
  auto usage = [&] {
    std::cerr << "error: expected `serve token create NAME [--admin]`, `serve token list` or "
                 "`serve token revoke NAME`\n";
    return kInvalid;
  };
  if (sub != "create" && sub != "list" && sub != "revoke") return usage();
  if ((sub == "list" && p.size() != 2) || (sub != "list" && p.size() != 3)) return usage();
  try {
    core::store::TokenStore tokens(server::databaseFile(data_dir));
    if (sub == "create") {
      const auto scope = o.admin ? core::store::TokenScope::Admin : core::store::TokenScope::User;
      const std::string token = tokens.create(p[2], scope);
      std::cout << "Token '" << p[2] << "' (" << (o.admin ? "admin" : "user") << ") created in "
                << data_dir << ". It is shown only this once; store it safely:\n"
                << token << std::endl;
      return kOk;
    }
    if (sub == "revoke") {
      const std::string id = tokens.revoke(p[2]);
      std::cout << "Token '" << p[2] << "' (id " << id
                << ") revoked. A running server closes its event streams and applies its\n"
                   "--on-revoke policy to its jobs within a second.\n";
      return kOk;
    }
    const auto list = tokens.list();
    if (o.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& t : list)
        arr.push_back({{"id", t.id},
                       {"name", t.name},
                       {"scope", t.scope == core::store::TokenScope::Admin ? "admin" : "user"},
                       {"created", core::isoTimeMicros(t.created_us)},
                       {"revoked", t.revoked_us ? nlohmann::json(core::isoTimeMicros(*t.revoked_us))
                                                : nlohmann::json(nullptr)}});
      std::cout << arr.dump(2) << "\n";
      return kOk;
    }
    std::cout << "ID\tNAME\tSCOPE\tCREATED\tREVOKED\n";
    for (const auto& t : list)
      std::cout << t.id << "\t" << t.name << "\t"
                << (t.scope == core::store::TokenScope::Admin ? "admin" : "user") << "\t"
                << core::isoTimeMicros(t.created_us) << "\t"
                << (t.revoked_us ? core::isoTimeMicros(*t.revoked_us) : "-") << "\n";
    return kOk;
  } catch (const core::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.code() == core::ErrorCode::InvalidInput ? kInvalid : kRunFailed;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kRunFailed;
  }
}

}  // namespace

int serveCommand(const CliOptions& o) {
  // A job worker process started by the server (server/job_runner.h); not for interactive use.
  std::optional<std::string> worker_fd;
  std::int64_t memory_mb = 0, cpu_s = 0, parent = 0;
  for (const auto& [k, v] : o.extra) {
    if (k == "--job-worker") worker_fd = v;
    if (k == "--job-parent") parent = std::atoll(v.c_str());
    if (k == "--job-memory-mb") memory_mb = std::atoll(v.c_str());
    if (k == "--job-cpu-s") cpu_s = std::atoll(v.c_str());
  }
  if (worker_fd)
    return server::runJobWorker(std::atoi(worker_fd->c_str()), memory_mb, cpu_s, parent);
  if (!o.positional.empty() && o.positional[0] == "token") {
    try {
      return tokenCommand(o);
    } catch (const UsageError& e) {
      std::cerr << "error: " << e.message << "\n";
      return kInvalid;
    }
  }
  if (!o.positional.empty()) {
    std::cerr << "error: serve: unexpected argument '" << o.positional[0] << "'\n\n"
              << commandHelp("serve");
    return kInvalid;
  }
  server::ServerConfig config;
  try {
    config = resolveServeConfig(o);
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.message << "\n";
    return kInvalid;
  }
  // serve logs at info (the access log) unless --log-level asks for something else than the
  // default.
  const auto level =
      o.log_level == "warn" ? spdlog::level::info : spdlog::level::from_str(o.log_level);
  server::setupLogging(config.log_format, level);
  try {
    return server::runServer(config);
  } catch (const std::exception& e) {
    server::logEvent(spdlog::level::critical, "cannot start the server", {{"error", e.what()}});
    std::cerr << "error: " << e.what() << "\n";
    return kRunFailed;
  }
}

}  // namespace sciagents::cli
