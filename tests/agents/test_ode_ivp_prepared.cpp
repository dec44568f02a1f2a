// ode_pde.ivp prepared for a step-model study (core/agent/prepared_task.h):
// every sample gives bit for bit the outputs and diagnostics of the task run on the template's
// params with the sample's values set, whatever the method (auto choosing per sample, bdf with an
// exact Jacobian, events), from several threads at once; a bad sample fails with the task's error.
#include "core/agent/agent_registry.h"
#include "core/agent/prepared_task.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"
#include "core/workflow/step_model.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_main.h"

namespace test_ode_ivp_prepared {

using namespace sciagents::core;

namespace {

const TaskSpec& ivp() { return *AgentRegistry::builtin().task("ode_pde", "ivp"); }

struct Run {
  Map outputs, diagnostics;
};

// The task itself on the template with `values` at `paths`.
Run direct(const Map& tmpl, const std::vector<std::string>& paths,
           const std::vector<double>& values) {
  Map given = ivp().resolveParams(tmpl);
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const std::string err = setParamPath(given, paths[k], values[k]);
    if (!err.empty()) throw std::runtime_error(err);
  }
  TaskContext c(ivp(), ivp().resolveParams(given));
  ivp().run(c);
  return {c.outputs(), c.diagnostics()};
}

std::shared_ptr<const PreparedTask> prepare(const Map& tmpl,
                                            const std::vector<std::string>& paths) {
  const TaskContext c(ivp(), ivp().resolveParams(tmpl));
  const PrepareTaskFn* fn = preparedTaskFor("ode_pde", "ivp");
  if (!fn) throw std::runtime_error("ode_pde.ivp has no prepared form");
  return (*fn)(c, paths);
}

Run prepared(const PreparedTask& p, const std::vector<double>& values, bool diagnostics = true) {
  TaskContext c(ivp(), Map{});
  p.run(c, values, diagnostics);
  return {c.outputs(), c.diagnostics()};
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// y' = -k y + c: not stiff for small k (auto: dop853), stiff for k = 1e5 (auto: bdf).
Map decay() {
  return {{"rhs", List{"-k*y + c"}},
          {"states", List{"y"}},
          {"y0", List{1}},
          {"t_span", List{0, 2}},
          {"constants", Map{{"k", 1.0}, {"c", 0.5}}},
          {"rtol", 1e-8},
          {"atol", 1e-10}};
}

// Van der Pol with a sampled mu and initial value, bdf with the exact Jacobian of the rhs, and a
// terminal event.
Map vanDerPol() {
  return {{"rhs", List{"y2", "mu*(1 - y1^2)*y2 - y1"}},
          {"states", List{"y1", "y2"}},
          {"y0", List{2, 0}},
          {"t_span", List{0, 30}},
          {"constants", Map{{"mu", 10.0}, {"s", 3.0}}},
          {"method", "bdf"},
          {"events", List{Map{{"expr", "y1 + s*0.5"}, {"terminal", true}}}},
          {"rtol", 1e-7},
          {"atol", 1e-9}};
}

}  // namespace

class TestOdeIvpPrepared : public QObject {
  Q_OBJECT

 private slots:
  void samplesEqualTheTaskRunBitForBit() {
    const std::vector<std::string> paths{"constants.k", "constants.c"};
    const auto p = prepare(decay(), paths);
    QVERIFY(p != nullptr);
    for (const std::vector<double>& v :
         {std::vector<double>{1.0, 0.5}, {0.3, 0.77}, {2.5, 0.2}, {1e5, 0.4}, {1.0 / 3.0, 0.1}}) {
      const Run a = direct(decay(), paths, v), b = prepared(*p, v);
      QVERIFY2(a.outputs == b.outputs, ("k = " + std::to_string(v[0])).c_str());
      QVERIFY2(a.diagnostics == b.diagnostics, ("k = " + std::to_string(v[0])).c_str());
      // Without diagnostics: the same outputs.
      QVERIFY(prepared(*p, v, false).outputs == a.outputs);
    }
    // k = 1e5 is stiff: auto chose bdf for that sample alone.
    QCOMPARE(prepared(*p, {1e5, 0.4}).diagnostics.at("method").asString(), std::string("bdf"));
    QCOMPARE(prepared(*p, {1.0, 0.4}).diagnostics.at("method").asString(), std::string("dop853"));
  }

  void initialValuesExactJacobianAndEvents() {
    const std::vector<std::string> paths{"constants.mu", "y0[-2]", "constants.s"};
    const auto p = prepare(vanDerPol(), paths);
    QVERIFY(p != nullptr);
    for (const std::vector<double>& v :
         {std::vector<double>{10, 2, 3}, {5, 1.5, 2}, {20, -1.0, 1}}) {
      const Run a = direct(vanDerPol(), paths, v), b = prepared(*p, v);
      QVERIFY2(a.outputs == b.outputs, ("mu = " + std::to_string(v[0])).c_str());
      QVERIFY(a.diagnostics == b.diagnostics);
    }
  }

  void severalThreadsAtOnce() {
    const std::vector<std::string> paths{"constants.mu", "y0[0]"};
    const auto p = prepare(vanDerPol(), paths);
    std::vector<std::vector<double>> points;
    for (int i = 0; i < 24; ++i) points.push_back({5.0 + i, 1.0 + 0.05 * i});
    std::vector<Map> want;
    for (const auto& v : points) want.push_back(direct(vanDerPol(), paths, v).outputs);
    std::vector<Map> got(points.size());
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t)
      threads.emplace_back([&, t] {
        for (std::size_t i = static_cast<std::size_t>(t); i < points.size(); i += 3)
          got[i] = prepared(*p, points[i], false).outputs;
      });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < points.size(); ++i)
      QVERIFY2(got[i] == want[i], std::to_string(i).c_str());
  }

  void badSamplesFailAsTheTaskDoes() {
    const auto p = prepare(decay(), {"constants.k", "constants.c"});
    const double inf = std::numeric_limits<double>::infinity();
    const std::string want = errorOf([&] {
      direct(decay(), {"constants.k", "constants.c"}, {inf, 0.5});
    });
    QVERIFY2(want.find("constant 'k'") != std::string::npos, want.c_str());
    QCOMPARE(errorOf([&] { prepared(*p, {inf, 0.5}); }), want);
    const auto q = prepare(vanDerPol(), {"y0[1]"});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QCOMPARE(errorOf([&] { prepared(*q, {nan}); }),
             errorOf([&] { direct(vanDerPol(), {"y0[1]"}, {nan}); }));
  }

  void otherPathsAreNotPrepared() {
    QVERIFY(prepare(decay(), {"rtol"}) == nullptr);
    QVERIFY(prepare(decay(), {"t_span[1]"}) == nullptr);
    QVERIFY(prepare(decay(), {"constants.k", "constants.k"}) == nullptr);
    QVERIFY(prepare(decay(), {"y0[3]"}) == nullptr);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestOdeIvpPrepared)

}  // namespace test_ode_ivp_prepared
#include "test_ode_ivp_prepared.moc"
