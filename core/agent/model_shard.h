// A sampling study split over processes (Slurm array tasks, docs/slurm.md): the rows of a sampling
// task's design are evaluated in contiguous blocks by different processes, then one process replays
// the task with every row's model value read back, so its estimators run once on exactly the values
// a local run computes. Tasks opt in by building their model through uq's readModel(ctx, in, rows);
// the engine makes the run's ModelShard (RunOptions::model_shard) current while it runs a non-swept
// step's task (ModelShard::Scope, on the thread that runs the task: tasks build their model there
// before any work is spread over other threads).
#pragma once

#include "core/agent/model_evaluator.h"
#include "core/value/value.h"

#include <cstddef>
#include <exception>
#include <memory>
#include <string>

namespace sciagents::core {

class ModelShard {
 public:
  virtual ~ModelShard() = default;
  // True in a process that evaluates only a block of rows: the step's own result is not a real
  // result then (the engine neither reads nor writes the cache for it).
  virtual bool partial() const = 0;
  // Whether steps of agent.task take part (the engine asks before touching the cache).
  virtual bool appliesTo(const std::string& agent, const std::string& task) const = 0;
  // The evaluator the task uses for its design of `rows` rows (evaluated in one or more calls, in
  // row order).
  virtual std::unique_ptr<ModelEvaluator> wrap(std::unique_ptr<ModelEvaluator> model,
                                               const TaskContext& ctx, std::size_t rows) = 0;

  // The shard of the task running on this thread (nullptr: the task runs whole).
  static ModelShard* current();
  // Makes `shard` current on this thread for the lifetime of the scope.
  class Scope {
   public:
    explicit Scope(ModelShard* shard);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ModelShard* m_previous;
  };
};

// Thrown by a partial evaluator once its block is evaluated and saved: the task stops there (its
// estimators need every row). The engine records the step as succeeded with no outputs and these
// diagnostics.
class ModelShardDone : public std::exception {
 public:
  explicit ModelShardDone(Map diagnostics) : m_diagnostics(std::move(diagnostics)) {}
  const char* what() const noexcept override { return "study shard evaluated"; }
  const Map& diagnostics() const { return m_diagnostics; }

 private:
  Map m_diagnostics;
};

}  // namespace sciagents::core
