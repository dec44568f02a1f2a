// The history of runs on this machine (docs/history.md): one SQLite row per `sciagents run` (local,
// on a server or on Slurm) with the workflow as run, its overrides, seed, threads, agent versions,
// host, times, status and where its result went. Several processes may record at once (WAL, a
// generous busy timeout). Default file: $SCIAGENTS_HISTORY, else
// $XDG_DATA_HOME/sciagents/history.sqlite (~/.local/share/sciagents/history.sqlite).
#pragma once

#include "core/store/database.h"
#include "core/workflow/run_result.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core::store {

struct RunRecord {
  std::int64_t id = 0;  // given by record()
  std::int64_t started_us = 0;
  std::int64_t finished_us = 0;
  std::string status;         // succeeded | failed | cancelled | invalid
  std::string where;          // "local", a server URL, or "slurm"
  std::string workflow_file;  // absolute path, "" when not from a file
  std::string workflow_name;
  std::string workflow_json;   // the workflow as run (overrides applied)
  std::string overrides_json;  // JSON array of the --set strings
  std::optional<std::uint64_t> seed;
  int threads = 0;                  // asked for (0: all hardware threads)
  std::string agent_versions_json;  // JSON object {agent: version}
  std::string host;
  std::string result_file;  // absolute path of the result file, "" none
  std::string result_json;  // the result document itself when small and not written to a file
  double wall_s = 0;
  std::string error;  // first step error, "" none
};

class RunHistory {
 public:
  // Results without a file are kept in the row up to this size (bytes of JSON).
  static constexpr std::size_t kMaxStoredResultBytes = 256 * 1024;

  explicit RunHistory(const std::filesystem::path& file);  // creates the folder and the file

  // $SCIAGENTS_HISTORY, else $XDG_DATA_HOME/sciagents/history.sqlite, else
  // $HOME/.local/share/sciagents/history.sqlite; empty when none of these is set.
  static std::filesystem::path defaultFile();

  std::int64_t record(const RunRecord& run);  // returns the new id
  // Newest first; limit <= 0: all. Rows without the (large) workflow_json and result_json.
  std::vector<RunRecord> list(int limit);
  std::optional<RunRecord> get(std::int64_t id);  // the full row
  bool remove(std::int64_t id);                   // false when there was no such run

 private:
  std::mutex m_mutex;
  Database m_db;
};

// The history row of a finished run: times, where, the workflow file and overrides, seed, threads,
// agent versions and host from result.run_info (core/workflow/run_provenance.h), the workflow as
// run from result.workflow_spec, the status, wall time and first step error. `result_file`: the
// result file's absolute path ("" none); without one the result document itself is kept when it
// is at most kMaxStoredResultBytes (`doc` when given, else result.toJson()). Every front end that
// records runs (the CLI, Studio) builds its row here.
RunRecord runRecordFor(const RunResult& result, const std::string& result_file,
                       const nlohmann::json& doc = nullptr);

}  // namespace sciagents::core::store
