#include "core/slurm/task_progress.h"

#include "core/util/atomic_file.h"
#include "core/util/clock.h"

#include <algorithm>

namespace sciagents::core {

TaskProgressFile::TaskProgressFile(std::filesystem::path file, std::size_t task, std::size_t tasks,
                                   std::size_t steps)
    : m_file(std::move(file)), m_steps(std::max<std::size_t>(1, steps)) {
  m_doc = {
      {"task", task}, {"tasks", tasks}, {"fraction", 0.0}, {"step", ""}, {"message", "started"}};
  writeLocked(true);
}

void TaskProgressFile::stepFinished(const StepResult& result) {
  std::lock_guard lock(m_mutex);
  ++m_steps_done;
  m_doc["fraction"] =
      std::min(1.0, static_cast<double>(m_steps_done) / static_cast<double>(m_steps));
  m_doc["step"] = result.id;
  m_doc["message"] = std::string(stepStatusName(result.status));
  writeLocked(m_steps_done == m_steps);
}

void TaskProgressFile::progress(std::string_view step, double fraction, std::string_view message) {
  std::lock_guard lock(m_mutex);
  m_doc["fraction"] =
      std::min(1.0, (static_cast<double>(m_steps_done) + std::clamp(fraction, 0.0, 1.0)) /
                        static_cast<double>(m_steps));
  m_doc["step"] = std::string(step);
  m_doc["message"] = std::string(message);
  writeLocked(false);
}

void TaskProgressFile::samples(const std::string& step, std::size_t rows, std::size_t done,
                               std::size_t count, double mean, double m2) {
  std::lock_guard lock(m_mutex);
  m_doc["samples"] = {{"step", step},   {"rows", rows}, {"done", done},
                      {"count", count}, {"mean", mean}, {"m2", m2}};
  writeLocked(done >= rows);
}

void TaskProgressFile::flush() {
  std::lock_guard lock(m_mutex);
  writeLocked(true);
}

void TaskProgressFile::writeLocked(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - m_last < std::chrono::milliseconds(250)) return;
  m_last = now;
  m_doc["updated_unix_us"] = unixMicros();
  writeFileAtomic(m_file, m_doc.dump() + "\n", nullptr);  // progress is best effort
}

}  // namespace sciagents::core
