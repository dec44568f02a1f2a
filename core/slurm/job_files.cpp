#include "core/slurm/job_files.h"

namespace sciagents::core {

namespace fs = std::filesystem;

std::optional<TaskStatusFile> readTaskStatus(const fs::path& file) {
  auto j = readJsonFile(file);
  if (!j || !j->is_object()) return std::nullopt;
  TaskStatusFile s;
  s.state = j->value("state", std::string());
  s.error = j->value("error", std::string());
  return s;
}

}  // namespace sciagents::core
