// The engine's implementation of step-reference models (core/agent/model_evaluator.h): the
// referenced step is a template re-run once per sample point with its input param paths
// overridden, on the run's thread pool and through the result cache.
#pragma once

#include "core/agent/model_evaluator.h"
#include "core/agent/task_spec.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sciagents::core {

class ResultCache;
class ThreadPool;
struct NestedRunContext;

// What the engine lends a step model for the duration of the referencing task.
struct StepModelEnv {
  const AgentSpec* agent = nullptr;  // of the template step
  const TaskSpec* task = nullptr;
  std::string step;              // template step id
  ResultCache* cache = nullptr;  // nullptr: no caching
  ThreadPool* pool = nullptr;    // helpers are queued here; the calling thread works too
  int threads = 1;
  std::string base_dir;                            // see RunOptions::base_dir
  const NestedRunContext* nested = nullptr;        // the run's, set around every sample's task
  std::shared_ptr<const ExternalPolicy> external;  // see RunOptions::external
  std::function<std::uint64_t(const Map& params)> seed_for;  // the template's seed
  std::function<std::string(std::uint64_t seed, const Map& params)>
      key_for;  // the engine's cache key
};

// `ref` is the resolved reference (see isModelRef in link.h). Throws paramError("model", ...) when
// the inputs do not match `input_names` or a path cannot be applied.
std::unique_ptr<ModelEvaluator> makeStepModel(StepModelEnv env, const Map& ref,
                                              const std::vector<std::string>& input_names);

// Validation of a model input path against the template step's raw params: the first component
// must be a param of `task`; deeper components ("constants.k") and an optional final index
// ("y0[0]") must exist in the params as written. Returns the problem, or an empty string.
std::string checkModelInputPath(const nlohmann::json& raw_params, const TaskSpec& task,
                                const std::string& path);

// Sets the number at `path` inside resolved params (same syntax); returns the problem or "".
std::string setParamPath(Map& params, const std::string& path, double value);

}  // namespace sciagents::core
