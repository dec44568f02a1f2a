// Runs a workflow on a Slurm cluster (docs/slurm.md). Qt-free; used by `sciagents run --target
// slurm` and meant for the server's Slurm backend.
//
// submit() writes a job directory on the shared filesystem (workflow.json, job.sh, submit.json,
// task-K/), and submits one job array with `sbatch --parsable`: task K runs
// `sciagents run workflow.json --sweep-shard K/T --status-file task-K/status.json -o
// task-K/result.json`. The files the tasks write are the ground truth; squeue only says
// queued/running and, for tasks that died without writing anything, how they ended. A failed squeue
// (controller down, or job gone: both exit 1) never fails a job by itself.
#pragma once

#include "core/slurm/shard_merge.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sciagents::core {

class AgentRegistry;

struct SlurmOptions {
  std::string partition;      // --partition (empty: cluster default)
  std::string account;        // --account
  int time_limit_min = 0;     // --time (0: partition default)
  int cpus = 1;               // --cpus-per-task, also the task's --threads
  int mem_mb = 0;             // --mem (0: cluster default)
  std::size_t tasks = 0;      // array tasks (0: min(sweep points, 4))
  std::filesystem::path dir;  // parent of job directories (empty: defaultSlurmDir())
  std::string job_dir_name;   // name of the job directory (empty: <workflow>-<time>-<random>)
  std::filesystem::path executable;  // sciagents binary the tasks run (empty: this process)
  // Where relative paths in params resolve: the submitted workflow file's folder (the tasks run a
  // copy of the workflow in the job folder). Empty: the job folder.
  std::filesystem::path base_dir;
  std::uint64_t seed = 0;
  bool use_cache = true;
  // How long squeue may fail in a row (controller unreachable) before poll() gives up.
  double unreachable_timeout_s = 600.0;
  // How long a task may be missing from squeue without status files before it counts as failed
  // (covers shared-filesystem delays).
  double gone_grace_s = 5.0;
  // How often an array task (a shard) that failed without finishing its work is resubmitted: a
  // task killed, cancelled by someone else (scancel of one index), pre-empted, or lost with its
  // node. Only those indices are resubmitted, as a new array job running the same job.sh. A task
  // whose workflow itself failed (it wrote its result) and one that hit its time limit are not.
  int shard_retries = 2;
};

// $SCIAGENTS_SLURM_DIR, else "slurm" next to the result cache directory (~/.cache/sciagents/slurm).
std::filesystem::path defaultSlurmDir();
// /proc/self/exe (the running sciagents).
std::filesystem::path currentExecutable();

enum class SlurmJobState { Queued, Running, Succeeded, Failed, Cancelled, TimedOut };
std::string_view slurmJobStateName(
    SlurmJobState s);  // queued running succeeded failed cancelled timed_out
// True for Slurm job states (squeue %T) after which the task runs no more.
bool slurmStateFinal(const std::string& slurm_state);

struct SlurmTaskState {
  std::size_t index = 0;
  SlurmJobState state = SlurmJobState::Queued;
  bool final = false;
  std::string slurm_state;  // last state squeue showed ("" when never seen)
  std::string error;
  int attempts = 1;  // 1 + the times this task was resubmitted
};

struct SlurmJobStatus {
  SlurmJobState state = SlurmJobState::Queued;
  bool finished = false;  // every task is final
  std::size_t total = 0, done = 0, running = 0, failed = 0;
  std::vector<SlurmTaskState> tasks;
  bool controller_reachable = true;  // the last squeue answered
  bool unreachable_too_long = false;
  std::string error;  // first failed task's error
  // Resubmissions made by this poll, one message each ("array task 1 of 4: attempt 1 ended
  // cancelled (...); resubmitted as Slurm job 57 (attempt 2 of 3)").
  std::vector<std::string> retried;
};

class SlurmJob {
 public:
  // Throws Error(InvalidInput) when sbatch refuses the job (message has sbatch's words), or
  // Error(RunFailed) when the job directory cannot be written or sbatch cannot run.
  static SlurmJob submit(const Workflow& w, const SlurmOptions& options);
  // Re-opens a job directory (submit.json) to follow or collect it, e.g. after a restart.
  static SlurmJob attach(const std::filesystem::path& job_dir);

  const std::string& id() const { return m_id; }
  const std::filesystem::path& dir() const { return m_dir; }
  std::size_t tasks() const { return m_tasks; }
  const std::string& singleTaskReason() const { return m_single_reason; }
  // How the work is split over the array tasks: "sweep" (points g % T), "study" (blocks of a
  // sampling study's model evaluations, core/slurm/study_shard.h) or "none" (one task).
  const std::string& split() const { return m_split; }

  // One observation: status files, then squeue. Never throws for squeue failures.
  SlurmJobStatus poll();
  // scancel; the tasks stop (running ones get SIGTERM and write "cancelled"). Returns false with
  // the reason when scancel failed (poll() still tells the truth).
  bool cancel(std::string* error = nullptr);
  bool cancelRequested() const { return m_cancelled; }
  // True while squeue still lists any task of the job in a non-final state (PENDING, RUNNING,
  // COMPLETING...). False when the controller does not answer.
  bool inQueue();
  // The merged result document (like a local run's) from the tasks' files, with the job's final
  // state; also written to DIR/result.json. Call when poll() says finished. A study's estimators
  // run here, once, in-process, on the model values the tasks saved (bit-identical to a local run),
  // with the agents of `registry` (the one the program was given).
  nlohmann::json collect(const SlurmJobStatus& status, const AgentRegistry& registry);

 private:
  nlohmann::json replayStudy(const AgentRegistry& registry) const;
  // Whether task k's final state is a failure of the task rather than of its work (see
  // SlurmOptions::shard_retries).
  bool retryable(const SlurmTaskState& t) const;
  // Resubmits the tasks `ks` as one array job; false with the reason when sbatch refused.
  bool resubmit(const std::vector<std::size_t>& ks, std::string* error);
  void saveAttempts() const;
  std::vector<std::string> jobIdList() const;  // the array job, then each resubmission
  std::string jobIds() const;                  // the same, comma-separated (squeue -j)
  void loadAttempts();
  void resetTracking();
  void markStudySteps(nlohmann::json& doc, const std::vector<ShardOutcome>& shards,
                      const SlurmJobStatus& status) const;

  Workflow m_workflow;
  std::string m_id;
  std::filesystem::path m_dir;
  std::size_t m_tasks = 1;
  std::string m_single_reason;
  std::string m_split = "none";
  SlurmOptions m_opts;
  bool m_cancelled = false;
  std::int64_t m_submitted_us = 0;
  // Per task: last squeue state, when it was first missing from a successful squeue.
  std::vector<std::string> m_slurm_state;
  std::vector<std::chrono::steady_clock::time_point> m_missing_since;
  std::vector<bool> m_missing;
  std::vector<std::chrono::steady_clock::time_point> m_final_since;  // squeue final, no files yet
  std::vector<bool> m_final_seen;
  // Retries: the Slurm job each task's current attempt runs under (the array job, or the job that
  // resubmitted it), its attempt number and what ended the earlier attempts ({"job_id", "state",
  // "slurm_state", "error"}); kept in DIR/attempts.json for attach().
  std::vector<std::string> m_sbatch;  // sbatch's argv, "--array=..." resubmitted with other indices
  std::vector<std::string> m_task_job;
  std::vector<int> m_attempts;
  std::vector<nlohmann::json> m_earlier;
  std::chrono::steady_clock::time_point m_unreachable_since{};
  bool m_unreachable = false;
};

}  // namespace sciagents::core
