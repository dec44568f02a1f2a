// How a server job runs. JobManager holds one runner per backend (made by server/job_backends.h),
// picks the runner of the job's backend and hands it a JobRun:
//   - the worker-process runner (the server's default for local jobs): the engine runs in a child
//     process of the server's own binary (`sciagents serve --job-worker FD`), in its own process
//     group and under setrlimit limits; cancel, the wall-time cap and shutdown kill the group;
//   - the in-process runner: the engine on a thread of the server (unit tests, `--job-isolation
//     thread`); cancel is cooperative;
//   - the Slurm runner (server/slurm_job_runner.cpp, docs/slurm.md).
// The runner reports events through the JobRun and returns a JobOutcome; JobManager turns it into
// the job's final state (a cancel or time-out it recorded wins over what the runner saw).
#pragma once

#include "core/agent/task_context.h"
#include "core/slurm/slurm_backend.h"
#include "core/store/job_store.h"
#include "core/workflow/workflow_engine.h"
#include "server/job_limits.h"
#include "server/result_files.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace sciagents::core::metrics {
class MetricsRegistry;
}

namespace sciagents::server {

using core::store::JobRecord;
using core::store::JobState;

// What a runner sees of its job (implemented by JobManager). The RunListener calls feed the job's
// event history and progress; they may come from any thread.
class JobRun : public core::RunListener {
 public:
  // id, seed, no_cache, wall_time_s, backend fields: fixed while the job runs.
  virtual const JobRecord& record() const = 0;
  virtual const std::string& spec() const = 0;  // the workflow JSON
  // Set when the job must stop: cancel, wall-time cap or server shutdown.
  virtual const core::CancelFlag& stopFlag() const = 0;
  // The server is stopping and the job will be queued again: work that survives the server (a
  // Slurm job) is left running rather than cancelled.
  virtual bool detachRequested() const = 0;
  // A progress event with backend details; `fraction` (0..1) replaces the step-based progress.
  virtual void backendProgress(nlohmann::json data, std::optional<double> fraction) = 0;
  // Commits the backend's job id and directory (Slurm) to the store and the job's record.
  virtual void backendJob(const std::string& job_id, const std::string& dir) = 0;
  // Bytes the job owner's other stored results take (the quota of server/result_files.h).
  virtual std::int64_t ownerResultBytes() const = 0;
};

struct JobOutcome {
  JobState state = JobState::Failed;
  std::string error;                 // first failed step's message or why the job could not run
  std::string result_json;           // the result document; empty: none
  bool all_steps_done = false;       // a Slurm job's steps are not reported one by one
  bool detached = false;             // left running for the next server start (Slurm at shutdown)
  core::store::StoredResult stored;  // the result on disk (then result_json is empty)
  std::string store_error;           // the result was over the size cap or the owner's quota
};

// One job backend (local engine, Slurm, ...). Everything that differs between backends is a member
// here; the factory (server/job_backends.h) is the only place that maps backend names to runners.
class JobRunner {
 public:
  virtual ~JobRunner() = default;
  virtual JobOutcome run(JobRun& job) = 0;

  // Whether jobs may give options for this backend: the member of the POST /v1/jobs envelope named
  // after the backend ({"slurm": {...}}), kept in JobRecord::backend_options.
  virtual bool takesOptions() const { return false; }
  // Why `options` are refused (a message naming the field), or nullopt when they are valid.
  virtual std::optional<std::string> optionsError(const nlohmann::json& options) const;
  // Why this backend refuses the (valid, admitted) workflow, or nullopt (checked before queueing).
  virtual std::optional<LimitViolation> refusal(const core::Workflow& workflow) const;
  // The backend's members of a job's status document (GET /v1/jobs/{id}), e.g. {"slurm": {...}};
  // an object, empty when the backend adds none.
  virtual nlohmann::json statusFields(const JobRecord& record) const;
};

// The outcome of an engine run: state from the run's status, the first failed step's error, the
// result document.
JobOutcome outcomeOfRun(const core::RunResult& r);

struct EngineSettings {
  int threads = 1;                  // engine threads per job
  std::filesystem::path cache_dir;  // result cache (empty: the engine's default); one per owner
  std::shared_ptr<const ResultFiles> results;     // results on disk; null: in the store's row
  std::optional<AdmissionLimits> step_limits;     // checked before each step runs; nullopt: none
  const core::AgentRegistry* registry = nullptr;  // the agents jobs run with (required)
};

// Sets ro.before_step to enforce `limits` on each step's resolved params (server/job_limits.h),
// and ro.external/ro.base_dir to the server's policy for external models (refused unless
// --allow-external; work directories under `work_dir`, the job's own folder).
void applyStepLimits(core::RunOptions& ro, const std::optional<AdmissionLimits>& limits,
                     const std::filesystem::path& work_dir, const core::AgentRegistry& registry);

// DATA_DIR/work/<job id>: where a job's external models get their work directories. Removed when
// the job's run ends (failed evaluations are described in the step's diagnostics).
std::filesystem::path externalWorkDir(const std::filesystem::path& results_dir,
                                      const std::string& job_id);
void removeExternalWorkDir(const std::filesystem::path& work_dir);

// The cache of one owner's jobs: cache_dir/<token id> (no token sees another's provenance).
std::filesystem::path ownerCacheDir(const std::filesystem::path& cache_dir,
                                    const std::string& owner_id);

// Writes an engine run's result through `results` (sidecars, cap, quota) into `o`: o.stored, or
// o.store_error; o.result_json is then cleared. Without `results` `o` is left as it is.
void storeRunResult(const ResultFiles* results, const std::string& job_id, const core::RunResult& r,
                    std::int64_t owner_used, JobOutcome& o);

struct WorkerProcessOptions {
  EngineSettings engine;
  std::filesystem::path exe;   // the sciagents binary; empty: /proc/self/exe
  std::int64_t memory_mb = 0;  // RLIMIT_AS of each worker; 0: none
  double kill_grace_s = 1.0;   // SIGTERM, then SIGKILL of the group after this long
  // Workers started ahead and kept idle (one per job slot): a job then does not wait for a
  // process start (~50-70 ms of loading the binary's libraries). 0: one new process per job.
  int prestart = 0;
};

std::unique_ptr<JobRunner> makeInProcessRunner(EngineSettings engine,
                                               core::metrics::MetricsRegistry& metrics);
std::unique_ptr<JobRunner> makeWorkerProcessRunner(WorkerProcessOptions options,
                                                   core::metrics::MetricsRegistry& metrics);
std::unique_ptr<JobRunner> makeSlurmRunner(core::SlurmOptions defaults,
                                           const core::AgentRegistry& registry);

// The RLIMIT_CPU (seconds of CPU over all threads) of a worker: the wall-time cap times the
// machine's cores plus a margin, a backstop that can never fire before the wall-time watchdog
// (a process cannot use more CPU seconds per second than there are cores); 0 (none) without a cap.
std::int64_t workerCpuLimitSeconds(double wall_time_s, int cores);

}  // namespace sciagents::server
