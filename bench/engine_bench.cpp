// Engine overhead per trivial step: parse-free run of a workflow whose steps do no work
// (workflow_orchestration.value), chained or independent, with and without the result cache.
#include "core/workflow/workflow_engine.h"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

using namespace sciagents::core;

namespace {

Workflow trivialWorkflow(int n, bool chained) {
  std::string json = R"({"sciagents":1,"steps":[)";
  for (int i = 0; i < n; ++i) {
    const std::string value =
        chained && i > 0 ? R"({"from":"s)" + std::to_string(i - 1) + R"(.value"})" : std::to_string(i);
    json += (i ? "," : "") + std::string(R"({"id":"s)") + std::to_string(i) +
            R"(","agent":"workflow_orchestration","task":"value","params":{"value":)" + value + "}}";
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
  WorkflowEngine engine;
  if (cache) engine.run(w, o);  // warm: measure cache hits
  for (auto _ : state) {
    auto r = engine.run(w, o);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * n);
  // Overhead per step = 1 / items_per_second.
  if (cache) std::filesystem::remove_all(dir);
}

void BM_EngineChainNoCache(benchmark::State& s) { runSteps(s, true, false); }
void BM_EngineIndependentNoCache(benchmark::State& s) { runSteps(s, false, false); }
void BM_EngineChainCacheHits(benchmark::State& s) { runSteps(s, true, true); }

}  // namespace

BENCHMARK(BM_EngineChainNoCache)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EngineIndependentNoCache)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EngineChainCacheHits)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
