// integration tasks through the agent's task function (what users get): params resolved once,
// a TaskContext and run per iteration. Same problems as bench/peers/integration_peer.py; the
// counter abs_error is |value - exact| next to the time.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>

using namespace sciagents::core;

namespace {

void runTask(benchmark::State& state, const char* id, const Map& given, double exact) {
  const TaskSpec* t = AgentRegistry::builtin().task("integration", id);
  const Map params = t->resolveParams(given);
  double value = 0;
  std::int64_t neval = 0;
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    t->run(ctx);
    value = ctx.outputs().at("value").asDouble();
    neval = ctx.diagnostics().at("neval").asInt();
    benchmark::DoNotOptimize(value);
  }
  state.counters["abs_error"] = std::abs(value - exact);
  state.counters["neval"] = static_cast<double>(neval);
}

void BM_QuadLogSqrt(benchmark::State& s) {  // scipy.integrate.quad default tolerances
  runTask(s, "quad", {{"f", "ln(x)/sqrt(x)"}, {"a", 0}, {"b", 1}}, -4.0);
}
// Cold: a new constant each call defeats the per-thread cache of compiled integrands, so every
// call pays the muParser compile (what a one-off call costs).
void BM_QuadLogSqrtCold(benchmark::State& state) {
  const TaskSpec* t = AgentRegistry::builtin().task("integration", "quad");
  double value = 0, c = 0;
  for (auto _ : state) {
    TaskContext ctx(
        *t,
        t->resolveParams(
            {{"f", "ln(x)/sqrt(x) + 0*c"}, {"a", 0}, {"b", 1}, {"constants", Map{{"c", c += 1}}}}));
    t->run(ctx);
    value = ctx.outputs().at("value").asDouble();
    benchmark::DoNotOptimize(value);
  }
  state.counters["abs_error"] = std::abs(value + 4.0);
}
void BM_QuadLogSqrtTight(benchmark::State& s) {
  runTask(s, "quad", {{"f", "ln(x)/sqrt(x)"}, {"a", 0}, {"b", 1}, {"epsrel", 1e-12}}, -4.0);
}
void BM_QuadGaussian(benchmark::State& s) {
  runTask(s, "quad", {{"f", "exp(-x^2)"}, {"a", "-inf"}, {"b", "inf"}},
          std::sqrt(std::numbers::pi));
}
void BM_QuadSine(benchmark::State& s) {
  runTask(s, "quad", {{"f", "sin(x)"}, {"a", 0}, {"b", std::numbers::pi}}, 2.0);
}
void BM_CubatureSinCos(benchmark::State& s) {  // scipy.integrate.dblquad default tolerances
  runTask(s, "cubature",
          {{"f", "sin(x)*cos(y)"},
           {"vars", List{"x", "y"}},
           {"bounds", List{List{0, std::numbers::pi}, List{0, std::numbers::pi / 2}}}},
          2.0);
}

}  // namespace

BENCHMARK(BM_QuadLogSqrt)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuadLogSqrtCold)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuadLogSqrtTight)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuadGaussian)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QuadSine)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CubatureSinCos)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
