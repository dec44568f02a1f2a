// Live progress of one Slurm array task: task-K/progress.json, rewritten (atomically, at most every
// 0.25 s) while the task runs. The backend turns the tasks' files into progress events
// (core/slurm/slurm_progress.h):
//   {"task", "tasks", "fraction", "step", "message", "updated_unix_us",
//    "samples": {"step", "rows", "done", "count", "mean", "m2"}}     (study shards only)
// `samples` holds the running Welford statistics (count, mean, sum of squared deviations m2) of the
// model values this task has evaluated so far, so shards pool into a running mean and CI.
#pragma once

#include "core/workflow/workflow_engine.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>

namespace sciagents::core {

class TaskProgressFile final : public RunListener {
 public:
  TaskProgressFile(std::filesystem::path file, std::size_t task, std::size_t tasks,
                   std::size_t steps);

  // RunListener: overall fraction from steps finished plus the running step's fraction.
  void stepFinished(const StepResult& result) override;
  void progress(std::string_view step, double fraction, std::string_view message) override;

  // A study shard's running statistics of its model values.
  void samples(const std::string& step, std::size_t rows, std::size_t done, std::size_t count,
               double mean, double m2);
  void flush();  // writes now

 private:
  void writeLocked(bool force);
  std::mutex m_mutex;
  std::filesystem::path m_file;
  nlohmann::json m_doc;
  std::size_t m_steps = 1, m_steps_done = 0;
  std::chrono::steady_clock::time_point m_last{};
};

}  // namespace sciagents::core
