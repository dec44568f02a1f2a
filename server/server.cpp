#include "server/server.h"

#include "core/agent/agent_registry.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/feedback_store.h"
#include "core/store/job_store.h"
#include "core/store/token_store.h"
#include "server/http_server.h"
#include "server/job_limits.h"
#include "server/job_manager.h"
#include "server/log.h"
#include "server/rate_limiter.h"
#include "server/result_files.h"
#include "server/revocation.h"
#include "server/router.h"
#include "server/routes/feedback_routes.h"
#include "server/shutdown_signal.h"

#include <unistd.h>
#include <cstdlib>

#include <algorithm>
#include <iostream>
#include <stdexcept>

namespace sciagents::server {

std::filesystem::path databaseFile(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(data_dir, ec)) {
    std::filesystem::create_directories(data_dir, ec);
    if (ec)
      throw std::runtime_error("--data-dir " + data_dir.string() +
                               ": cannot create it: " + ec.message());
  } else if (!std::filesystem::is_directory(data_dir, ec)) {
    throw std::runtime_error("--data-dir " + data_dir.string() + ": not a directory");
  }
  // Owner-only (0700), also when it already existed with a wider mode (docs/operations.md).
  const auto perms = std::filesystem::status(data_dir, ec).permissions();
  if (!ec && (perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) !=
                 std::filesystem::perms::none) {
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    if (ec)
      logEvent(spdlog::level::warn, "--data-dir " + data_dir.string() +
                                        ": cannot make it owner-only (0700): " + ec.message());
  }
  return data_dir / "sciagents.db";
}

std::filesystem::path serverCacheDir(const std::filesystem::path& data_dir) {
  if (const char* d = std::getenv("SCIAGENTS_CACHE_DIR"); d && *d) return d;
  return data_dir / "cache";
}

int effectiveMaxRunningPerUser(const ServerConfig& c) {
  return c.max_running_per_user > 0 ? std::min(c.max_running_per_user, c.workers) : 0;
}

std::int64_t effectiveJobMemoryMb(const ServerConfig& c) {
  if (c.job_memory_mb > 0) return c.job_memory_mb;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::int64_t>(pages) * page / (1024 * 1024);
}

namespace {
bool isLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}
}  // namespace

int runServer(const ServerConfig& config) {
  ShutdownSignal shutdown_signal;

  const auto db = databaseFile(config.data_dir);
  core::store::TokenStore tokens(db);  // first: the job store gives old jobs their token's id
  core::store::JobStore store(db);
  bool any_token = false;
  for (const auto& t : tokens.list()) any_token = any_token || !t.revoked_us;
  if (!any_token)
    logEvent(spdlog::level::warn,
             "no active API tokens: every /v1 request will get 401; create one with "
             "`sciagents serve token create NAME --data-dir " +
                 config.data_dir.string() + "`");

  auto& metrics = core::metrics::MetricsRegistry::global();
  const core::AgentRegistry& registry = core::AgentRegistry::builtin();  // the server's agents
  JobManagerOptions jo;
  jo.workers = config.workers;
  jo.queue_max = config.queue_max;
  jo.wall_time_s = config.job_wall_time_s;
  jo.resume = config.resume;
  jo.retention_days = config.retention_days;
  jo.cache_dir = serverCacheDir(config.data_dir);
  jo.results = std::make_shared<const ResultFiles>(
      config.data_dir / "results", ResultLimits{config.max_result_bytes, config.result_quota_bytes,
                                                config.sidecar_min_elements});
  jo.backend = config.backend;
  jo.slurm.partition = config.slurm_partition;
  jo.slurm.account = config.slurm_account;
  jo.slurm.time_limit_min = config.slurm_time_limit_min;
  jo.slurm.cpus = config.slurm_cpus;
  jo.slurm.tasks = static_cast<std::size_t>(std::max(0, config.slurm_tasks));
  jo.slurm.shard_retries = config.slurm_retries;
  jo.slurm.dir = config.slurm_dir.empty() ? config.data_dir / "slurm" : config.slurm_dir;
  jo.max_queued_per_user = config.max_queued_per_user;
  jo.max_running_per_user = effectiveMaxRunningPerUser(config);
  jo.isolation = config.job_isolation;
  jo.worker_memory_mb = effectiveJobMemoryMb(config);
  jo.step_limits = admissionLimits(config);
  jo.registry = &registry;
  JobManager jobs(store, jo, metrics);
  RateLimiter limiter(config.rate_limit, 2 * config.rate_limit);
  Router router(config, jobs, tokens, limiter, metrics, registry);
  core::store::FeedbackStore feedback_store(db);
  FeedbackRoutes feedback(feedback_store, metrics);
  router.setFeedback(&feedback);
  HttpServer http(config, router, jobs);
  Revocation revocation(tokens, jobs, http, config.revoke_policy);
  router.setRevocationHandler([&revocation](const std::string& id) { revocation.apply(id); });
  const int port = http.listen();
  jobs.start();
  http.start();
  revocation.start();

  const std::string host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::cout << "listening on " << (config.tls() ? "https" : "http") << "://" << host << ":" << port
            << std::endl;
  logEvent(spdlog::level::info, "server started",
           {{"host", config.host},
            {"port", port},
            {"tls", config.tls()},
            {"workers", jobs.workers()},
            {"data_dir", config.data_dir.string()},
            {"queue_max", config.queue_max},
            {"max_queued_per_user", config.max_queued_per_user},
            {"max_running_per_user", jo.max_running_per_user},
            {"job_isolation", config.job_isolation == JobIsolation::Process ? "process" : "thread"},
            {"job_memory_mb", jo.worker_memory_mb}});
  if (!isLoopback(config.host) && !config.tls())
    logEvent(
        spdlog::level::warn,
        "listening on a non-loopback address without TLS: tokens and data travel in clear text "
        "(use --tls-cert/--tls-key or a TLS-terminating reverse proxy)",
        {{"host", config.host}});

  const std::string signal_name = shutdown_signal.wait();
  logEvent(spdlog::level::info,
           "shutdown requested: no new connections or jobs; waiting for running jobs",
           {{"signal", signal_name},
            {"grace_s", config.shutdown_grace_s},
            {"running", jobs.running()},
            {"queued", jobs.queued()}});
  http.stopAccepting();
  revocation.stop();
  jobs.shutdown(std::chrono::duration<double>(config.shutdown_grace_s));
  http.stop();
  logEvent(spdlog::level::info, "server stopped");
  return 0;
}

}  // namespace sciagents::server
