// surrogate.gp: fit of 500 points in 2-D through the task function, as users get it. Same problem
// as bench/peers/surrogate_peer.py: Branin on [-5,10]x[0,15] at the R2 (Kronecker) points x_i =
// frac(0.5 + i (0.7548776662, 0.5698402910)), y_i = branin(x_i) + sin(17 i); RBF kernel with ARD
// length scales, fitted noise, constant mean, normalised y, L-BFGS on the log marginal likelihood
// with the analytic gradient. Arg = restarts (0: the default start only, same start and bounds as
// the peer). Counters: log marginal likelihood, likelihood evaluations.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/value/value_json.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace sciagents::core;

namespace {

nlohmann::json problem(int n) {
  const double pi = 3.14159265358979323846;
  nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    double u = 0.5 + i * 0.7548776662466927, v = 0.5 + i * 0.5698402909980532;
    u -= std::floor(u), v -= std::floor(v);
    const double x1 = -5 + 15 * u, x2 = 15 * v;
    const double t = x2 - 5.1 / (4 * pi * pi) * x1 * x1 + 5 / pi * x1 - 6;
    x.push_back({x1, x2});
    y.push_back(t * t + 10 * (1 - 1 / (8 * pi)) * std::cos(x1) + 10 + std::sin(17.0 * i));
  }
  return {{"xtrain", x}, {"ytrain", y}, {"kernel", "rbf"}, {"noise", "fit"}, {"seed", 1}};
}

void BM_GpFit500(benchmark::State& state) {
  const TaskSpec* t = AgentRegistry::builtin().task("surrogate", "gp");
  nlohmann::json p = problem(500);
  p["restarts"] = state.range(0);
  const Map params = t->resolveParams(fromJson(p).asMap());
  double lml = 0, evals = 0;
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    t->run(ctx);
    lml = ctx.outputs().at("log_marginal_likelihood").asDouble();
    evals = static_cast<double>(ctx.diagnostics().at("optimizer_evaluations").asInt());
    benchmark::DoNotOptimize(lml);
  }
  state.counters["log_marginal_likelihood"] = lml;
  state.counters["lml_evaluations"] = evals;
}
BENCHMARK(BM_GpFit500)->Arg(0)->Arg(4)->ArgName("restarts")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
