#include "server/server.h"

#include "core/agent/agent_registry.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/feedback_store.h"
#include "core/store/job_store.h"
#include "core/store/token_store.h"
#include "server/feedback_routes.h"
#include "server/http_server.h"
#include "server/job_limits.h"
#include "server/job_manager.h"
#include "server/log.h"
#include "server/rate_limiter.h"
#include "server/router.h"
#include "server/shutdown_signal.h"

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
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  } else if (!std::filesystem::is_directory(data_dir, ec)) {
    throw std::runtime_error("--data-dir " + data_dir.string() + ": not a directory");
  }
  return data_dir / "sciagents.db";
}

namespace {
bool isLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}
}  // namespace

int runServer(const ServerConfig& config) {
  ShutdownSignal shutdown_signal;

  const auto db = databaseFile(config.data_dir);
  core::store::JobStore store(db);
  core::store::TokenStore tokens(db);
  bool any_token = false;
  for (const auto& t : tokens.list()) any_token = any_token || !t.revoked_us;
  if (!any_token)
    logEvent(spdlog::level::warn,
             "no active API tokens: every /v1 request will get 401; create one with "
             "`sciagents serve token create NAME --data-dir " +
                 config.data_dir.string() + "`");

  auto& metrics = core::metrics::MetricsRegistry::global();
  JobManagerOptions jo;
  jo.workers = config.workers;
  jo.queue_max = config.queue_max;
  jo.wall_time_s = config.job_wall_time_s;
  jo.resume = config.resume;
  jo.retention_days = config.retention_days;
  jo.cache_dir = config.data_dir / "cache";
  jo.backend = config.backend;
  jo.slurm.partition = config.slurm_partition;
  jo.slurm.account = config.slurm_account;
  jo.slurm.time_limit_min = config.slurm_time_limit_min;
  jo.slurm.cpus = config.slurm_cpus;
  jo.slurm.tasks = static_cast<std::size_t>(std::max(0, config.slurm_tasks));
  jo.slurm.dir = config.slurm_dir.empty() ? config.data_dir / "slurm" : config.slurm_dir;
  const AdmissionLimits limits = admissionLimits(config);
  jo.before_step = [limits](const core::Step& step, const core::TaskSpec& task,
                            const core::Map& params) {
    enforceStepLimits(core::AgentRegistry::builtin(), step, task, params, limits);
  };
  JobManager jobs(store, jo, metrics);
  RateLimiter limiter(config.rate_limit, 2 * config.rate_limit);
  Router router(config, jobs, tokens, limiter, metrics, core::AgentRegistry::builtin());
  core::store::FeedbackStore feedback_store(db);
  FeedbackRoutes feedback(feedback_store, metrics);
  router.setFeedback(&feedback);
  HttpServer http(config, router, jobs);
  const int port = http.listen();
  jobs.start();
  http.start();

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
            {"queue_max", config.queue_max}});
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
  jobs.shutdown(std::chrono::duration<double>(config.shutdown_grace_s));
  http.stop();
  logEvent(spdlog::level::info, "server stopped");
  return 0;
}

}  // namespace sciagents::server
