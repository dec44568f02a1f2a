// inverse.bayesian: 10^5 adaptive-Metropolis steps (2 chains x (10^4 burn-in + 4 x 10^4 samples))
// on the 5-D Gaussian posterior of a linear model y = G theta + eps (30 data, N(0, 2^2) priors),
// through the task function as users get it, single-threaded. Same problem as
// bench/peers/inverse_peer.py; counter max_z = max |mean - exact mean| / exact posterior sd.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/value/value_json.h"

#include <benchmark/benchmark.h>
#include <Eigen/Cholesky>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace sciagents::core;

namespace {

constexpr int kM = 30, kD = 5;
constexpr double kSigma = 0.5, kPrior = 2.0;

// Deterministic problem data (identical formulas in the peer).
Matrix designMatrix() {
  Matrix g(kM, kD);
  for (int i = 0; i < kM; ++i)
    for (int j = 0; j < kD; ++j)
      g(i, j) = std::cos(0.37 * (i + 1) * (j + 1)) + (i % (j + 2) == 0 ? 0.5 : 0.0);
  return g;
}
Vector data(const Matrix& g) {
  Vector theta(kD);
  for (int j = 0; j < kD; ++j) theta[j] = 1.0 - 0.4 * j;
  Vector y = g * theta;
  for (int i = 0; i < kM; ++i) y[i] += kSigma * std::sin(7.3 * (i + 1));
  return y;
}

void BM_BayesianLinear5D(benchmark::State& state) {
  const TaskSpec* t = AgentRegistry::builtin().task("inverse", "bayesian");
  const Matrix g = designMatrix();
  const Vector y = data(g);
  nlohmann::json p = {{"sigma", kSigma},  {"chains", 2}, {"burn_in", 10000},
                      {"samples", 40000}, {"seed", 1},   {"output_samples", 0}};
  for (int j = 0; j < kD; ++j)
    p["parameters"].push_back(
        {{"name", "t" + std::to_string(j)}, {"prior", "normal"}, {"mu", 0.0}, {"sigma", kPrior}});
  for (int i = 0; i < kM; ++i) {
    p["data"].push_back(y[i]);
    p["G"].push_back(std::vector<double>(kD));
    for (int j = 0; j < kD; ++j)
      p["G"][static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = g(i, j);
  }
  const Map params = t->resolveParams(fromJson(p).asMap());
  const Matrix prec =
      g.transpose() * g / (kSigma * kSigma) + Matrix::Identity(kD, kD) / (kPrior * kPrior);
  const Matrix c = prec.llt().solve(Matrix::Identity(kD, kD));
  const Vector mu = c * g.transpose() * y / (kSigma * kSigma);
  double maxz = 0, rhat = 0;
  for (auto _ : state) {
    TaskContext ctx(*t, params);
    ctx.setThreads(1);
    t->run(ctx);
    const Vector m = ctx.outputs().at("mean").asVector();
    maxz = 0;
    for (int j = 0; j < kD; ++j) maxz = std::max(maxz, std::abs(m[j] - mu[j]) / std::sqrt(c(j, j)));
    rhat = ctx.outputs().at("rhat").asVector().maxCoeff();
    benchmark::DoNotOptimize(maxz);
  }
  state.counters["max_z"] = maxz;
  state.counters["max_rhat"] = rhat;
  state.counters["steps"] = 1e5;
}
BENCHMARK(BM_BayesianLinear5D)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
