#include "app/cli/serve_options.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

namespace sciagents::cli {

namespace {

// The value of a serve option: the flag when given, else the environment variable, else nullopt.
struct Source {
  std::string value;
  std::string name;  // "--queue-max" or "SCIAGENTS_QUEUE_MAX"
};

std::optional<Source> lookup(const CliOptions& o, const std::string& flag, const char* env) {
  std::optional<Source> found;
  for (const auto& [k, v] : o.extra)
    if (k == flag) found = Source{v, flag};  // the last occurrence wins
  if (found) return found;
  if (const char* e = std::getenv(env); e && *e) return Source{e, env};
  return std::nullopt;
}

[[noreturn]] void bad(const Source& s, const std::string& expected) {
  throw UsageError{s.name + " expects " + expected + ", got '" + s.value + "'"};
}

long long toInt(const Source& s, long long lo, long long hi) {
  long long x = 0;
  auto [p, ec] = std::from_chars(s.value.data(), s.value.data() + s.value.size(), x);
  if (ec != std::errc() || p != s.value.data() + s.value.size() || x < lo || x > hi)
    bad(s, "an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
  return x;
}

double toNumber(const Source& s, double lo, double hi) {
  double x = 0;
  auto [p, ec] = std::from_chars(s.value.data(), s.value.data() + s.value.size(), x);
  if (ec != std::errc() || p != s.value.data() + s.value.size() || !std::isfinite(x) || x < lo ||
      x > hi) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "a number between %g and %g", lo, hi);
    bad(s, buf);
  }
  return x;
}

}  // namespace

std::string resolveDataDir(const CliOptions& o) {
  if (o.data_dir) {
    if (o.data_dir->empty()) throw UsageError{"--data-dir expects a directory, got ''"};
    return *o.data_dir;
  }
  if (const char* e = std::getenv("SCIAGENTS_DATA_DIR"); e && *e) return e;
  return "sciagents-data";
}

server::ServerConfig resolveServeConfig(const CliOptions& o) {
  server::ServerConfig c;
  if (o.host)
    c.host = *o.host;
  else if (const char* e = std::getenv("SCIAGENTS_HOST"); e && *e)
    c.host = e;
  if (c.host == "localhost") c.host = "127.0.0.1";
  {
    unsigned char buf[16];
    if (inet_pton(AF_INET, c.host.c_str(), buf) != 1 &&
        inet_pton(AF_INET6, c.host.c_str(), buf) != 1)
      throw UsageError{"--host expects an IPv4 or IPv6 address (or localhost), got '" + c.host +
                       "'"};
  }

  if (o.port)
    c.port = *o.port;
  else if (const char* e = std::getenv("SCIAGENTS_PORT"); e && *e)
    c.port = static_cast<int>(toInt({e, "SCIAGENTS_PORT"}, 0, 65535));

  c.data_dir = resolveDataDir(o);

  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  c.workers = std::max(1, hw / 2);
  if (o.workers)
    c.workers = *o.workers;
  else if (const char* e = std::getenv("SCIAGENTS_WORKERS"); e && *e)
    c.workers = static_cast<int>(toInt({e, "SCIAGENTS_WORKERS"}, 1, 1024));

  if (auto s = lookup(o, "--queue-max", "SCIAGENTS_QUEUE_MAX"))
    c.queue_max = static_cast<int>(toInt(*s, 1, 1000000));
  if (auto s = lookup(o, "--max-queued-per-user", "SCIAGENTS_MAX_QUEUED_PER_USER"))
    c.max_queued_per_user = static_cast<int>(toInt(*s, 0, 1000000));
  if (auto s = lookup(o, "--max-running-per-user", "SCIAGENTS_MAX_RUNNING_PER_USER"))
    c.max_running_per_user = static_cast<int>(toInt(*s, 0, 1024));
  if (auto s = lookup(o, "--job-isolation", "SCIAGENTS_JOB_ISOLATION")) {
    if (s->value == "process")
      c.job_isolation = server::JobIsolation::Process;
    else if (s->value == "thread")
      c.job_isolation = server::JobIsolation::Thread;
    else
      bad(*s, "process or thread");
  }
  if (auto s = lookup(o, "--job-memory-mb", "SCIAGENTS_JOB_MEMORY_MB"))
    c.job_memory_mb = toInt(*s, 0, 1LL << 40);
  if (auto s = lookup(o, "--job-wall-time", "SCIAGENTS_JOB_WALL_TIME"))
    c.job_wall_time_s = toNumber(*s, 0, 31536000);
  if (auto s = lookup(o, "--resume", "SCIAGENTS_RESUME")) {
    if (s->value == "rerun")
      c.resume = server::ResumeMode::Rerun;
    else if (s->value == "fail")
      c.resume = server::ResumeMode::Fail;
    else
      bad(*s, "rerun or fail");
  }
  if (auto s = lookup(o, "--retention-days", "SCIAGENTS_RETENTION_DAYS"))
    c.retention_days = toNumber(*s, 0, 36500);
  if (auto s = lookup(o, "--tls-cert", "SCIAGENTS_TLS_CERT")) c.tls_cert = s->value;
  if (auto s = lookup(o, "--tls-key", "SCIAGENTS_TLS_KEY")) c.tls_key = s->value;
  for (const auto& [file, flag] :
       {std::pair{c.tls_cert, "--tls-cert"}, std::pair{c.tls_key, "--tls-key"}})
    if (!file.empty() && !std::ifstream(file).good())
      throw UsageError{std::string(flag) + " expects a readable PEM file, got '" + file + "'"};
  if (c.tls_cert.empty() != c.tls_key.empty())
    throw UsageError{"--tls-cert and --tls-key must be given together (got only " +
                     std::string(c.tls_cert.empty() ? "--tls-key" : "--tls-cert") + ")"};
  if (auto s = lookup(o, "--log-format", "SCIAGENTS_LOG_FORMAT")) {
    if (s->value == "text")
      c.log_format = server::LogFormat::Text;
    else if (s->value == "json")
      c.log_format = server::LogFormat::Json;
    else
      bad(*s, "text or json");
  }
  if (auto s = lookup(o, "--max-body", "SCIAGENTS_MAX_BODY"))
    c.max_body = static_cast<std::uint64_t>(toInt(*s, 1024, 1LL << 31));
  if (auto s = lookup(o, "--rate-limit", "SCIAGENTS_RATE_LIMIT"))
    c.rate_limit = toNumber(*s, 0, 1e9);
  if (auto s = lookup(o, "--shutdown-grace", "SCIAGENTS_SHUTDOWN_GRACE"))
    c.shutdown_grace_s = toNumber(*s, 0, 86400);
  if (auto s = lookup(o, "--max-grid-points", "SCIAGENTS_MAX_GRID_POINTS"))
    c.max_grid_points = toInt(*s, 0, 1LL << 50);
  // Results and identity (docs/server.md, "Results, quotas and identity").
  if (auto s = lookup(o, "--max-result-mb", "SCIAGENTS_MAX_RESULT_MB"))
    c.max_result_bytes = static_cast<std::uint64_t>(toInt(*s, 0, 1LL << 30)) << 20;
  if (auto s = lookup(o, "--result-quota-mb", "SCIAGENTS_RESULT_QUOTA_MB"))
    c.result_quota_bytes = static_cast<std::uint64_t>(toInt(*s, 0, 1LL << 30)) << 20;
  if (auto s = lookup(o, "--sidecar-min-elements", "SCIAGENTS_SIDECAR_MIN_ELEMENTS"))
    c.sidecar_min_elements = static_cast<std::size_t>(toInt(*s, 0, 1LL << 40));
  if (auto s = lookup(o, "--on-revoke", "SCIAGENTS_ON_REVOKE")) {
    if (s->value == "cancel")
      c.revoke_policy = server::RevokePolicy::Cancel;
    else if (s->value == "finish")
      c.revoke_policy = server::RevokePolicy::Finish;
    else
      bad(*s, "cancel or finish");
  }
  if (auto s = lookup(o, "--max-job-memory-mb", "SCIAGENTS_MAX_JOB_MEMORY_MB"))
    c.max_job_memory_mb = toNumber(*s, 0, 1e9);
  if (auto s = lookup(o, "--max-job-work", "SCIAGENTS_MAX_JOB_WORK"))
    c.max_job_work = toNumber(*s, 0, 1e30);
  if (auto s = lookup(o, "--max-solver-steps", "SCIAGENTS_MAX_SOLVER_STEPS"))
    c.max_solver_steps = toNumber(*s, 0, 1e18);
  if (auto s = lookup(o, "--max-sweep-points", "SCIAGENTS_MAX_SWEEP_POINTS"))
    c.max_sweep_points = toInt(*s, 0, 1LL << 40);
  if (auto s = lookup(o, "--max-steps", "SCIAGENTS_MAX_STEPS"))
    c.max_steps = toInt(*s, 0, 1LL << 30);
  if (auto s = lookup(o, "--request-threads", "SCIAGENTS_REQUEST_THREADS"))
    c.request_threads = static_cast<int>(toInt(*s, 1, 256));
  // External models (docs/agents/external.md): every --allow-external DIR, else the
  // colon-separated SCIAGENTS_ALLOW_EXTERNAL; each must be an existing folder, kept canonical.
  std::vector<Source> roots;
  for (const auto& [k, v] : o.extra)
    if (k == "--allow-external") roots.push_back({v, k});
  if (roots.empty())
    if (const char* e = std::getenv("SCIAGENTS_ALLOW_EXTERNAL"); e && *e) {
      std::string all = e;
      for (std::size_t p = 0; p <= all.size();) {
        const auto q = std::min(all.find(':', p), all.size());
        if (q > p) roots.push_back({all.substr(p, q - p), "SCIAGENTS_ALLOW_EXTERNAL"});
        p = q + 1;
      }
    }
  for (const auto& r : roots) {
    std::error_code ec;
    const auto dir = std::filesystem::canonical(r.value, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) bad(r, "an existing folder");
    if (dir == dir.root_path()) bad(r, "a folder other than the file system root");
    c.allow_external.push_back(dir.string());
  }
  if (auto s = lookup(o, "--external-time-s", "SCIAGENTS_EXTERNAL_TIME_S"))
    c.external_time_s = toNumber(*s, 0.001, 31536000);
  if (auto s = lookup(o, "--external-memory-mb", "SCIAGENTS_EXTERNAL_MEMORY_MB"))
    c.external_memory_mb = toNumber(*s, 16, 1e9);
  // Slurm backend (docs/slurm.md).
  c.backend = o.backend;
  if (auto s = lookup(o, "--slurm-partition", "SCIAGENTS_SLURM_PARTITION"))
    c.slurm_partition = s->value;
  if (auto s = lookup(o, "--slurm-account", "SCIAGENTS_SLURM_ACCOUNT")) c.slurm_account = s->value;
  if (auto s = lookup(o, "--slurm-time-limit", "SCIAGENTS_SLURM_TIME_LIMIT"))
    c.slurm_time_limit_min = static_cast<int>(toInt(*s, 1, 525600));
  if (auto s = lookup(o, "--slurm-cpus", "SCIAGENTS_SLURM_CPUS"))
    c.slurm_cpus = static_cast<int>(toInt(*s, 1, 4096));
  if (auto s = lookup(o, "--slurm-tasks", "SCIAGENTS_SLURM_TASKS"))
    c.slurm_tasks = static_cast<int>(toInt(*s, 1, 10000));
  if (auto s = lookup(o, "--slurm-retries", "SCIAGENTS_SLURM_RETRIES"))
    c.slurm_retries = static_cast<int>(toInt(*s, 0, 100));
  if (auto s = lookup(o, "--slurm-dir", "SCIAGENTS_SLURM_DIR")) c.slurm_dir = s->value;
  return c;
}

}  // namespace sciagents::cli
