// Persistent jobs of the headless server (SQLite, WAL). Every state change is committed before the
// caller announces it. One connection guarded by a mutex: all methods are thread-safe.
#pragma once

#include "core/store/database.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core::store {

enum class JobState { Queued, Running, Succeeded, Failed, Cancelled, TimedOut };
std::string_view jobStateName(JobState s);
std::optional<JobState> jobStateFromName(std::string_view name);
inline bool isFinished(JobState s) { return s != JobState::Queued && s != JobState::Running; }

struct JobRecord {
  std::string id;        // 32 hex digits
  std::string owner;     // token name (for display; names can be reused)
  std::string owner_id;  // token id (TokenInfo::id): the job belongs to this token only
  std::string name;      // workflow name
  std::string spec;      // workflow JSON
  std::optional<std::int64_t> seed;
  bool no_cache = false;
  double wall_time_s = 0;  // effective limit (0: none)
  JobState state = JobState::Queued;
  std::int64_t created_us = 0;  // unix microseconds
  std::optional<std::int64_t> started_us;
  std::optional<std::int64_t> finished_us;
  std::string error;  // "" = none
  std::int64_t steps_total = 0;
  std::int64_t steps_done = 0;
  bool has_result = false;        // result stored (fetch with result() or resultFile())
  std::string result_file;        // result.json on disk ("" = inline in the row, or none)
  std::int64_t result_bytes = 0;  // bytes of the stored result (JSON + sidecars)
  // Where the job runs: "local" (the server's engine) or "slurm" (docs/slurm.md), the backend's
  // options (JSON, "" none), and once submitted the backend's job id and job directory.
  std::string backend = "local";
  std::string backend_options;
  std::string backend_job_id;
  std::string backend_dir;
};

// A result written to disk (core/store/result_files.h): its JSON file and total bytes.
struct StoredResult {
  std::string file;
  std::int64_t bytes = 0;
};

class JobStore {
 public:
  explicit JobStore(const std::filesystem::path& file);  // ":memory:" for tests

  void insert(const JobRecord& job);
  // get() and list() leave `spec` empty (status reads); inState() fills it.
  std::optional<JobRecord> get(const std::string& id);
  // Newest first. `owner_id` is a token id; empty = everybody; state filter optional; limit <= 0 =
  // no limit.
  std::vector<JobRecord> list(const std::string& owner_id, std::optional<JobState> state,
                              int limit);
  // Ids of the jobs of a token in a state, oldest first.
  std::vector<std::string> idsOf(const std::string& owner_id, JobState state);
  // Oldest first (the order they were submitted).
  std::vector<JobRecord> inState(JobState state);

  void markRunning(const std::string& id, std::int64_t started_us);
  // Final state, with error ("" none), result JSON (empty: none), steps done, and a result
  // stored on disk (file "" = none; replaces result_json).
  void finish(const std::string& id, JobState state, std::int64_t finished_us,
              const std::string& error, const std::string& result_json, std::int64_t steps_done,
              const StoredResult& stored = {});
  // Back to queued (restart re-run / shutdown): clears started_at and progress.
  void requeue(const std::string& id);
  void setProgress(const std::string& id, std::int64_t steps_done);
  // Records a submission to an external backend (Slurm job id, job directory); kept across
  // requeue() so a restarted server re-attaches instead of submitting again.
  void setBackendJob(const std::string& id, const std::string& backend_job_id,
                     const std::string& dir);
  // The inline result JSON (stores written before result files, or without them).
  std::optional<std::string> result(const std::string& id);
  // The result file on disk, if the result is stored as one.
  std::optional<std::string> resultFile(const std::string& id);
  // Deletes a finished job's stored result (row and files); returns the bytes freed.
  std::int64_t dropResult(const std::string& id);
  // Bytes of stored results of a token (its storage quota counts these).
  std::int64_t resultBytesOf(const std::string& owner_id);

  // Deletes finished jobs whose finished_at is before `before_us`, with their result files (the
  // directory holding each result.json); returns how many.
  std::int64_t deleteFinishedBefore(std::int64_t before_us);
  std::map<JobState, std::int64_t> countByState();
  bool healthy();  // a trivial query works

 private:
  std::vector<JobRecord> readRows(Statement& s);
  void adoptLegacyOwners();
  std::mutex m_mutex;
  Database m_db;
};

}  // namespace sciagents::core::store
