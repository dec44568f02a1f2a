// physics_informed_ml.pinn on u'' = -pi^2 sin(pi x), u(0) = u(1) = 0: network [1, 20, 20, 1],
// 128 uniform collocation points, 1000 full-batch Adam steps (no L-BFGS), through the task function
// as users get it, single-threaded. Same problem, network and optimiser as
// bench/peers/pinn_peer.py; counters: final loss and relative L2 error against sin(pi x).
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/value/value_json.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

using namespace sciagents::core;

namespace {

void BM_PinnPoisson1dAdam(benchmark::State& state) {
  const TaskSpec* t = AgentRegistry::builtin().task("physics_informed_ml", "pinn");
  const Map params = t->resolveParams(fromJson(nlohmann::json::parse(R"json({
      "domain": [0, 1], "residual": "u_xx + pi^2*sin(pi*x)", "exact": "sin(pi*x)",
      "conditions": [{"where": {"x": 0}, "value": 0}, {"where": {"x": 1}, "value": 0}],
      "hidden_layers": [20, 20], "interior_points": 128, "sampling": "uniform",
      "epochs": 1000, "learning_rate": 0.005, "lbfgs_iterations": 0, "eval_points": 101, "seed": 1})json"))
                                          .asMap());
  double loss = 0, err = 0;
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    t->run(ctx);
    loss = ctx.outputs().at("loss").asDouble();
    err = ctx.outputs().at("relative_l2_error").asDouble();
    benchmark::DoNotOptimize(loss);
  }
  state.counters["final_loss"] = loss;
  state.counters["rel_l2_error"] = err;
  state.counters["epochs"] = 1000;
}
BENCHMARK(BM_PinnPoisson1dAdam)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
