// special_functions tasks through the agent's task function: 10^6 J0 evaluations (as jv(0, x) and
// j0(x)) over x in [0.1, 100], and FFTs. Same problems as bench/peers/special_functions_peer.py.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"

#include <benchmark/benchmark.h>

#include <cmath>

using namespace sciagents::core;

namespace {

Vector grid(Eigen::Index n) { return Vector::LinSpaced(n, 0.1, 100.0); }

void runTask(benchmark::State& state, const char* id, const Map& given, std::int64_t items) {
  const TaskSpec* t = AgentRegistry::builtin().task("special_functions", id);
  const Map params = t->resolveParams(given);
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    t->run(ctx);
    benchmark::DoNotOptimize(ctx.outputs());
  }
  state.SetItemsProcessed(state.iterations() * items);
}

void BM_J0_jv(benchmark::State& s) {
  runTask(s, "evaluate", {{"function", "jv"}, {"args", List{0, grid(1000000)}}}, 1000000);
}
void BM_J0_j0(benchmark::State& s) {
  runTask(s, "evaluate", {{"function", "j0"}, {"args", List{grid(1000000)}}}, 1000000);
}
void BM_Gamma(benchmark::State& s) {
  runTask(s, "evaluate", {{"function", "gamma"}, {"args", List{grid(1000000)}}}, 1000000);
}
void BM_Fft(benchmark::State& s) {
  const Eigen::Index n = s.range(0);
  runTask(s, "fft", {{"x", Vector(grid(n).array().sin())}}, n);
}
void BM_Rfft(benchmark::State& s) {
  const Eigen::Index n = s.range(0);
  runTask(s, "fft", {{"x", Vector(grid(n).array().sin())}, {"kind", "rfft"}}, n);
}

}  // namespace

BENCHMARK(BM_J0_jv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_J0_j0)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gamma)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fft)->Arg(1 << 16)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rfft)->Arg(1 << 16)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
