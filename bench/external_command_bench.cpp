// external.command per-evaluation cost through the path a step model takes (makeStepModel, as a
// uq/surrogate/inverse task evaluates a program step on the run's threads), with no result cache.
// The program is bench/c/external_model.c: "add X1 X2" prints {"y": X1 + X2} (overhead bound) and
// "burn M X" burns M million logistic-map steps (8: ~25 ms of CPU here) before printing.
// Peers (bench/peers/external_command_peer.py): a Python subprocess.run loop over the same program
// and the bare C vfork/exec/wait loop (bench/c/spawn_limit.c), the limit any launcher pays.
// Counters: ms_per_eval (wall), cpu_ms_per_eval (this process and its children), cpu_ms_launcher
// (this process alone: the task layer and the launch), max_abs_error.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/runtime/thread_pool.h"
#include "core/workflow/step_model.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

using namespace sciagents::core;

namespace {

// CPU seconds (user + system) of this process (`who` RUSAGE_SELF) or of its children.
double cpuSeconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// A step model over external.command "PROGRAM MODE {{x1}} {{x2}}" with inputs x1, x2.
std::unique_ptr<ModelEvaluator> commandModel(const std::string& mode, const std::string& arg1,
                                             ThreadPool* pool, int threads) {
  const AgentRegistry& reg = AgentRegistry::builtin();
  const TaskSpec* t = reg.task("external", "command");
  List argv{Value(std::string(SCIAGENTS_BENCH_MODEL)), Value(mode), Value(arg1), Value("{{x2}}")};
  const Map params = t->resolveParams(Map{
      {"command", std::move(argv)}, {"inputs", Map{{"x1", 0.0}, {"x2", 0.0}}}, {"keep", "none"}});
  StepModelEnv env;
  env.agent = reg.agent("external");
  env.task = t;
  env.step = "sim";
  env.pool = pool;
  env.threads = threads;
  env.seed_for = [](const Map&) { return std::uint64_t{1}; };
  env.key_for = [](std::uint64_t, const Map&) { return std::string(); };
  return makeStepModel(std::move(env),
                       Map{{"step", "sim"},
                           {"input", List{Value("inputs.x1"), Value("inputs.x2")}},
                           {"output", "y"},
                           {"params", params}},
                       {"x1", "x2"});
}

void run(benchmark::State& state, const std::string& mode, const std::string& arg1,
         Eigen::Index n) {
  const int threads = static_cast<int>(state.range(0));
  ThreadPool pool(threads);
  auto model = commandModel(mode, arg1, &pool, threads);
  Matrix x(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) x.row(i) << static_cast<double>(i), 0.5;
  const TaskSpec* t = AgentRegistry::builtin().task("external", "command");
  TaskContext ctx(*t, Map{});
  ctx.setThreads(threads);
  model->evaluate(x.topRows(std::min<Eigen::Index>(n, 4)), ctx);  // warm: page cache, dirs
  double self = 0, children = 0, wall = 0, err = 0;
  for (auto _ : state) {
    const double s0 = cpuSeconds(RUSAGE_SELF), c0 = cpuSeconds(RUSAGE_CHILDREN);
    const auto t0 = std::chrono::steady_clock::now();
    const Vector y = model->evaluate(x, ctx);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    self += cpuSeconds(RUSAGE_SELF) - s0;
    children += cpuSeconds(RUSAGE_CHILDREN) - c0;
    if (mode == "add") err = (y - (x.col(0).array() + 0.5).matrix()).cwiseAbs().maxCoeff();
    benchmark::DoNotOptimize(y.data());
  }
  const double evals = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.counters["ms_per_eval"] = wall / evals * 1e3;
  state.counters["cpu_ms_per_eval"] = (self + children) / evals * 1e3;
  state.counters["cpu_ms_launcher"] = self / evals * 1e3;  // this process alone
  if (mode == "add") state.counters["max_abs_error"] = err;
}

// The trivial program: the cost is the launch and the task layer around it.
void BM_CommandTrivial(benchmark::State& state) { run(state, "add", "{{x1}}", 200); }
// CPU-bound programs: 8 million steps (~20 ms of CPU per evaluation, where the process start is
// still ~10 % of the time) and 40 million (~90 ms): does a second thread halve the wall time?
void BM_CommandCpuBound(benchmark::State& state) {
  run(state, "burn", std::to_string(state.range(1)), 16);
}

BENCHMARK(BM_CommandTrivial)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_CommandCpuBound)
    ->Args({1, 8})
    ->Args({2, 8})
    ->Args({1, 40})
    ->Args({2, 40})
    ->ArgNames({"threads", "msteps"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
