// Settings of `sciagents serve` (flags and SCIAGENTS_* environment variables are resolved by the
// CLI).
#pragma once

#include "server/job_backends.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sciagents::server {

enum class ResumeMode { Rerun, Fail };
enum class LogFormat { Text, Json };
// Where a local job's engine runs: a worker process per job (server/job_runner.h) or a thread.
enum class JobIsolation { Process, Thread };
// What revoking a token does to its queued and running jobs (its event streams always close).
enum class RevokePolicy { Cancel, Finish };

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: pick a free port
  std::filesystem::path data_dir = "sciagents-data";
  int workers = 1;                // concurrent job slots
  int queue_max = 1000;           // queued jobs before 429
  int max_queued_per_user = 100;  // queued jobs of one user before 429 (0: no cap)
  int max_running_per_user = 0;   // running jobs of one user (0: no cap beyond --workers)
  JobIsolation job_isolation = JobIsolation::Process;
  std::int64_t job_memory_mb = 0;  // RLIMIT_AS of a job worker process (0: the machine's RAM)
  double job_wall_time_s = 3600;   // per-job wall-time cap (0: none)
  ResumeMode resume = ResumeMode::Rerun;
  double retention_days = 30;  // finished jobs older than this are deleted (0: keep)
  std::string tls_cert;        // both set: HTTPS
  std::string tls_key;
  LogFormat log_format = LogFormat::Text;
  std::uint64_t max_body = 16ull << 20;  // request body bytes
  double rate_limit = 50;                // requests/s per token (burst 2x); 0: unlimited
  double shutdown_grace_s = 30;
  // Admission limits (server/job_limits.h, docs/server.md "Limits"); 0 turns one off.
  std::int64_t max_grid_points = 50'000'000;  // PDE grid estimate per step
  // Results (server/result_files.h): size cap per job result, storage quota per token (bytes of
  // its stored results), arrays this long or longer go to .npy sidecars. 0: no cap / quota / never.
  std::uint64_t max_result_bytes = 256ull << 20;
  std::uint64_t result_quota_bytes = 2048ull << 20;
  std::size_t sidecar_min_elements = 1'000'000;
  RevokePolicy revoke_policy = RevokePolicy::Cancel;
  double max_job_memory_mb = 4096;         // estimated memory of one step
  double max_job_work = 1e14;              // estimated operations of a whole job
  double max_solver_steps = 1e7;           // ivp step budget (max_num_steps)
  std::int64_t max_sweep_points = 100000;  // sweep points of a whole job
  std::int64_t max_steps = 1000;           // steps of one workflow
  // External models (the `external` agent, docs/agents/external.md): refused unless the operator
  // names the folders their programs and modules may come from (--allow-external DIR, canonical);
  // per-evaluation limits of each program or Python worker.
  std::vector<std::string> allow_external;
  double external_time_s = 600;      // wall and CPU seconds of one evaluation
  double external_memory_mb = 2048;  // address space of one evaluation's process
  int io_threads = 0;                // 0: min(4, max(2, hardware))
  int request_threads = 2;           // submissions are parsed and checked here
  double header_timeout_s = 10;
  double body_timeout_s = 60;
  double idle_timeout_s = 60;  // keep-alive connection without a request
  double sse_keepalive_s = 15;
  // Where jobs run unless they ask otherwise ("backend" in POST /v1/jobs): a name of
  // server/job_backends.h (docs/slurm.md). Slurm defaults for every Slurm job; slurm_dir empty:
  // DATA_DIR/slurm.
  std::string backend = kDefaultJobBackend;
  std::string slurm_partition;
  std::string slurm_account;
  int slurm_time_limit_min = 0;
  int slurm_cpus = 1;
  int slurm_tasks = 0;
  int slurm_retries = 2;  // resubmissions of a failed or pre-empted array task (docs/slurm.md)
  std::filesystem::path slurm_dir;
  bool tls() const { return !tls_cert.empty() && !tls_key.empty(); }
};

}  // namespace sciagents::server
