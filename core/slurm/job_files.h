// The files of a Slurm job directory (docs/slurm.md): written atomically (temporary file + rename)
// so a reader on the shared filesystem sees either nothing or a whole document.
#pragma once

#include "core/util/atomic_file.h"

#include <filesystem>
#include <optional>
#include <string>

namespace sciagents::core {

namespace slurm_files {
inline std::filesystem::path taskDir(const std::filesystem::path& job, std::size_t k) {
  return job / ("task-" + std::to_string(k));
}
inline std::filesystem::path taskResult(const std::filesystem::path& job, std::size_t k) {
  return taskDir(job, k) / "result.json";
}
inline std::filesystem::path taskStatus(const std::filesystem::path& job, std::size_t k) {
  return taskDir(job, k) / "status.json";
}
}  // namespace slurm_files

// status.json of one array task, written by the task itself (`sciagents run --status-file`):
// {"state": "running"|"succeeded"|"failed"|"cancelled", "task", "tasks", "job_id", "host", "pid",
//  "started_unix_us", "finished_unix_us", "error"}.
struct TaskStatusFile {
  std::string state;
  std::string error;
  bool final() const { return state == "succeeded" || state == "failed" || state == "cancelled"; }
};
std::optional<TaskStatusFile> readTaskStatus(const std::filesystem::path& file);

}  // namespace sciagents::core
