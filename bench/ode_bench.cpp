// ode_pde.ivp through the agent's task function (what users get): the same problems as
// bench/peers/ode_peer.py and bench/c/cvode_limit.c, each at several tolerance levels (rtol r,
// atol = r x the problem's atol scale) so that bench/pairs.tsv pairs rows of matched accuracy.
// Counter max_rel_err: worst relative error of y(t_end) against the reference (REFERENCE_PROBLEMS
// values; Lorenz: DOP853 at rtol 1e-13 computed once per process). Output at t_eval = [0, t_end]
// only, as the peers ask for (odeint's t = [0, t_end]; the bare program's final state): the
// trajectory of every step is not stored. The *_Prepared rows compile the model once (as a study
// does) and time only the solves.
#include "core/agent/agent_registry.h"
#include "core/agent/prepared_task.h"
#include "core/agent/task_context.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>

using namespace sciagents::core;

namespace {

const TaskSpec& ivp() { return *AgentRegistry::builtin().task("ode_pde", "ivp"); }

Map solve(const Map& given, Map* diag = nullptr) {
  TaskContext ctx(ivp(), ivp().resolveParams(given));
  ivp().run(ctx);
  if (diag) *diag = ctx.diagnostics();
  return ctx.outputs();
}

Map robertson(double rtol) {
  return {{"rhs", List{"-0.04*y1 + 1e4*y2*y3", "0.04*y1 - 1e4*y2*y3 - 3e7*y2^2", "3e7*y2^2"}},
          {"states", List{"y1", "y2", "y3"}},
          {"y0", List{1, 0, 0}},
          {"t_span", List{0, 1e11}},
          {"t_eval", List{0, 1e11}},
          {"jac", List{List{"-0.04", "1e4*y3", "1e4*y2"},
                       List{"0.04", "-1e4*y3 - 6e7*y2", "-1e4*y2"}, List{"0", "6e7*y2", "0"}}},
          {"rtol", rtol},
          {"atol", rtol * 1e-4},
          {"method", "bdf"}};
}

Map vanDerPol(double rtol) {
  return {{"rhs", List{"y2", "mu*(1 - y1^2)*y2 - y1"}},
          {"states", List{"y1", "y2"}},
          {"y0", List{2, 0}},
          {"t_span", List{0, 2000}},
          {"t_eval", List{0, 2000}},
          {"constants", Map{{"mu", 1000}}},
          {"jac", List{List{"0", "1"}, List{"-2*mu*y1*y2 - 1", "mu*(1 - y1^2)"}}},
          {"rtol", rtol},
          {"atol", rtol * 1e-2},
          {"method", "bdf"}};
}

// Without `jac`: the Jacobian by automatic differentiation of the rhs.
Map withoutJac(Map p) {
  p.erase("jac");
  return p;
}

// HIRES (8 stiff chemical kinetics equations; Hairer & Wanner II), no jac given.
Map hires(double rtol) {
  return {{"rhs", List{"-1.71*y1 + 0.43*y2 + 8.32*y3 + 0.0007", "1.71*y1 - 8.75*y2",
                       "-10.03*y3 + 0.43*y4 + 0.035*y5", "8.32*y2 + 1.71*y3 - 1.12*y4",
                       "-1.745*y5 + 0.43*y6 + 0.43*y7",
                       "-280*y6*y8 + 0.69*y4 + 1.71*y5 - 0.43*y6 + 0.69*y7", "280*y6*y8 - 1.81*y7",
                       "-280*y6*y8 + 1.81*y7"}},
          {"states", List{"y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8"}},
          {"y0", List{1, 0, 0, 0, 0, 0, 0, 0.0057}},
          {"t_span", List{0, 321.8122}},
          {"t_eval", List{0, 321.8122}},
          {"rtol", rtol},
          {"atol", rtol * 1e-4},
          {"method", "bdf"}};
}

Map lorenz(double rtol) {
  return {{"rhs", List{"sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"}},
          {"states", List{"x", "y", "z"}},
          {"y0", List{1, 1, 1}},
          {"t_span", List{0, 5}},
          {"t_eval", List{0, 5}},
          {"constants", Map{{"sigma", 10}, {"rho", 28}, {"beta", 8.0 / 3.0}}},
          {"rtol", rtol},
          {"atol", rtol * 1e-2},
          {"method", "dop853"}};
}

double maxRelErr(const Vector& y, const Vector& ref, const Vector& floor) {
  return ((y - ref).cwiseAbs().array() / (ref.cwiseAbs() + floor).array()).maxCoeff();
}

// The reference y(t_end) of a problem and the floor its error is measured against.
struct Reference {
  Vector y, floor;
};

// y2 (~8e-14) lies below atol: its error is measured against the atol floor.
const Reference kRobertson{
    Vector{{2.083340149701255e-8, 8.333360770334713e-14, 0.9999999791665050}},
    Vector{{0, 1e-12, 0}}};
const Reference kVanDerPol{Vector{{1.706167732170469, -8.928097010248125e-4}}, Vector{{0, 0}}};
// The test set's values at t = 321.8122 (SciPy Radau at rtol 1e-13 agrees to 7e-14).
const Reference kHires{Vector{{0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4,
                               0.1175651343283149e-2, 0.2386356198831331e-2, 0.6238968252742796e-2,
                               0.2849998395185769e-2, 0.2850001604814231e-2}},
                       Vector::Zero(8)};

void report(benchmark::State& state, const Map& out, const Map& diag, const Reference& ref) {
  state.counters["max_rel_err"] = maxRelErr(out.at("y_final").asVector(), ref.y, ref.floor);
  state.counters["nsteps"] = diag.at("nsteps").asDouble();
  state.counters["nfev"] = diag.at("nfev").asDouble();
}

// The task as a single run calls it: params resolved, read and compiled on every solve.
void runBench(benchmark::State& state, const Map& params, const Reference& ref) {
  Map out, diag;
  for (auto _ : state) {
    out = solve(params, &diag);
    benchmark::DoNotOptimize(out);
  }
  report(state, out, diag, ref);
}

// The same solve with the model compiled once, as a study or a sweep runs it (PreparedTask: the
// params read, the rhs and its derivatives compiled before the timing, as the peers' functions
// are defined before theirs).
void runPreparedBench(benchmark::State& state, const Map& params, const Reference& ref) {
  TaskContext tmpl(ivp(), ivp().resolveParams(params));
  const auto prepared = (*preparedTaskFor("ode_pde", "ivp"))(tmpl, {});
  Map out, diag;
  for (auto _ : state) {
    TaskContext ctx(ivp(), Map{});
    prepared->run(ctx, {}, true);
    out = ctx.outputs();
    diag = ctx.diagnostics();
    benchmark::DoNotOptimize(out);
  }
  report(state, out, diag, ref);
}

void BM_Robertson_BDF(benchmark::State& s, double rtol) {
  runBench(s, robertson(rtol), kRobertson);
}
void BM_VanDerPol1000_BDF(benchmark::State& s, double rtol) {
  runBench(s, vanDerPol(rtol), kVanDerPol);
}
void BM_Robertson_BDF_AD(benchmark::State& s, double rtol) {
  runBench(s, withoutJac(robertson(rtol)), kRobertson);
}
void BM_VanDerPol1000_BDF_AD(benchmark::State& s, double rtol) {
  runBench(s, withoutJac(vanDerPol(rtol)), kVanDerPol);
}
void BM_Hires_BDF_AD(benchmark::State& s, double rtol) { runBench(s, hires(rtol), kHires); }
void BM_Robertson_BDF_Prepared(benchmark::State& s, double rtol) {
  runPreparedBench(s, robertson(rtol), kRobertson);
}
void BM_VanDerPol1000_BDF_Prepared(benchmark::State& s, double rtol) {
  runPreparedBench(s, vanDerPol(rtol), kVanDerPol);
}
void BM_Hires_BDF_AD_Prepared(benchmark::State& s, double rtol) {
  runPreparedBench(s, hires(rtol), kHires);
}

// Radau IIA (order 5): far fewer steps than BDF at the same accuracy on these small stiff systems.
Map radau(Map p) {
  p["method"] = "radau";
  return p;
}
void BM_Robertson_Radau(benchmark::State& s, double rtol) {
  runBench(s, radau(robertson(rtol)), kRobertson);
}
void BM_VanDerPol1000_Radau(benchmark::State& s, double rtol) {
  runBench(s, radau(vanDerPol(rtol)), kVanDerPol);
}
void BM_Hires_Radau_AD(benchmark::State& s, double rtol) {
  runBench(s, radau(hires(rtol)), kHires);
}

void BM_Lorenz_DOP853(benchmark::State& state, double rtol) {
  static const Reference ref{solve(lorenz(1e-13)).at("y_final").asVector(), Vector{{0, 0, 0}}};
  runBench(state, lorenz(rtol), ref);
}

// One benchmark per tolerance level: NAME/rtol:1e-08 (Google Benchmark appends /real_time).
void registerLevels(const char* name, void (*fn)(benchmark::State&, double),
                    std::initializer_list<double> rtols) {
  for (double r : rtols) {
    char label[96];
    std::snprintf(label, sizeof label, "%s/rtol:%.0e", name, r);
    benchmark::RegisterBenchmark(label, [fn, r](benchmark::State& s) { fn(s, r); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  registerLevels("BM_Robertson_BDF", BM_Robertson_BDF, {1e-8, 1e-9, 1e-10});
  registerLevels("BM_VanDerPol1000_BDF", BM_VanDerPol1000_BDF, {1e-8, 1e-9});
  registerLevels("BM_Lorenz_DOP853", BM_Lorenz_DOP853, {1e-9, 1e-10, 1e-11});
  registerLevels("BM_Robertson_BDF_AD", BM_Robertson_BDF_AD, {1e-8, 1e-9});
  registerLevels("BM_VanDerPol1000_BDF_AD", BM_VanDerPol1000_BDF_AD, {1e-8, 1e-9});
  registerLevels("BM_Hires_BDF_AD", BM_Hires_BDF_AD, {1e-7, 1e-8, 1e-9});
  registerLevels("BM_Robertson_Radau", BM_Robertson_Radau, {1e-5, 1e-6, 1e-7});
  registerLevels("BM_VanDerPol1000_Radau", BM_VanDerPol1000_Radau, {1e-5, 1e-6, 1e-7});
  registerLevels("BM_Hires_Radau_AD", BM_Hires_Radau_AD, {1e-6, 1e-7, 1e-8});
  registerLevels("BM_Robertson_BDF_Prepared", BM_Robertson_BDF_Prepared, {1e-8});
  registerLevels("BM_VanDerPol1000_BDF_Prepared", BM_VanDerPol1000_BDF_Prepared, {1e-8});
  registerLevels("BM_Hires_BDF_AD_Prepared", BM_Hires_BDF_AD_Prepared, {1e-8});
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
