// external.python overhead: 10^5 calls of a trivial function (x1 + x2) through the task's batch
// path (the path step models take), one message each way per call on 1 and 2 persistent workers,
// and the vectorised path (one call with two arrays of 10^5; the frame alone through the pipe or in
// shared memory; Ishigami on 10^6 points as a realistic model). The param sets are built before
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
    std::ofstream(file) << "import numpy as np\n"
                           "def add(x1, x2):\n    return x1 + x2\n"
                           "def ishigami(x1, x2, x3):\n"
                           "    return (np.sin(x1) + 7 * np.sin(x2) ** 2\n"
                           "            + 0.1 * x3 ** 4 * np.sin(x1))\n";
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

// A warm worker for `function` of a module with `text` (interpreter start and import are not
// per-call costs).
sciagents::core::agents::external::WorkerSpec workerSpec(const std::string& function) {
  sciagents::core::agents::external::WorkerSpec spec;
  spec.python = "/usr/bin/python3";
  spec.module = modulePath();
  spec.function = function;
  spec.env = {"OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1"};
  spec.key = "bench-frame-" + function;
  return spec;
}

// The vectorised call alone: one frame with the arrays to a warm worker and the array back
// (protocol, pipes or shared memory, and the worker's decode/encode), without the task's
// per-sample param sets. Arg 0: the arrays through the pipe; 1: in shared-memory files (large
// arrays, as the task sends them). Function `add` (x1 + x2, overhead bound) or `ishigami`.
void frameCall(benchmark::State& state, const std::string& function, std::size_t n) {
  namespace ext = sciagents::core::agents::external;
  const bool shared = state.range(0) != 0;
  std::vector<Vector> x;
  for (int j = 0; j < (function == "add" ? 2 : 3); ++j) x.emplace_back(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    const double u = (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    if (function == "add") {
      x[0][k] = 0.001 * static_cast<double>(i);
      x[1][k] = 1.0 / static_cast<double>(i + 1);
    } else {  // three low-discrepancy-ish coordinates in [-pi, pi]
      x[0][k] = M_PI * (2 * u - 1);
      x[1][k] = M_PI * (2 * std::fmod(u * 7919.0, 1.0) - 1);
      x[2][k] = M_PI * (2 * std::fmod(u * 104729.0, 1.0) - 1);
    }
  }
  Vector expect(static_cast<Eigen::Index>(n));
  for (Eigen::Index k = 0; k < expect.size(); ++k)
    expect[k] = function == "add" ? x[0][k] + x[1][k]
                                  : std::sin(x[0][k]) + 7 * std::pow(std::sin(x[1][k]), 2) +
                                        0.1 * std::pow(x[2][k], 4) * std::sin(x[0][k]);
  const ext::WorkerSpec spec = workerSpec(function);
  ext::CallOptions o;
  const char* names[] = {"x1", "x2", "x3"};
  // One call: the inputs' shared-memory files live in `files` until it has been answered (then
  // they go back to the engine's idle files, which later calls reuse).
  auto call = [&] {
    ext::SharedArrays files;
    ext::CallFrameWriter w(static_cast<std::uint32_t>(x.size()), shared ? &files : nullptr);
    for (std::size_t j = 0; j < x.size(); ++j) w.array(names[j], x[j].data(), n);
    w.offerResult(n);  // shared memory for the result too (a no-op without `shared`)
    const std::vector<std::string> frames{w.finish()};
    return ext::callWorkers(spec, frames, o);
  };
  call();  // warm: the worker started and its module imported, the shared files made
  double err = 0;
  for (auto _ : state) {
    const auto out = call();
    if (!out[0].ok)
      state.SkipWithError(out[0].error.c_str());
    else
      err = (out[0].value.asVector() - expect).cwiseAbs().maxCoeff();
    benchmark::DoNotOptimize(err);
  }
  state.counters["max_abs_error"] = err;
}

void BM_PythonVectorisedFrame(benchmark::State& state) { frameCall(state, "add", kCalls); }
// The realistic vectorised model: Ishigami (np.sin, **) on 10^6 points.
void BM_PythonIshigamiFrame(benchmark::State& state) { frameCall(state, "ishigami", 1000000); }

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
BENCHMARK(BM_PythonVectorisedFrame)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("shared")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PythonIshigamiFrame)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("shared")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
