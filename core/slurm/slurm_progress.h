// Turns what a Slurm job's array tasks write (status.json, progress.json:
// core/slurm/task_progress.h) into progress events for the CLI and the server's SSE stream. Each
// call to update() returns the events since the previous call, as JSON objects with a "type":
//   shard_started   {"task", "tasks"}                               a task was first seen running
//   shard_done      {"task", "tasks", "state", "error", "shards_done"}   once per task and tracker
//   progress        {"fraction", "shards_done", "shards", "running",
//                    "samples": [{"step", "done", "rows", "mean", "ci_halfwidth"}]}
// "progress" is emitted when any task's progress file changed; `samples` pools the running
// statistics of the study shards' model values (mean and a 95 % normal CI half-width of the mean).
#pragma once

#include "core/slurm/slurm_backend.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace sciagents::core {

class SlurmProgressTracker {
 public:
  std::vector<nlohmann::json> update(const std::filesystem::path& job_dir,
                                     const SlurmJobStatus& status);
  double fraction() const { return m_fraction; }

 private:
  std::vector<int> m_seen;  // per task: 0 nothing, 1 started reported, 2 done reported
  std::vector<std::int64_t> m_updated;
  double m_fraction = 0;
};

// One line for humans, e.g. "shard 2 of 4 succeeded (3/4 done)" or
// "progress 62%: 2/4 shards done; ishigami 3072/5120 model values, running mean 3.51 ± 0.11".
std::string describeProgressEvent(const nlohmann::json& event);

}  // namespace sciagents::core
