// Helpers for the linear_algebra tests: run a task directly through its TaskContext.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"

#include <QtTest>

#include <string>

#include "task_result.h"

namespace la_test {

using namespace sciagents::core;

struct Result : agent_test::TaskResult {
  double num(const char* name) const { return diagnostics.at(name).asDouble(); }
};

inline Result run(const char* task, const Map& given, CancelFlag cancel = {}) {
  const TaskSpec* t = AgentRegistry::builtin().task("linear_algebra", task);
  if (!t) throw std::runtime_error(std::string("no task ") + task);
  return {agent_test::runTask(*t, given, nullptr, std::move(cancel))};
}

// Runs and returns the thrown Error (fails the test if nothing is thrown).
inline Error runError(const char* task, const Map& given) {
  try {
    run(task, given);
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error(std::string("expected an Error from ") + task);
}

inline Vector ones(Eigen::Index n) { return Vector::Ones(n); }

inline Matrix hilbert(int n) {
  Matrix h(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) h(i, j) = 1.0 / (i + j + 1);
  return h;
}

// 5-point Dirichlet Laplacian on an m x m grid (4 on the diagonal), as in the benchmarks.
inline SparseMatrix laplace2d(int m) {
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

// ||A||_2 by power iteration on A^T A (independent of the agent).
template <typename M>
double norm2(const M& a, int iters = 100) {
  Vector v = Vector::Ones(a.cols()).normalized();
  double s = 0;
  for (int i = 0; i < iters; ++i) {
    Vector w = a.transpose() * (a * v);
    s = std::sqrt(w.norm());
    v = w.normalized();
  }
  return s;
}

}  // namespace la_test
