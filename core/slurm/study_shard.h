// Sampling studies split over Slurm array tasks (docs/slurm.md, "How a study is split").
//
// Task K of T runs the workflow with StudyShard::evaluating(): every study step (uq.sobol,
// uq.monte_carlo, uq.lhs with a model) computes its full, seeded design as in a local run,
// evaluates only its contiguous block of rows [K N / T, (K+1) N / T) and saves the values to
// task-K/model-<STEP>.json; the step then stops (ModelShardDone). The merge runs the workflow once
// more in-process with StudyShard::replaying(): the design is recomputed, the model values are read
// back from the T blocks instead of evaluated, and the task's estimators run once on exactly the
// values a local run computes, so every output is bit-identical to the local run's.
#pragma once

#include "core/agent/model_shard.h"
#include "core/workflow/workflow.h"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

namespace sciagents::core {

class TaskProgressFile;

// Rows [first, second) of a design of `rows` rows that task k of T evaluates.
std::pair<std::size_t, std::size_t> studyBlock(std::size_t rows, std::size_t k, std::size_t tasks);

// True for the tasks whose model evaluations can be split (agent.task).
bool isStudyTask(const std::string& agent, const std::string& task);

// False (with the reason) unless the workflow has no sweep, at least one study step with a model,
// and no step uses a study step's outputs (a task's study step has no outputs).
bool studyShardable(const Workflow& w, std::string* why = nullptr);

// task-K/model-<STEP>.json
std::filesystem::path studyBlockFile(const std::filesystem::path& task_dir,
                                     const std::string& step);

class StudyShard final : public ModelShard {
 public:
  static std::shared_ptr<StudyShard> evaluating(
      std::filesystem::path task_dir, std::size_t index, std::size_t count,
      std::shared_ptr<TaskProgressFile> progress = nullptr);
  static std::shared_ptr<StudyShard> replaying(std::filesystem::path job_dir, std::size_t count);

  bool partial() const override { return m_partial; }
  bool appliesTo(const std::string& agent, const std::string& task) const override {
    return isStudyTask(agent, task);
  }
  std::unique_ptr<ModelEvaluator> wrap(std::unique_ptr<ModelEvaluator> model,
                                       const TaskContext& ctx, std::size_t rows) override;

 private:
  bool m_partial = true;
  std::filesystem::path m_dir;  // task dir (evaluating) or job dir (replaying)
  std::size_t m_index = 0, m_count = 1;
  std::shared_ptr<TaskProgressFile> m_progress;
};

}  // namespace sciagents::core
