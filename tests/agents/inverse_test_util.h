// Helpers for the inverse tests: run an inverse task directly from JSON params, and the reference
// problems (Shaw's first-kind integral equation, a linear-Gaussian model, Lorenz-63).
#pragma once

#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/value/value_json.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include "surrogate_test_util.h"
#include "task_result.h"

namespace inverse_test {

using namespace sciagents::core;
using json = nlohmann::json;

inline const TaskSpec& task(const char* id) {
  return *AgentRegistry::builtin().task("inverse", id);
}

inline agent_test::TaskResult run(const char* id, const json& params, int threads = 1,
                                  TaskObserver* observer = nullptr) {
  return agent_test::runTask(task(id), fromJson(params).asMap(), observer, {}, threads);
}

// The task must fail with InvalidInput naming `param` and mentioning `needle`.
inline void expectParamError(const char* id, const json& params, const std::string& param,
                             const std::string& needle) {
  agent_test::expectParamErrorFrom([&] { run(id, params); }, param, needle, params.dump());
}

// Matrices and vectors as JSON params (the surrogate tests' helpers).
inline json toJson(const Matrix& m) { return surrogate_test::matrixJson(m); }
inline json toJson(const Vector& v) { return surrogate_test::vectorJson(v); }

// Shaw's problem (Hansen, Regularization Tools): K(s, t) = (cos s + cos t)^2 (sin u / u)^2,
// u = pi (sin s + sin t), on [-pi/2, pi/2]^2, midpoint rule with n points; x is two Gaussians.
struct Shaw {
  Matrix a;
  Vector x;
};
inline Shaw shaw(Eigen::Index n) {
  Shaw s{Matrix(n, n), Vector(n)};
  const double h = std::numbers::pi / static_cast<double>(n);
  Vector t(n);
  for (Eigen::Index i = 0; i < n; ++i)
    t[i] = (static_cast<double>(i) + 0.5) * h - std::numbers::pi / 2;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      const double u = std::numbers::pi * (std::sin(t[i]) + std::sin(t[j]));
      const double c = std::cos(t[i]) + std::cos(t[j]);
      const double sinc = u == 0 ? 1.0 : std::sin(u) / u;
      s.a(i, j) = h * c * c * sinc * sinc;
    }
  for (Eigen::Index i = 0; i < n; ++i)
    s.x[i] =
        2 * std::exp(-6 * (t[i] - 0.8) * (t[i] - 0.8)) + std::exp(-2 * (t[i] + 0.5) * (t[i] + 0.5));
  return s;
}

// White noise scaled to ||e|| = level * ||b||.
inline Vector noise(Eigen::Index n, double level, double bnorm, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  Vector e(n);
  for (auto& v : e) v = z(rng);
  return e * (level * bnorm / e.norm());
}

}  // namespace inverse_test
