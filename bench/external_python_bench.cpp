// external.python overhead: 10^5 calls of a trivial function (x1 + x2) through the task's batch
// path (the path step models take), one message each way per call on 1 and 2 persistent workers,
// and the vectorised path (one call with two arrays of 10^5). The param sets are built before
// timing (a step model builds them too; that cost is the engine's, not the worker's). Peer:
// bench/peers/external_python_peer.py (the same function in a plain Python loop, and one NumPy
// call on the whole arrays). Counters: us_per_call, max_abs_error against x1 + x2.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/agents/external/python_pool.h"
#include "core/agents/external/python_protocol.h"

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sciagents::core;

namespace {

constexpr std::size_t kCalls = 100000;

const std::string& modulePath() {
  static const std::string path = [] {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("sciagents-bench-py-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "trivial.py";
    std::ofstream(file) << "def add(x1, x2):\n    return x1 + x2\n";
    return file.string();
  }();
  return path;
}

std::vector<Map> paramSets(const TaskSpec& t, bool vectorized) {
  std::vector<Map> sets;
  sets.reserve(kCalls);
  for (std::size_t i = 0; i < kCalls; ++i) {
    const double x1 = 0.001 * static_cast<double>(i), x2 = 1.0 / static_cast<double>(i + 1);
    sets.push_back(t.resolveParams(Map{{"module", modulePath()},
                                       {"function", "add"},
                                       {"python", "/usr/bin/python3"},
                                       {"vectorized", vectorized},
                                       {"inputs", Map{{"x1", x1}, {"x2", x2}}}}));
  }
  return sets;
}

void runBatch(benchmark::State& state, bool vectorized) {
  const TaskSpec* t = AgentRegistry::builtin().task("external", "python");
  const std::vector<Map> sets = paramSets(*t, vectorized);
  const int threads = static_cast<int>(state.range(0));
  {  // start the workers (interpreter start and import are not per-call costs)
    TaskContext warm(*t, sets.front());
    warm.setThreads(threads);
    t->run_batch(warm, std::vector<Map>(sets.begin(), sets.begin() + 2 * threads));
  }
  double err = 0, wall = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    TaskContext ctx(*t, sets.front());
    ctx.setThreads(threads);
    const std::vector<Map> out = t->run_batch(ctx, sets);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    err = 0;
    for (std::size_t i = 0; i < kCalls; ++i) {
      const double x1 = 0.001 * static_cast<double>(i), x2 = 1.0 / static_cast<double>(i + 1);
      err = std::max(err, std::abs(out[i].at("y").asDouble() - (x1 + x2)));
    }
    benchmark::DoNotOptimize(err);
  }
  state.counters["max_abs_error"] = err;
  // Wall time of the batch call alone (the check above is not timed in this figure).
  state.counters["us_per_call"] =
      wall / static_cast<double>(state.iterations()) / static_cast<double>(kCalls) * 1e6;
}

void BM_PythonScalarCalls(benchmark::State& state) { runBatch(state, false); }
void BM_PythonVectorised(benchmark::State& state) { runBatch(state, true); }

// The vectorised call alone: one frame with the two arrays to a warm worker and the array back
// (protocol, pipes and the worker's decode/encode), without the task's per-sample param sets.
void BM_PythonVectorisedFrame(benchmark::State& state) {
  namespace ext = sciagents::core::agents::external;
  Vector x1(kCalls), x2(kCalls);
  for (std::size_t i = 0; i < kCalls; ++i) {
    x1[static_cast<Eigen::Index>(i)] = 0.001 * static_cast<double>(i);
    x2[static_cast<Eigen::Index>(i)] = 1.0 / static_cast<double>(i + 1);
  }
  ext::CallFrameWriter w(2);
  w.array("x1", x1.data(), kCalls);
  w.array("x2", x2.data(), kCalls);
  const std::vector<std::string> frames{w.finish()};
  ext::WorkerSpec spec;
  spec.python = "/usr/bin/python3";
  spec.module = modulePath();
  spec.function = "add";
  spec.env = {"OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1"};
  spec.key = "bench-frame";
  ext::CallOptions o;
  ext::callWorkers(spec, frames, o);  // warm
  double err = 0;
  for (auto _ : state) {
    const auto out = ext::callWorkers(spec, frames, o);
    err = (out[0].value.asVector() - (x1 + x2)).cwiseAbs().maxCoeff();
    benchmark::DoNotOptimize(err);
  }
  state.counters["max_abs_error"] = err;
}

BENCHMARK(BM_PythonScalarCalls)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PythonVectorised)
    ->Arg(1)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PythonVectorisedFrame)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
