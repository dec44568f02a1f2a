// optimization tasks through the agent's task function (what users get: parameter resolution,
// expression compilation, the solve and its diagnostics). Same problems as
// bench/peers/optimization_peer.py. Counters report the accuracy next to the time.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

using namespace sciagents::core;

namespace {

struct Rosen {
  std::string objective;
  List vars, jac, x0;
};

Rosen rosen(int n) {
  Rosen r;
  for (int i = 1; i <= n; ++i) {
    const std::string xi = "x" + std::to_string(i), xn = "x" + std::to_string(i + 1),
                      xp = "x" + std::to_string(i - 1);
    if (i < n)
      r.objective +=
          (i > 1 ? " + " : "") + ("100*(" + xn + " - " + xi + "^2)^2 + (1 - " + xi + ")^2");
    std::string g;
    if (i < n) g = "-400*" + xi + "*(" + xn + " - " + xi + "^2) - 2*(1 - " + xi + ")";
    if (i > 1) g += (g.empty() ? "" : " + ") + ("200*(" + xi + " - " + xp + "^2)");
    r.vars.push_back(xi);
    r.jac.push_back(g);
    r.x0.push_back(-1.2);
  }
  return r;
}

Map runTask(const char* id, const Map& given) {
  const TaskSpec* t = AgentRegistry::builtin().task("optimization", id);
  TaskContext ctx(*t, t->resolveParams(given));
  t->run(ctx);
  return ctx.outputs();
}

void rosenbrock100(benchmark::State& state, const char* method, bool with_jac) {
  static const Rosen r = rosen(100);
  Map p{{"objective", r.objective}, {"variables", r.vars}, {"x0", r.x0}, {"method", method}};
  if (with_jac) p["jac"] = r.jac;
  double err = 0, nfev = 0;
  for (auto _ : state) {
    const Map out = runTask("minimize", p);
    err = (out.at("x").asVector().array() - 1.0).abs().maxCoeff();
    nfev = static_cast<double>(out.at("nfev").asInt());
    benchmark::DoNotOptimize(err);
  }
  state.counters["max_abs_err_x"] = err;
  state.counters["nfev"] = nfev;
}

void misra1a(benchmark::State& state) {
  const Map p{{"model", "b1*(1 - exp(-b2*x))"},
              {"params", List{"b1", "b2"}},
              {"xdata", List{77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3,
                             536.8, 593.1, 689.1, 760.0}},
              {"ydata", List{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05,
                             61.01, 66.40, 75.47, 81.78}},
              {"p0", List{500, 1e-4}}};
  double err = 0;
  for (auto _ : state) {
    const Map out = runTask("curve_fit", p);
    const Vector& b = out.at("popt").asVector();
    const Vector& e = out.at("perr").asVector();
    err = std::max({std::abs(b[0] / 2.3894212918e2 - 1), std::abs(b[1] / 5.5015643181e-4 - 1),
                    std::abs(e[0] / 2.7070075241 - 1), std::abs(e[1] / 7.2668688436e-6 - 1)});
    benchmark::DoNotOptimize(err);
  }
  state.counters["max_rel_err_vs_certified"] = err;
}

}  // namespace

BENCHMARK_CAPTURE(rosenbrock100, lbfgsb_jac, "L-BFGS-B", true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(rosenbrock100, bfgs_jac, "BFGS", true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(rosenbrock100, lbfgsb_fd, "L-BFGS-B", false)->Unit(benchmark::kMillisecond);
BENCHMARK(misra1a)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
