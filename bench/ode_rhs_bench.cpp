// The scalar expression path an ODE solver calls (issue 17 item 1): one right-hand side
// evaluation of Robertson (3 states) and HIRES (8 states) through muParser's bytecode
// (Expression::evalReference, the engine before the scalar tape), the scalar tape per expression
// (Expression::eval), one multi-output tape for the set (ExpressionSet::eval), and the Jacobian
// by exact derivatives (ExpressionDerivatives) next to forward differences over the set (n + 1
// right-hand sides, what the Jacobian cost before).
#include "core/expr/expression.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace sciagents::core;

namespace {

const std::vector<std::string> kVars3 = {"t", "y1", "y2", "y3"};
const std::vector<std::string> kRobertson = {"-0.04*y1 + 1e4*y2*y3",
                                             "0.04*y1 - 1e4*y2*y3 - 3e7*y2^2", "3e7*y2^2"};
const std::vector<std::string> kVars8 = {"t", "y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8"};
const std::vector<std::string> kHires = {"-1.71*y1 + 0.43*y2 + 8.32*y3 + 0.0007",
                                         "1.71*y1 - 8.75*y2",
                                         "-10.03*y3 + 0.43*y4 + 0.035*y5",
                                         "8.32*y2 + 1.71*y3 - 1.12*y4",
                                         "-1.745*y5 + 0.43*y6 + 0.43*y7",
                                         "-280*y6*y8 + 0.69*y4 + 1.71*y5 - 0.43*y6 + 0.69*y7",
                                         "280*y6*y8 - 1.81*y7",
                                         "-280*y6*y8 + 1.81*y7"};

struct System {
  ExpressionSet set;
  std::vector<double> x;
};

System make(int which) {
  if (which == 0) return {ExpressionSet(kRobertson, kVars3), {0.0, 0.9, 3e-5, 0.1}};
  return {ExpressionSet(kHires, kVars8), {0.0, 0.7, 0.1, 0.05, 0.1, 0.2, 0.3, 0.002, 0.005}};
}

void BM_RhsMuParser(benchmark::State& state) {
  System s = make(static_cast<int>(state.range(0)));
  std::vector<double> out(s.set.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < s.set.size(); ++i) out[i] = s.set[i].evalReference(s.x.data());
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_RhsScalarTapeEach(benchmark::State& state) {
  System s = make(static_cast<int>(state.range(0)));
  std::vector<double> out(s.set.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < s.set.size(); ++i) out[i] = s.set[i].eval(s.x.data());
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_RhsSetTape(benchmark::State& state) {
  System s = make(static_cast<int>(state.range(0)));
  std::vector<double> out(s.set.size());
  for (auto _ : state) {
    s.set.eval(s.x.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_JacobianExact(benchmark::State& state) {
  System s = make(static_cast<int>(state.range(0)));
  const std::size_t n = s.set.size();
  std::vector<std::size_t> wrt(n);
  for (std::size_t i = 0; i < n; ++i) wrt[i] = i + 1;
  const auto d = ExpressionDerivatives::of(s.set, wrt);
  std::vector<double> j(n * n);
  for (auto _ : state) {
    d->eval(s.x.data(), j.data());
    benchmark::DoNotOptimize(j.data());
  }
}

void BM_JacobianForwardDifferences(benchmark::State& state) {
  System s = make(static_cast<int>(state.range(0)));
  const std::size_t n = s.set.size();
  std::vector<double> j(n * n), f0(n), f(n), xp = s.x;
  for (auto _ : state) {
    s.set.eval(s.x.data(), f0.data());
    for (std::size_t c = 0; c < n; ++c) {
      const double h = 1.5e-8 * std::max(1e-6, std::abs(s.x[c + 1]));
      xp[c + 1] = s.x[c + 1] + h;
      s.set.eval(xp.data(), f.data());
      for (std::size_t r = 0; r < n; ++r) j[r * n + c] = (f[r] - f0[r]) / h;
      xp[c + 1] = s.x[c + 1];
    }
    benchmark::DoNotOptimize(j.data());
  }
}

}  // namespace

// Argument: 0 Robertson, 1 HIRES.
BENCHMARK(BM_RhsMuParser)->Arg(0)->Arg(1);
BENCHMARK(BM_RhsScalarTapeEach)->Arg(0)->Arg(1);
BENCHMARK(BM_RhsSetTape)->Arg(0)->Arg(1);
BENCHMARK(BM_JacobianExact)->Arg(0)->Arg(1);
BENCHMARK(BM_JacobianForwardDifferences)->Arg(0)->Arg(1);
BENCHMARK_MAIN();
