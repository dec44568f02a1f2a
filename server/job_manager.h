// Runs server jobs: a bounded queue with per-user caps and round-robin turns between users, a fixed
// pool of job slots, each job handed to the runner of its backend (server/job_runner.h: a worker
// process by default, Slurm), cancel and wall-time limits, persistence through JobStore (every
// state change, cancels and time-outs included, is committed before it is announced or acted on),
// a bounded per-job event history for SSE subscribers, restart resume and retention. Beast-free;
// thread-safe.
#pragma once

#include "core/slurm/slurm_backend.h"
#include "core/store/job_store.h"
#include "core/value/value.h"
#include "core/workflow/workflow.h"
#include "server/job_backends.h"
#include "server/job_runner.h"
#include "server/server_config.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sciagents::core::metrics {
class MetricsRegistry;
}

namespace sciagents::core {
struct TaskSpec;
}  // namespace sciagents::core

namespace sciagents::server {

using core::store::JobRecord;
using core::store::JobState;

struct JobEvent {
  std::uint64_t seq = 0;
  std::string type;  // state, step_started, step_finished, progress, metric, done
  std::string data;  // one-line JSON
};
using EventPtr = std::shared_ptr<const JobEvent>;
// Called with the manager's lock held, from job threads: must not block (post to an executor).
using EventSink = std::function<void(const EventPtr&)>;

struct JobStatus {
  JobRecord record;
  double fraction = 0;
  std::int64_t steps_done = 0;
  nlohmann::json backend_fields = nlohmann::json::object();  // JobRunner::statusFields
  nlohmann::json toJson() const;                             // the GET /v1/jobs/{id} document
};

struct SubmitRequest {
  std::string owner;     // token name (display)
  std::string owner_id;  // token id: the job, its result and its cache entries belong to it
  core::Workflow workflow;
  std::optional<std::uint64_t> seed;
  bool no_cache = false;
  std::optional<double> wall_time_s;
  std::string backend;             // "" = the server's default (JobManagerOptions::backend)
  nlohmann::json backend_options;  // options for the backend (JobRunner::optionsError checked)
};

// UserQueueFull: the submitting user already has max_queued_per_user jobs queued.
enum class SubmitOutcome { Accepted, QueueFull, UserQueueFull, ShuttingDown };
struct SubmitResult {
  SubmitOutcome outcome = SubmitOutcome::Accepted;
  std::string id;
};

struct Subscription {
  bool found = false;
  JobState state = JobState::Queued;
  double fraction = 0;
  bool finished = false;         // the stream ends after `replay` (which then ends with done)
  std::vector<EventPtr> replay;  // events after the requested sequence number
  std::uint64_t subscriber = 0;  // 0 when not subscribed (finished or unknown job)
};

class ResultFiles;

struct JobManagerOptions {
  int workers = 1;
  int queue_max = 1000;
  double wall_time_s = 3600;  // cap; 0 = none
  ResumeMode resume = ResumeMode::Rerun;
  double retention_days = 30;       // 0 = keep forever
  std::filesystem::path cache_dir;  // result cache of the engine (empty: engine default); with
                                    // it, each token id gets its own CACHE_DIR/<token id>
  // Where results go (server/result_files.h); null: inline in the job row (tests).
  std::shared_ptr<const ResultFiles> results;
  int threads_per_job = 0;         // 0: max(1, hardware / workers)
  std::size_t history_max = 2000;  // events kept per job
  std::size_t recent_events_max =
      20000;                  // events kept over all recently finished jobs (memory only)
  bool start_workers = true;  // false: jobs stay queued (router tests, fuzzing)
  std::string backend = kDefaultJobBackend;  // default backend of new jobs (job_backends.h)
  core::SlurmOptions slurm;      // defaults of Slurm jobs (dir: where job directories go)
  int max_queued_per_user = 0;   // queued jobs per owner before UserQueueFull; 0: no cap
  int max_running_per_user = 0;  // running jobs per owner; 0: no cap
  // Local jobs: Thread runs the engine in this process (cooperative cancel; unit tests), Process
  // in a worker process per job (server/job_runner.h; what `sciagents serve` uses).
  JobIsolation isolation = JobIsolation::Thread;
  std::filesystem::path worker_exe;   // Process: the sciagents binary (empty: /proc/self/exe)
  std::int64_t worker_memory_mb = 0;  // Process: RLIMIT_AS of each worker (0: none)
  double worker_kill_grace_s = 1.0;   // Process: SIGTERM, then SIGKILL after this long
  // Checked on each step just before it runs (core::RunOptions::before_step), in the job's worker
  // process too: the admission limits applied again to values that arrived through links
  // (server/job_limits.h). nullopt: none.
  std::optional<AdmissionLimits> step_limits;
  // The agents jobs run with: the registry the server was started with (required).
  const core::AgentRegistry* registry = nullptr;
};

class JobManager {
 public:
  JobManager(core::store::JobStore& store, JobManagerOptions options,
             core::metrics::MetricsRegistry& metrics);
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Resumes persisted jobs (queued run again; running re-run or failed per options), applies
  // retention, then starts the job slots and the watchdog.
  void start();

  SubmitResult submit(SubmitRequest request);
  std::optional<JobStatus> status(const std::string& id);
  std::vector<JobStatus> list(const std::string& owner, std::optional<JobState> state, int limit);
  // Cancels; returns the state after the call (running jobs stay "running" until their work has
  // stopped, then become cancelled; the cancel is committed to the store first, so a restart never
  // runs the job again); nullopt for unknown ids.
  std::optional<JobState> cancel(const std::string& id);

  Subscription subscribe(const std::string& id, std::uint64_t after_seq, EventSink sink);
  void unsubscribe(const std::string& id, std::uint64_t subscriber);

  int queued() const;
  int running() const;
  int workers() const { return m_options.workers; }
  // The runner of backend `name` (server/job_backends.h); null for an unknown name.
  const JobRunner* runner(const std::string& name) const;
  bool shuttingDown() const { return m_shutting_down.load(); }
  std::optional<std::string> result(const std::string& id) { return m_store.result(id); }
  core::store::JobStore& store() { return m_store; }

  // Graceful stop: refuse new jobs, stop starting queued ones, wait up to `grace` for running jobs,
  // then cancel the rest and persist them as queued (they run again after a restart). Joins
  // threads.
  void shutdown(std::chrono::duration<double> grace);

  std::int64_t applyRetention();  // deletes old finished jobs now; returns how many

 private:
  struct Active;
  class Run;
  void workerLoop();
  void watchdogLoop();
  void runJob(const std::shared_ptr<Active>& job);
  // The runner of the job's backend (the default backend's for a name this build does not know).
  JobRunner& runnerFor(const JobRecord& r) const;
  JobStatus withBackendFields(JobStatus s) const;
  // The queue position of the next job to start: the oldest queued job of the user whose turn it
  // is (least recently served among users under their running cap); nullopt when none may start.
  std::optional<std::size_t> pickNextLocked() const;
  void enqueueLocked(const std::shared_ptr<Active>& job, bool front = false);
  void dequeueLocked(const std::string& id);
  // Commits a cancel or time-out of a running job before its work is stopped.
  void commitStopLocked(Active& job, JobState state, const std::string& error);
  void publishLocked(Active& job, std::string type, nlohmann::json data);
  JobStatus statusOfLocked(const Active& job) const;
  void observeFinished(const JobRecord& r);
  // Keeps a finished job's event history so late subscribers (e.g. Studio following a job that
  // finished in milliseconds) still see its steps and metric samples. Bounded by recent_events_max.
  void rememberFinishedLocked(Active& job);

  core::store::JobStore& m_store;
  JobManagerOptions m_options;
  core::metrics::MetricsRegistry& m_metrics;

  mutable std::mutex m_mutex;
  std::condition_variable m_cv;                                       // queue / running changes
  std::unordered_map<std::string, std::shared_ptr<Active>> m_active;  // queued + running
  std::deque<std::string> m_queue;
  std::unordered_map<std::string, int> m_queued_by_owner;
  std::unordered_map<std::string, int> m_running_by_owner;
  std::unordered_map<std::string, std::uint64_t> m_last_turn;  // owner -> turn it was last served
  std::uint64_t m_turn = 0;
  JobRunners m_runners;                                            // by backend name
  std::unordered_map<std::string, std::deque<EventPtr>> m_recent;  // finished jobs' histories
  std::deque<std::string> m_recent_order;                          // oldest first
  std::size_t m_recent_events = 0;
  int m_running = 0;
  std::uint64_t m_next_subscriber = 1;
  std::atomic<bool> m_shutting_down{false};
  bool m_stop_taking = false;
  bool m_stop_watchdog = false;
  std::vector<std::thread> m_threads;
  std::thread m_watchdog;
};

}  // namespace sciagents::server
