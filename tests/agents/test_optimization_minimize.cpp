// optimization.minimize: reference problems, every method, the auto choice, hooks and bad input.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"

#include <QtTest>

#include <Eigen/Cholesky>

#include <cmath>
#include <memory>
#include <string>

#include "tests/test_main.h"

namespace test_optimization_minimize {

using namespace sciagents::core;

namespace {

struct Counter : TaskObserver {
  int objective = 0, gradient = 0;
  void progress(std::string_view, double, std::string_view) override {}
  void metric(std::string_view, std::string_view series, double, double) override {
    if (series == "objective") ++objective;
    if (series == "gradient_norm") ++gradient;
  }
};

struct Result {
  Map outputs, diagnostics;
  Vector x() const { return outputs.at("x").asVector(); }
  double fun() const { return outputs.at("fun").asDouble(); }
  bool success() const { return outputs.at("success").asBool(); }
  std::string method() const { return diagnostics.at("method").asString(); }
  std::string rationale() const { return diagnostics.at("method_rationale").asString(); }
  std::string warnings() const {
    std::string all;
    if (auto it = diagnostics.find("warnings"); it != diagnostics.end())
      for (const auto& w : it->second.asList()) all += w.asString() + "\n";
    return all;
  }
};

const TaskSpec& task() { return *AgentRegistry::builtin().task("optimization", "minimize"); }

Result run(const Map& given, Counter* obs = nullptr, CancelFlag cancel = {}) {
  TaskContext ctx(task(), task().resolveParams(given));
  if (obs) ctx.setObserver(obs);
  if (cancel) ctx.setCancelFlag(cancel);
  task().run(ctx);
  return {ctx.outputs(), ctx.diagnostics()};
}

Error runError(const Map& given) {
  try {
    run(given);
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error("expected an Error");
}

bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

const char* kRosen = "100*(y - x^2)^2 + (1 - x)^2";

Map hs71(const char* method) {
  return {{"objective", "x1*x4*(x1 + x2 + x3) + x3"},
          {"variables", List{"x1", "x2", "x3", "x4"}},
          {"x0", List{1, 5, 5, 1}},
          {"bounds", List{List{1, 5}, List{1, 5}, List{1, 5}, List{1, 5}}},
          {"constraints", List{Map{{"type", "ineq"}, {"expr", "x1*x2*x3*x4 - 25"}},
                               Map{{"type", "eq"}, {"expr", "x1^2 + x2^2 + x3^2 + x4^2 - 40"}}}},
          {"method", method}};
}

}  // namespace

class TestOptimizationMinimize : public QObject {
  Q_OBJECT

 private slots:
  void rosenbrockAutoPicksBfgsAndStreamsMetrics() {
    Counter c;
    const Result r =
        run({{"objective", kRosen}, {"variables", List{"x", "y"}}, {"x0", List{-1.2, 1}}}, &c);
    QCOMPARE(QString::fromStdString(r.method()), QString("BFGS"));
    QVERIFY(contains(r.rationale(), "unconstrained"));
    QVERIFY((r.x() - Vector::Ones(2)).lpNorm<Eigen::Infinity>() < 1e-6);
    QVERIFY(r.fun() < 1e-12);
    QVERIFY(r.success());
    QVERIFY(r.outputs.at("nit").asInt() > 10);
    QVERIFY(r.outputs.at("nfev").asInt() > r.outputs.at("nit").asInt());
    QVERIFY(r.outputs.at("jac").asVector().norm() < 1e-6);
    QVERIFY(c.objective > 10 && c.gradient > 10);
  }

  void everyMethodFindsTheMinimumOfAQuadratic() {
    // f = (x-1)^2 + 2 (y+0.5)^2 + 0.5 x y: minimiser from the 2x2 linear system grad f = 0.
    Matrix h(2, 2);
    h << 2, 0.5, 0.5, 4;
    Vector b(2);
    b << 2, -2;
    const Vector xs = h.ldlt().solve(b);
    for (const char* m :
         {"BFGS", "l-bfgs-b", "nelder-mead", "SLSQP", "cobyla", "AUGLAG", "lbfgs"}) {
      const Result r = run({{"objective", "(x-1)^2 + 2*(y+0.5)^2 + 0.5*x*y"},
                            {"variables", List{"x", "y"}},
                            {"x0", List{3, 3}},
                            {"method", m},
                            {"tol", 1e-10}});
      QVERIFY2((r.x() - xs).norm() < 1e-5, m);
      QVERIFY2(r.success(), m);
    }
  }

  void analyticJacobianIsUsed() {
    const Result r = run({{"objective", kRosen},
                          {"variables", List{"x", "y"}},
                          {"x0", List{-1.2, 1}},
                          {"jac", List{"-400*x*(y - x^2) - 2*(1 - x)", "200*(y - x^2)"}}});
    QVERIFY((r.x() - Vector::Ones(2)).norm() < 1e-7);
    QVERIFY(contains(r.diagnostics.at("gradient").asString(), "analytic"));
  }

  void hs71ReferenceWithSlsqpAndKktChecks() {
    const Result r = run(hs71("auto"));
    QCOMPARE(QString::fromStdString(r.method()), QString("SLSQP"));
    QVERIFY(std::abs(r.fun() - 17.0140173) < 1e-6);
    Vector xs(4);
    xs << 1, 4.742999, 3.821150, 1.379408;
    QVERIFY((r.x() - xs).lpNorm<Eigen::Infinity>() < 2e-6);
    QVERIFY(r.diagnostics.at("kkt_stationarity").asDouble() < 1e-5);
    QVERIFY(r.diagnostics.at("max_constraint_violation").asDouble() < 1e-8);
    // validate hook: independent KKT figures pass on the answer...
    TaskContext ctx(task(), task().resolveParams(hs71("auto")));
    for (const auto& c : task().validate(ctx, r.outputs)) QVERIFY2(c.passed, c.name.c_str());
    // ...and fail on a feasible but non-optimal point.
    Map wrong = r.outputs;
    Vector x = xs;
    x << 1.2, 4.7, 3.7, 1.0;
    wrong["x"] = x;
    wrong["fun"] = 0.0;
    bool any_failed = false;
    for (const auto& c : task().validate(ctx, wrong)) any_failed = any_failed || !c.passed;
    QVERIFY(any_failed);
  }

  void boundsGiveLbfgsbAndPositiveMultiplier() {
    const Map p{{"objective", "(x-3)^2 + (y+1)^2"},
                {"variables", List{"x", "y"}},
                {"x0", List{0.5, 0.5}},
                {"bounds", List{List{0, 2}, List{Value(), "inf"}}}};
    const Result r = run(p);
    QCOMPARE(QString::fromStdString(r.method()), QString("L-BFGS-B"));
    QVERIFY(std::abs(r.x()[0] - 2.0) < 1e-9);
    QVERIFY(std::abs(r.x()[1] + 1.0) < 1e-6);
    TaskContext ctx(task(), task().resolveParams(p));
    for (const auto& c : task().validate(ctx, r.outputs)) QVERIFY2(c.passed, c.name.c_str());
  }

  void selectAndAnalyzeHooks() {
    auto sel = [&](const Map& p) {
      return task().select(TaskContext(task(), task().resolveParams(p)));
    };
    std::string obj;
    List vars, x0;
    for (int i = 1; i <= 20; ++i) {
      obj += (i > 1 ? " + " : "") + std::string("(x") + std::to_string(i) + " - 1)^2";
      vars.push_back("x" + std::to_string(i));
      x0.push_back(0.0);
    }
    QCOMPARE(
        QString::fromStdString(sel({{"objective", obj}, {"variables", vars}, {"x0", x0}}).method),
        QString("l-bfgs-b"));
    QCOMPARE(QString::fromStdString(sel({{"objective", "abs(x) + abs(y - 1)"},
                                         {"variables", List{"x", "y"}},
                                         {"x0", List{1, 1}}})
                                        .method),
             QString("nelder-mead"));
    Map c = hs71("auto");
    c["objective"] = "abs(x1 - 2) + x3";
    QCOMPARE(QString::fromStdString(sel(c).method), QString("cobyla"));
    const Map facts = task().analyze(TaskContext(task(), task().resolveParams(hs71("auto"))));
    QCOMPARE(facts.at("dimension").asInt(), std::int64_t{4});
    QCOMPARE(facts.at("n_eq").asInt(), std::int64_t{1});
    QCOMPARE(facts.at("n_ineq").asInt(), std::int64_t{1});
    QVERIFY(facts.at("bounded").asBool());
    QVERIFY(facts.at("smooth").asBool());
    const Map kink = task().analyze(TaskContext(
        task(), task().resolveParams(
                    {{"objective", "abs(x)"}, {"variables", List{"x"}}, {"x0", List{0.0}}})));
    QVERIFY(!kink.at("smooth").asBool());
  }

  void nonSmoothObjectiveUnderAuto() {
    const Result r = run({{"objective", "abs(x - 1) + abs(y + 2)"},
                          {"variables", List{"x", "y"}},
                          {"x0", List{0, 0}},
                          {"tol", 1e-12}});
    QCOMPARE(QString::fromStdString(r.method()), QString("Nelder-Mead"));
    QVERIFY(std::abs(r.x()[0] - 1) < 1e-6 && std::abs(r.x()[1] + 2) < 1e-6);
  }

  void infeasibleConstraintsFailWithTheViolation() {
    const Error e = runError({{"objective", "x^2 + y"},
                              {"variables", List{"x", "y"}},
                              {"x0", List{0, 0}},
                              {"constraints", List{Map{{"type", "ineq"}, {"expr", "1 - x^2 - y^2"}},
                                                   Map{{"type", "ineq"}, {"expr", "x + y - 3"}}}}});
    QVERIFY(e.code() == ErrorCode::RunFailed);
    QVERIFY2(contains(e.what(), "violated by") && contains(e.what(), "infeasible"), e.what());
  }

  void unboundedObjectiveIsDetected() {
    // x^2 - 3xy + y^2 is indefinite: unbounded below along x = y.
    const Map p{
        {"objective", "x^2 - 3*x*y + y^2"}, {"variables", List{"x", "y"}}, {"x0", List{0.5, 1}}};
    for (const char* m : {"auto", "BFGS", "Nelder-Mead", "SLSQP"}) {
      Map q = p;
      q["method"] = m;
      const Error e = runError(q);
      QVERIFY(e.code() == ErrorCode::RunFailed);
      QVERIFY2(contains(e.what(), "divergence"), e.what());
    }
    // NLopt's L-BFGS may give up before the guard triggers: then success is false and a warning
    // says why.
    Map q = p;
    q["method"] = "L-BFGS-B";
    try {
      const Result r = run(q);
      QVERIFY(!r.success());
      QVERIFY2(contains(r.warnings(), "divergence"), r.warnings().c_str());
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "divergence"), e.what());
    }
  }

  void maxiterGivesSuccessFalseAndWarning() {
    for (const char* m : {"BFGS", "SLSQP"}) {
      const Result r = run({{"objective", kRosen},
                            {"variables", List{"x", "y"}},
                            {"x0", List{-1.2, 1}},
                            {"maxiter", 5},
                            {"method", m}});
      QVERIFY(!r.success());
      QVERIFY2(contains(r.warnings(), "maximum number of iterations"), m);
    }
  }

  void badInputIsRejectedWithTheParameter() {
    const List xy{"x", "y"};
    auto param = [&](const Map& p) { return runError(p).param(); };
    QCOMPARE(QString::fromStdString(
                 param({{"objective", "sqrt(x) + y^2"}, {"variables", xy}, {"x0", List{-1, 0}}})),
             QString("x0"));
    QVERIFY(contains(
        runError({{"objective", "sqrt(x) + y^2"}, {"variables", xy}, {"x0", List{-1, 0}}}).what(),
        "NaN"));
    QCOMPARE(QString::fromStdString(
                 param({{"objective", "x^2 + q"}, {"variables", xy}, {"x0", List{1, 0}}})),
             QString("objective"));
    QCOMPARE(QString::fromStdString(
                 param({{"objective", "x^2 + y^2"}, {"variables", xy}, {"x0", List{1, 0, 3}}})),
             QString("x0"));
    QCOMPARE(QString::fromStdString(param({{"objective", "x^2 + y^2"},
                                           {"variables", xy},
                                           {"x0", List{1, 0}},
                                           {"bounds", List{List{1, 0}, List{0, 1}}}})),
             QString("bounds"));
    QCOMPARE(QString::fromStdString(param({{"objective", "x^2 + y^2"},
                                           {"variables", xy},
                                           {"x0", List{1, 0}},
                                           {"method", "newton-cg"}})),
             QString("method"));
    QCOMPARE(QString::fromStdString(param({{"objective", "x^2 + y^2"},
                                           {"variables", xy},
                                           {"x0", List{1, 0}},
                                           {"method", "BFGS"},
                                           {"bounds", List{List{0, 1}, List{0, 1}}}})),
             QString("method"));
    QCOMPARE(QString::fromStdString(
                 param({{"objective", "x^2 + y^2"},
                        {"variables", xy},
                        {"x0", List{1, 0}},
                        {"method", "nelder-mead"},
                        {"constraints", List{Map{{"type", "eq"}, {"expr", "x - y"}}}}})),
             QString("method"));
    QCOMPARE(QString::fromStdString(
                 param({{"objective", "x^2 + y^2"},
                        {"variables", xy},
                        {"x0", List{1, 0}},
                        {"constraints", List{Map{{"type", "le"}, {"expr", "x - y"}}}}})),
             QString("constraints"));
    QCOMPARE(QString::fromStdString(param({{"objective", "x^2 + y^2"},
                                           {"variables", xy},
                                           {"x0", List{1, 0}},
                                           {"jac", List{"2*x"}}})),
             QString("jac"));
  }

  void constantsAreUsed() {
    const Result r = run({{"objective", "(x - a)^2"},
                          {"variables", List{"x"}},
                          {"x0", List{0}},
                          {"constants", Map{{"a", 2.5}}}});
    QVERIFY(std::abs(r.x()[0] - 2.5) < 1e-8);
  }

  void cancellationStopsTheRun() {
    auto flag = std::make_shared<std::atomic<bool>>(true);
    std::string obj;
    List vars, x0;
    for (int i = 1; i <= 50; ++i) {
      obj += (i > 1 ? " + " : "") + std::string("(x") + std::to_string(i) + " - 1)^4";
      vars.push_back("x" + std::to_string(i));
      x0.push_back(0.0);
    }
    try {
      run({{"objective", obj}, {"variables", vars}, {"x0", x0}}, nullptr, flag);
      QFAIL("expected cancellation");
    } catch (const Error& e) {
      QVERIFY(e.code() == ErrorCode::Cancelled);
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestOptimizationMinimize)

}  // namespace test_optimization_minimize
#include "test_optimization_minimize.moc"
