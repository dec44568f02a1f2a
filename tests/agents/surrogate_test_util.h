// Helpers for the surrogate tests: run a surrogate task directly from JSON params (built with
// nlohmann::json in the test sources, no raw string literals: see the moc note in development.md).
#pragma once

#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/value/value_json.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "task_result.h"

namespace surrogate_test {

using namespace sciagents::core;
using json = nlohmann::json;

inline const TaskSpec& task(const char* id) {
  return *AgentRegistry::builtin().task("surrogate", id);
}

inline agent_test::TaskResult run(const char* id, const json& params, int threads = 1) {
  return agent_test::runTask(task(id), fromJson(params).asMap(), nullptr, {}, threads);
}

// The task must fail with InvalidInput naming `param` and mentioning `needle`.
inline void expectParamError(const char* id, const json& params, const std::string& param,
                             const std::string& needle) {
  agent_test::expectParamErrorFrom([&] { run(id, params); }, param, needle, params.dump());
}

inline json matrixJson(const Matrix& m) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    json r = json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) r.push_back(m(i, j));
    rows.push_back(r);
  }
  return rows;
}

inline json vectorJson(const Vector& v) {
  json r = json::array();
  for (double x : v) r.push_back(x);
  return r;
}

inline json uniformInput(const std::string& name, double a, double b) {
  return json{{"name", name}, {"dist", "uniform"}, {"a", a}, {"b", b}};
}

inline double branin(double x1, double x2) {
  const double pi = 3.14159265358979323846;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  const double u = x2 - b * x1 * x1 + c * x1 - 6;
  return u * u + 10 * (1 - t) * std::cos(x1) + 10;
}
inline const char* kBranin =
    "(x2 - 5.1/(4*pi^2)*x1^2 + 5/pi*x1 - 6)^2 + 10*(1 - 1/(8*pi))*cos(x1) + 10";

// 100 x 100 grid on [-5, 10] x [0, 15].
inline Matrix braninGrid(int m = 100) {
  Matrix g(m * m, 2);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) g.row(i * m + j) << -5 + 15.0 * i / (m - 1), 15.0 * j / (m - 1);
  return g;
}

}  // namespace surrogate_test
