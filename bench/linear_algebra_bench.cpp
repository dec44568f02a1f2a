// linear_algebra kernels through the agent's task function (what users get), plus raw-kernel
// baselines. Same problems as bench/peers/linear_algebra_peer.py. Counters: scaled_residual =
// ||Ax-b|| / (||A|| ||x|| eps) (the REFERENCE_PROBLEMS bar) next to the time.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"

#include <benchmark/benchmark.h>
#include <Eigen/LU>

#include <cmath>
#include <limits>
#include <random>

using namespace sciagents::core;

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

Matrix randomMatrix(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  Matrix a(n, n);
  for (Eigen::Index k = 0; k < a.size(); ++k) a.data()[k] = g(rng);
  return a;
}

Vector randomVector(Eigen::Index n, std::uint64_t seed) { return randomMatrix(n, seed).col(0); }

template <typename M>
double norm2Estimate(const M& a, int iters = 60) {  // same power iteration as the peer
  Vector v = Vector::Ones(a.cols()).normalized();
  double s = 0;
  for (int i = 0; i < iters; ++i) {
    Vector w = a.transpose() * (a * v);
    s = std::sqrt(w.norm());
    v = w.normalized();
  }
  return s;
}

SparseMatrix laplace2d(int m) {
  const long n = static_cast<long>(m) * m;
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(static_cast<size_t>(5 * n));
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) {
      const long k = static_cast<long>(i) * m + j;
      t.emplace_back(k, k, 4.0);
      if (i > 0) t.emplace_back(k, k - m, -1.0);
      if (i < m - 1) t.emplace_back(k, k + m, -1.0);
      if (j > 0) t.emplace_back(k, k - 1, -1.0);
      if (j < m - 1) t.emplace_back(k, k + 1, -1.0);
    }
  SparseMatrix a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  return a;
}

Vector agentSolve(const Value& a, const Value& b, const char* method = "auto") {
  static const TaskSpec* task = AgentRegistry::builtin().task("linear_algebra", "solve");
  TaskContext ctx(*task, task->resolveParams({{"A", a}, {"b", b}, {"method", method}}));
  task->run(ctx);
  return ctx.outputs().at("x").asVector();
}

void denseCounters(benchmark::State& state, const Matrix& a, const Vector& b, const Vector& x) {
  const double n = static_cast<double>(a.rows());
  state.counters["scaled_residual"] = (a * x - b).norm() / (norm2Estimate(a) * x.norm() * kEps);
  state.counters["flops"] =
      benchmark::Counter(2.0 / 3.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate);
}

// Agent: dense solve, method auto (-> LU through LAPACK). Includes the agent's checks (finite
// entries, symmetry test), its copy of A, and the residual/backward-error/condition report.
void BM_AgentDenseSolve(benchmark::State& state) {
  const auto n = state.range(0);
  const Matrix a = randomMatrix(n, 42);
  const Vector b = randomVector(n, 7);
  const Value va(a), vb(b);
  Vector x;
  for (auto _ : state) {
    x = agentSolve(va, vb);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  denseCounters(state, a, b, x);
}
BENCHMARK(BM_AgentDenseSolve)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Raw Eigen PartialPivLU (no LAPACK), for reference: what the agent would cost without a BLAS.
void BM_RawEigenPartialPivLU(benchmark::State& state) {
  const auto n = state.range(0);
  const Matrix a = randomMatrix(n, 42);
  const Vector b = randomVector(n, 7);
  Vector x;
  for (auto _ : state) {
    x = a.partialPivLu().solve(b);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  denseCounters(state, a, b, x);
}
BENCHMARK(BM_RawEigenPartialPivLU)
    ->Arg(1000)
    ->Arg(2000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Agent: 5-point 2-D Laplacian on an m x m grid (n = m^2), method auto (-> sparse Cholesky).
void BM_AgentSparseLaplace2D(benchmark::State& state) {
  const int m = static_cast<int>(state.range(0));
  const SparseMatrix a = laplace2d(m);
  const Vector b = Vector::Ones(a.rows());
  const Value va(a), vb(b);
  Vector x;
  for (auto _ : state) {
    x = agentSolve(va, vb);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * a.rows());  // unknowns per second
  state.counters["scaled_residual"] =
      (a * x - b).norm() / (8.0 * x.norm() * kEps);  // ||A||_2 < 8, as the peer
}
BENCHMARK(BM_AgentSparseLaplace2D)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
}  // namespace

BENCHMARK_MAIN();
