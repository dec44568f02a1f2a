// uq.monte_carlo of the Ishigami expression over 10^7 samples (1 and 2 threads) and uq.sobol on the
// Ishigami function at N = 2^16 (N(d+2) = 327680 evaluations), without bootstrap
// and with 100 bootstrap replicates, through the task function as users get it, on 1 and 2 threads.
// Same problem and estimators as bench/peers/uq_peer.py; counter max_abs_error = max |S - S_exact|
// over S1 and ST; for Monte Carlo, abs_error = |mean - 3.5| (the exact mean, a/2 with a = 7).
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/value/value_json.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace sciagents::core;

namespace {

void BM_SobolIshigami(benchmark::State& state) {
  const TaskSpec* t = AgentRegistry::builtin().task("uq", "sobol");
  nlohmann::json given = nlohmann::json::parse(R"json({
      "model": "sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)",
      "inputs": [{"name":"x1","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
                 {"name":"x2","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
                 {"name":"x3","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793}],
      "n": 65536, "seed": 1})json");
  given["bootstrap"] = state.range(1);
  const Map params = t->resolveParams(fromJson(given).asMap());
  const double s1[3] = {0.313905, 0.442411, 0.0}, st[3] = {0.557589, 0.442411, 0.243684};
  double err = 0;
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    ctx.setThreads(static_cast<int>(state.range(0)));
    t->run(ctx);
    const Vector S1 = ctx.outputs().at("S1").asVector(), ST = ctx.outputs().at("ST").asVector();
    err = 0;
    for (int i = 0; i < 3; ++i)
      err = std::max({err, std::abs(S1[i] - s1[i]), std::abs(ST[i] - st[i])});
    benchmark::DoNotOptimize(err);
  }
  state.counters["max_abs_error"] = err;
  state.counters["evaluations"] = 65536.0 * 5;
}
BENCHMARK(BM_SobolIshigami)
    ->Args({1, 0})
    ->Args({1, 100})
    ->Args({2, 100})
    ->ArgNames({"threads", "bootstrap"})
    ->Unit(benchmark::kMillisecond);

void BM_MonteCarloIshigami(benchmark::State& state) {
  const TaskSpec* t = AgentRegistry::builtin().task("uq", "monte_carlo");
  const nlohmann::json given = nlohmann::json::parse(R"json({
      "model": "sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)",
      "inputs": [{"name":"x1","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
                 {"name":"x2","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
                 {"name":"x3","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793}],
      "n": 10000000, "seed": 1})json");
  const Map params = t->resolveParams(fromJson(given).asMap());
  double err = 0;
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    ctx.setThreads(static_cast<int>(state.range(0)));
    t->run(ctx);
    err = std::abs(ctx.outputs().at("mean").asDouble() - 3.5);
    benchmark::DoNotOptimize(err);
  }
  state.counters["abs_error"] = err;
  state.counters["evaluations"] = 1e7;
}
BENCHMARK(BM_MonteCarloIshigami)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
