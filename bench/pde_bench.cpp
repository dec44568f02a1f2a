// ode_pde PDE/BVP tasks timed through the task function (what users get): Poisson 2-D 511² interior
// (513² nodes) with sparse Cholesky (direct), multigrid-CG and `auto` (which picks multigrid-CG at
// this size), Poisson 3-D 31³ (direct, auto) and 63³, heat 2-D 64², wave 2-D 64², the sine BVP.
// The same problems in SciPy: bench/peers/pde_peer.py. The iterative rows use f = 1: the sine
// source is a grid eigenmode, on which plain CG converges in one iteration.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"

#include <benchmark/benchmark.h>

#include <cmath>

using namespace sciagents::core;

namespace {
double runTask(const char* name, const Map& given, const char* out) {
  const TaskSpec* t = AgentRegistry::builtin().task("ode_pde", name);
  TaskContext ctx(*t, t->resolveParams(given));
  t->run(ctx);
  return ctx.outputs().at(out).asDouble();
}

void reportError(benchmark::State& s, double err) { s.counters["error"] = err; }

void BM_Poisson2d(benchmark::State& s, const char* solver) {
  const Map p{{"dim", 2},
              {"n", s.range(0)},
              {"f", "2*pi^2*sin(pi*x)*sin(pi*y)"},
              {"exact", "sin(pi*x)*sin(pi*y)"},
              {"solver", solver}};
  double err = 0;
  for (auto _ : s) benchmark::DoNotOptimize(err = runTask("poisson", p, "error_max"));
  reportError(s, err);
  s.SetItemsProcessed(s.iterations() * s.range(0) * s.range(0));
}

// A source that is not a single grid eigenmode (CG without preconditioning needs ~n iterations).
void BM_Poisson2dConst(benchmark::State& s, const char* solver) {
  const Map p{{"dim", 2}, {"n", s.range(0)}, {"f", "1"}, {"solver", solver}};
  double res = 0;
  for (auto _ : s) benchmark::DoNotOptimize(res = runTask("poisson", p, "residual"));
  s.counters["residual"] = res;
}

void BM_Poisson3d(benchmark::State& s, const char* solver) {
  const Map p{{"dim", 3},
              {"n", s.range(0)},
              {"f", "3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)"},
              {"exact", "sin(pi*x)*sin(pi*y)*sin(pi*z)"},
              {"solver", solver}};
  double err = 0;
  for (auto _ : s) benchmark::DoNotOptimize(err = runTask("poisson", p, "error_max"));
  reportError(s, err);
}

void BM_Heat2d(benchmark::State& s) {
  const Map p{{"dim", 2},
              {"n", 64},
              {"alpha", 0.01},
              {"u0", "sin(pi*x)*sin(pi*y)"},
              {"t_span", List{0.0, 0.5}},
              {"exact", "exp(-2*pi^2*0.01*t)*sin(pi*x)*sin(pi*y)"}};
  double err = 0;
  for (auto _ : s) benchmark::DoNotOptimize(err = runTask("heat", p, "error_l2"));
  reportError(s, err);
}

void BM_Wave2d(benchmark::State& s) {
  const Map p{{"dim", 2},
              {"n", 64},
              {"u0", "sin(pi*x)*sin(pi*y)"},
              {"t_span", List{0.0, 2.0}},
              {"exact", "cos(sqrt(2)*pi*t)*sin(pi*x)*sin(pi*y)"}};
  double err = 0;
  for (auto _ : s) benchmark::DoNotOptimize(err = runTask("wave", p, "error_max"));
  reportError(s, err);
}

void BM_BvpSine(benchmark::State& s) {
  const Map p{{"rhs", List{"v", "-y"}},
              {"states", List{"y", "v"}},
              {"bc", List{"ya_y", "yb_y - 1"}},
              {"x_span", List{0.0, M_PI / 2}},
              {"tol", 1e-6},
              {"exact", List{"sin(x)", "cos(x)"}}};
  double err = 0;
  for (auto _ : s) benchmark::DoNotOptimize(err = runTask("bvp", p, "max_error"));
  reportError(s, err);
}
}  // namespace

BENCHMARK_CAPTURE(BM_Poisson2d, mg_cg, "mg_cg")->Arg(511)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Poisson2d, direct, "direct")->Arg(511)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Poisson2dConst, mg_cg, "mg_cg")->Arg(511)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Poisson2dConst, auto, "auto") -> Arg(511) -> Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Poisson3d, direct, "direct")->Arg(31)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Poisson3d, auto, "auto") -> Arg(31) -> Arg(63)
    -> Unit(benchmark::kMillisecond);
BENCHMARK(BM_Heat2d)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Wave2d)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BvpSine)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
