// optimization.global_minimize and optimization.root: reference problems, determinism, hooks, bad
// input.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <string>

#include "tests/test_main.h"

namespace test_optimization_global_root {

using namespace sciagents::core;

namespace {

struct Result {
  Map outputs, diagnostics;
  Vector x() const { return outputs.at("x").asVector(); }
  std::string method() const { return diagnostics.at("method").asString(); }
  std::string warnings() const {
    std::string all;
    if (auto it = diagnostics.find("warnings"); it != diagnostics.end())
      for (const auto& w : it->second.asList()) all += w.asString() + "\n";
    return all;
  }
};

const TaskSpec& task(const char* id) { return *AgentRegistry::builtin().task("optimization", id); }

Result run(const char* id, const Map& given) {
  TaskContext ctx(task(id), task(id).resolveParams(given));
  task(id).run(ctx);
  return {ctx.outputs(), ctx.diagnostics()};
}

Error runError(const char* id, const Map& given) {
  try {
    run(id, given);
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error("expected an Error");
}

bool contains(const std::string& s, const std::string& n) { return s.find(n) != std::string::npos; }

const char* kBranin = "(y - 5.1/(4*pi^2)*x^2 + 5/pi*x - 6)^2 + 10*(1 - 1/(8*pi))*cos(x) + 10";
constexpr double kBraninMin = 0.397887357729738;

Map branin(const char* method, int seed) {
  return {{"objective", kBranin},
          {"variables", List{"x", "y"}},
          {"bounds", List{List{-5, 10}, List{0, 15}}},
          {"method", method},
          {"seed", seed}};
}

// Distance to the nearest of Branin's three minimisers.
double braninDistance(const Vector& x) {
  const double pi = std::numbers::pi;
  double best = 1e300;
  for (auto [a, b] : {std::pair{-pi, 12.275}, std::pair{pi, 2.275}, std::pair{3 * pi, 2.475}})
    best = std::min(best, std::hypot(x[0] - a, x[1] - b));
  return best;
}

}  // namespace

class TestOptimizationGlobalRoot : public QObject {
  Q_OBJECT

 private slots:
  void braninEveryMethod() {
    for (const char* m : {"auto", "differential_evolution", "multistart", "GN_DIRECT_L",
                          "gn_crs2_lm", "GN_ISRES"}) {
      const Result r = run("global_minimize", branin(m, 3));
      QVERIFY2(std::abs(r.outputs.at("fun").asDouble() - kBraninMin) < 1e-10, m);
      QVERIFY2(braninDistance(r.x()) < 1e-5, m);
    }
  }

  void deterministicForASeed() {
    const Result a = run("global_minimize", branin("differential_evolution", 11));
    const Result b = run("global_minimize", branin("differential_evolution", 11));
    QCOMPARE(a.x()[0], b.x()[0]);
    QCOMPARE(a.x()[1], b.x()[1]);
    QCOMPARE(a.outputs.at("nfev").asInt(), b.outputs.at("nfev").asInt());
    QCOMPARE(QString::fromStdString(a.method()), QString("differential_evolution"));
  }

  void globalValidateHookFindsAWrongAnswer() {
    const Map p = branin("auto", 5);
    const Result r = run("global_minimize", p);
    const TaskContext ctx(task("global_minimize"), task("global_minimize").resolveParams(p));
    for (const auto& c : task("global_minimize").validate(ctx, r.outputs))
      QVERIFY2(c.passed, c.name.c_str());
    Map wrong = r.outputs;
    Vector x(2);
    x << 0.0, 5.0;  // not a minimum
    wrong["x"] = x;
    bool failed = false;
    for (const auto& c : task("global_minimize").validate(ctx, wrong)) failed = failed || !c.passed;
    QVERIFY(failed);
  }

  void globalNeedsFiniteBounds() {
    Map p = branin("auto", 1);
    p.erase("bounds");
    QCOMPARE(QString::fromStdString(runError("global_minimize", p).param()), QString("bounds"));
    p["bounds"] = List{List{-5, "inf"}, List{0, 15}};
    QCOMPARE(QString::fromStdString(runError("global_minimize", p).param()), QString("bounds"));
    p["bounds"] = List{List{-5, 10}, List{0, 15}};
    p["method"] = "annealing";
    QCOMPARE(QString::fromStdString(runError("global_minimize", p).param()), QString("method"));
  }

  void scalarRootBrentAndNewton() {
    const Result b = run("root", {{"f", "cos(x) - x"}, {"bracket", List{0, 1}}});
    QCOMPARE(QString::fromStdString(b.method()), QString("brentq"));
    QVERIFY(std::abs(b.x()[0] - 0.7390851332151607) <= 1.2e-16);
    const Result n = run("root", {{"f", "cos(x) - x"}, {"x0", List{1}}});
    QCOMPARE(QString::fromStdString(n.method()), QString("newton"));
    QVERIFY(std::abs(n.x()[0] - 0.7390851332151607) <= 1.2e-16);
    QVERIFY(n.outputs.at("success").asBool());
    // far start: step halving, then Brent once a sign change appears
    const Result far = run("root", {{"f", "atan(x - 2)"}, {"x0", List{30}}});
    QVERIFY(std::abs(far.x()[0] - 2.0) < 1e-12);
  }

  void rootValidateHook() {
    const Map p{{"f", "cos(x) - x"}, {"bracket", List{0, 1}}};
    const Result r = run("root", p);
    const TaskContext ctx(task("root"), task("root").resolveParams(p));
    for (const auto& c : task("root").validate(ctx, r.outputs)) QVERIFY2(c.passed, c.name.c_str());
    Map wrong = r.outputs;
    wrong["x"] = Vector(Vector::Constant(1, 0.74));
    bool failed = false;
    for (const auto& c : task("root").validate(ctx, wrong)) failed = failed || !c.passed;
    QVERIFY(failed);
  }

  void systemsNewtonAndLm() {
    // Intersection of the circle of radius 2 with y = exp(x) - 1 (two roots; start near the
    // positive one).
    for (const char* m : {"auto", "newton", "lm", "kinsol"}) {
      const Result r = run("root", {{"f", List{"x^2 + y^2 - 4", "exp(x) - 1 - y"}},
                                    {"variables", List{"x", "y"}},
                                    {"x0", List{1, 1}},
                                    {"method", m}});
      const Vector x = r.x();
      QVERIFY2(std::abs(x[0] * x[0] + x[1] * x[1] - 4) < 1e-11 &&
                   std::abs(std::exp(x[0]) - 1 - x[1]) < 1e-11,
               m);
      QVERIFY2(r.outputs.at("success").asBool(), m);
    }
  }

  void kinsolSolvesAndReportsFailure() {
    // Broyden's tridiagonal system (n = 10, root near -0.57 per component) from x0 = -1.
    List f, vars, x0;
    for (int i = 1; i <= 10; ++i) {
      const std::string xi = "x" + std::to_string(i);
      std::string e = "(3 - 2*" + xi + ")*" + xi + " + 1";
      if (i > 1) e += " - x" + std::to_string(i - 1);
      if (i < 10) e += " - 2*x" + std::to_string(i + 1);
      f.push_back(e), vars.push_back(xi), x0.push_back(-1.0);
    }
    const Result r = run("root", {{"f", f}, {"variables", vars}, {"x0", x0}, {"method", "kinsol"}});
    QVERIFY(r.outputs.at("success").asBool());
    QCOMPARE(QString::fromStdString(r.diagnostics.at("method").asString()), QString("kinsol"));
    QVERIFY(r.diagnostics.at("residual_inf").asDouble() <= 1e-12);
    const Result n = run("root", {{"f", f}, {"variables", vars}, {"x0", x0}, {"method", "newton"}});
    QVERIFY((r.x() - n.x()).lpNorm<Eigen::Infinity>() < 1e-10);
    // No real root: a failure with a message, never a silent success.
    const Result bad = run("root", {{"f", List{"x^2 + y^2 + 1", "x - y"}},
                                    {"variables", List{"x", "y"}},
                                    {"x0", List{1, 2}},
                                    {"method", "kinsol"}});
    QVERIFY(!bad.outputs.at("success").asBool());
    QVERIFY(!bad.warnings().empty());
  }

  void noRootIsReportedNotHidden() {
    const Result r = run("root", {{"f", "x^2 + 1"}, {"x0", List{3}}});
    QVERIFY(!r.outputs.at("success").asBool());
    QVERIFY(contains(r.warnings(), "root"));
    const Result s = run(
        "root",
        {{"f", List{"x^2 + y^2 + 1", "x - y"}}, {"variables", List{"x", "y"}}, {"x0", List{1, 2}}});
    QVERIFY(!s.outputs.at("success").asBool());
    QVERIFY(!s.warnings().empty());
  }

  void rootBadInput() {
    const Error same = runError("root", {{"f", "x^2 + 1"}, {"bracket", List{-1, 1}}});
    QCOMPARE(QString::fromStdString(same.param()), QString("bracket"));
    QVERIFY(contains(same.what(), "same sign"));
    QCOMPARE(QString::fromStdString(runError("root", {{"f", "cos(x) - x"}}).param()),
             QString("x0"));
    QCOMPARE(QString::fromStdString(runError("root", {{"f", List{"x - y", "x + y"}},
                                                      {"variables", List{"x"}},
                                                      {"x0", List{1}}})
                                        .param()),
             QString("f"));
    QCOMPARE(QString::fromStdString(runError("root", {{"f", "log(x)"}, {"x0", List{-1}}}).param()),
             QString("x0"));
    QCOMPARE(QString::fromStdString(runError("root", {{"f", "x - z"}, {"x0", List{1}}}).param()),
             QString("f"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestOptimizationGlobalRoot)

}  // namespace test_optimization_global_root
#include "test_optimization_global_root.moc"
