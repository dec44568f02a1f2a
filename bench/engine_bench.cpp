// Engine overhead per trivial step: parse-free run of a workflow whose steps do no work
// (workflow_orchestration.value), chained or independent, with and without the result cache.
// Engine overhead per step-model sample: uq.monte_carlo over n samples of a step model whose
// template does no work (y = x through a workflow_orchestration.value step, cache off), against the
// same study with the expression model "x": the difference per sample is what the engine adds to
// each sample on top of the task's own work (items_per_second: samples).
#include "core/agent/agent_registry.h"
#include "core/workflow/workflow_engine.h"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

using namespace sciagents::core;

namespace {

Workflow trivialWorkflow(int n, bool chained) {
  std::string json = R"({"sciagents":1,"steps":[)";
  for (int i = 0; i < n; ++i) {
    const std::string value = chained && i > 0
                                  ? R"({"from":"s)" + std::to_string(i - 1) + R"(.value"})"
                                  : std::to_string(i);
    json += (i ? "," : "") + std::string(R"({"id":"s)") + std::to_string(i) +
            R"(","agent":"workflow_orchestration","task":"value","params":{"value":)" + value +
            "}}";
  }
  return parseWorkflow(json + "]}");
}

void runSteps(benchmark::State& state, bool chained, bool cache) {
  const int n = static_cast<int>(state.range(0));
  const Workflow w = trivialWorkflow(n, chained);
  RunOptions o;
  o.threads = 1;
  o.use_cache = cache;
  const auto dir = std::filesystem::temp_directory_path() / "sciagents-bench-cache";
  o.cache_dir = dir;
  WorkflowEngine engine(AgentRegistry::builtin());
  if (cache) engine.run(w, o);  // warm: measure cache hits
  for (auto _ : state) {
    auto r = engine.run(w, o);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * n);
  // Overhead per step = 1 / items_per_second.
  if (cache) std::filesystem::remove_all(dir);
}

Workflow studyWorkflow(int n, bool step_model) {
  const std::string model =
      step_model ? R"({"step": "v", "input": ["value"], "output": "value", "cache": false})"
                 : R"("x")";
  return parseWorkflow(R"({"sciagents": 1, "steps": [
      {"id": "v", "agent": "workflow_orchestration", "task": "value", "params": {"value": 0.5}},
      {"id": "mc", "agent": "uq", "task": "monte_carlo", "params": {"model": )" +
                       model + R"(,
        "inputs": [{"name": "x", "dist": "uniform", "a": 0, "b": 1}], "n": )" +
                       std::to_string(n) + R"(, "seed": 1}}]})");
}

void runStudy(benchmark::State& state, bool step_model) {
  const int n = static_cast<int>(state.range(0));
  const Workflow w = studyWorkflow(n, step_model);
  RunOptions o;
  o.threads = 1;
  o.use_cache = false;
  WorkflowEngine engine(AgentRegistry::builtin());
  for (auto _ : state) {
    auto r = engine.run(w, o);
    if (r.status != StepStatus::Succeeded) state.SkipWithError("the study failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_StepModelSamples(benchmark::State& s) { runStudy(s, true); }
void BM_ExpressionModelSamples(benchmark::State& s) { runStudy(s, false); }

void BM_EngineChainNoCache(benchmark::State& s) { runSteps(s, true, false); }
void BM_EngineIndependentNoCache(benchmark::State& s) { runSteps(s, false, false); }
void BM_EngineChainCacheHits(benchmark::State& s) { runSteps(s, true, true); }

}  // namespace

BENCHMARK(BM_EngineChainNoCache)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EngineIndependentNoCache)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EngineChainCacheHits)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StepModelSamples)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_ExpressionModelSamples)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK_MAIN();
