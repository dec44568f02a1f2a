// Runs a validated workflow: a DAG of steps on a thread pool, independent steps in parallel, sweeps
// fanned out point by point, results served from the content-addressed cache when possible.
#pragma once

#include "core/agent/model_shard.h"
#include "core/agent/task_context.h"
#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <cstdint>
#include <filesystem>
#include <functional>

namespace sciagents::core {

class AgentRegistry;
namespace metrics {
class MetricsRegistry;
}

// Receives run events. Calls are serialised by the engine (never two at once), from worker threads.
class RunListener : public TaskObserver {
 public:
  virtual void stepStarted(const std::string& step, const std::string& agent,
                           const std::string& task) {
    (void)step, (void)agent, (void)task;
  }
  virtual void stepFinished(const StepResult& result) { (void)result; }
  void progress(std::string_view step, double fraction, std::string_view message) override {
    (void)step, (void)fraction, (void)message;
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    (void)step, (void)series, (void)x, (void)y;
  }
};

struct RunOptions {
  int threads = 0;  // 0: all hardware threads
  bool use_cache = true;
  std::filesystem::path cache_dir;    // empty: ResultCache::defaultDir()
  std::uint64_t cache_max_bytes = 0;  // 0: ResultCache::defaultMaxBytes()
  // Step models (step_model.h) re-run a step per sample: false keeps those samples out of the
  // cache (one file each), while the steps themselves are still cached. The server sets false.
  bool cache_model_samples = true;
  CancelFlag cancel;  // set to true to stop the run; tasks stop promptly
  RunListener* listener = nullptr;
  std::uint64_t seed = 0;                       // base of every step's derived seed
  metrics::MetricsRegistry* metrics = nullptr;  // nullptr: MetricsRegistry::global()
  // Sweep sharding (one Slurm array task of several): with shard_count > 1 every swept step runs
  // only its points g with g % shard_count == shard_index, in increasing g; seeds and cache keys
  // use the global index g, so the shards interleaved give exactly a full run
  // (core/slurm/shard_merge.h). Non-swept steps run whole in every shard. A shard may hold no point
  // of a step (its outputs are then empty lists).
  std::size_t shard_index = 0;
  std::size_t shard_count = 1;
  // Study sharding (core/agent/model_shard.h): handed to every non-swept step's task.
  std::shared_ptr<ModelShard> model_shard;
  // Called before each step (each sweep point) runs, once its links and params are resolved,
  // unless its result comes from the cache. Throwing an Error refuses the point: it fails with
  // that error (the server checks resource estimates here, core/agent/resource_estimate.h).
  std::function<void(const Step& step, const TaskSpec& task, const Map& params)> before_step;
  // Where relative file paths in params resolve (the workflow file's folder; empty: the current
  // directory), and what external models may do (nullptr: enabled with default limits).
  std::string base_dir;
  std::shared_ptr<const ExternalPolicy> external;
};

class WorkflowEngine {
 public:
  // The registry the run is given: its tasks (and the tasks they run, core/agent/task_context.h)
  // are looked up there. Programs pass the built-in registry from their entry point (main()).
  explicit WorkflowEngine(const AgentRegistry& registry);

  // Validates first and throws Error(InvalidInput) with every issue when the workflow is invalid.
  // Step failures do not throw: they are reported in the result (dependents are skipped).
  RunResult run(const Workflow& workflow, const RunOptions& options = {}) const;

 private:
  const AgentRegistry& m_registry;
};

}  // namespace sciagents::core
