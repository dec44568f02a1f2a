// integration.cubature and integration.monte_carlo: reference integrals, error honesty, seeds,
// live metrics, hooks and bad input.
#include "test_integration_util.h"

#include <cmath>
#include <numbers>

#include "tests/test_main.h"

namespace test_integration_cubature_mc {

using namespace integ_test;

class TestIntegrationCubatureMc : public QObject {
  Q_OBJECT

 private slots:
  void sinCosOnABox() {
    const Map p{{"f", "sin(x)*cos(y)"},
                {"vars", List{"x", "y"}},
                {"bounds", List{List{0, std::numbers::pi}, List{0, std::numbers::pi / 2}}},
                {"epsrel", 1e-12}};
    const Result r = run("integration", "cubature", p);
    const double err = std::abs(r.num("value") - 2.0);
    QVERIFY2(err < 2e-10, qPrintable(QString::number(err)));
    QVERIFY(r.num("abserr") >= err);
    QVERIFY(r.out("neval").asInt() > 17);
    QCOMPARE(QString::fromStdString(r.method()), QString("genz_malik"));
    const auto checks = validate("integration", "cubature", p, r.outputs);
    QVERIFY2(checks.size() == 1 && checks[0].passed, checks[0].detail.c_str());
  }

  void gaussianIn3dWithInfiniteBounds() {
    const Result r =
        run("integration", "cubature",
            {{"f", "exp(-(x^2+y^2+z^2))"},
             {"vars", List{"x", "y", "z"}},
             {"bounds", List{List{"-inf", "inf"}, List{"-inf", "inf"}, List{0, "inf"}}},
             {"epsrel", 1e-7}});
    const double exact = std::pow(std::numbers::pi, 1.5) / 2;
    QVERIFY(std::abs(r.num("value") - exact) <= r.num("abserr"));
    QVERIFY(std::abs(r.num("value") - exact) < 1e-6 * exact);
  }

  void oneVariableAndTightBudgetWarn() {
    const Result one = run("integration", "cubature",
                           {{"f", "x^3"}, {"vars", List{"x"}}, {"bounds", List{List{0, 2}}}});
    QVERIFY(std::abs(one.num("value") - 4.0) < 1e-12);
    const Result tight = run("integration", "cubature",
                             {{"f", "sqrt(abs(x-y))"},
                              {"vars", List{"x", "y"}},
                              {"bounds", List{List{0, 1}, List{0, 1}}},
                              {"maxeval", 200},
                              {"epsrel", 1e-12}});
    QVERIFY(contains(tight.warnings(), "tolerance not met"));
    QVERIFY(tight.out("neval").asInt() <= 200);
  }

  void cubatureSelectHookAgreesWithRun() {
    const TaskSpec& t = task("integration", "cubature");
    QVERIFY(static_cast<bool>(t.select));
    const Map two{{"f", "sin(x)*cos(y)"},
                  {"vars", List{"x", "y"}},
                  {"bounds", List{List{0, std::numbers::pi}, List{0, std::numbers::pi / 2}}}};
    TaskContext ctx2(t, t.resolveParams(two));
    const MethodChoice c2 = t.select(ctx2);
    QCOMPARE(QString::fromStdString(c2.method), QString("genz_malik"));
    QVERIFY(contains(c2.rationale, "17 points per region"));
    const Result r2 = run("integration", "cubature", two);
    QCOMPARE(QString::fromStdString(r2.method()), QString::fromStdString(c2.method));
    QCOMPARE(QString::fromStdString(r2.rationale()), QString::fromStdString(c2.rationale));

    const Map one{{"f", "x^3"}, {"vars", List{"x"}}, {"bounds", List{List{0, 2}}}};
    TaskContext ctx1(t, t.resolveParams(one));
    QCOMPARE(QString::fromStdString(t.select(ctx1).method), QString("gauss_kronrod"));
    QCOMPARE(QString::fromStdString(run("integration", "cubature", one).method()),
             QString("gauss_kronrod"));

    // Eight variables: still genz_malik, but the reason points at monte_carlo.
    List vars, bounds;
    for (const char* v : {"a", "b", "c", "d", "e1", "f1", "g", "h"})
      vars.push_back(v), bounds.push_back(List{0, 1});
    TaskContext ctx8(
        t, t.resolveParams({{"f", "a+b+c+d+e1+f1+g+h"}, {"vars", vars}, {"bounds", bounds}}));
    const MethodChoice c8 = t.select(ctx8);
    QCOMPARE(QString::fromStdString(c8.method), QString("genz_malik"));
    QVERIFY(contains(c8.rationale, "monte_carlo"));

    // The algorithm_selector goes through the same hook.
    const Result sel =
        run("algorithm_selector", "select",
            {{"problem", Map{{"agent", "integration"}, {"task", "cubature"}, {"params", two}}}});
    QCOMPARE(QString::fromStdString(sel.out("method").asString()), QString("genz_malik"));

    // A requested method that does not fit the dimension is a parameter error.
    Map wrong = two;
    wrong["method"] = "gauss_kronrod";
    QCOMPARE(runError("integration", "cubature", wrong).param(), std::string("method"));
    Map wrong1 = one;
    wrong1["method"] = "genz_malik";
    QCOMPARE(runError("integration", "cubature", wrong1).param(), std::string("method"));
    Map forced = two;
    forced["method"] = "genz_malik";
    const Result rf = run("integration", "cubature", forced);
    QCOMPARE(QString::fromStdString(rf.rationale()), QString("requested"));
    QVERIFY(std::abs(rf.num("value") - 2.0) <= rf.num("abserr"));
  }

  void cubatureBadInput() {
    QCOMPARE(runError("integration", "cubature",
                      {{"f", "x*y"}, {"vars", List{"x", "y"}}, {"bounds", List{List{0, 1}}}})
                 .param(),
             std::string("bounds"));
    QCOMPARE(
        runError("integration", "cubature",
                 {{"f", "x*y"}, {"vars", List{"x", "y"}}, {"bounds", List{List{0, 1}, List{2, 1}}}})
            .param(),
        std::string("bounds"));
    QCOMPARE(
        runError("integration", "cubature",
                 {{"f", "x*w"}, {"vars", List{"x", "y"}}, {"bounds", List{List{0, 1}, List{0, 1}}}})
            .param(),
        std::string("f"));
  }

  void qmcCoversTheTruthAndIsReproducible() {
    // int over [0,1]^4 of prod(x_i) * 16 = 1.
    const Map p{{"f", "16*a*b*c*d"},
                {"vars", List{"a", "b", "c", "d"}},
                {"bounds", List{List{0, 1}, List{0, 1}, List{0, 1}, List{0, 1}}},
                {"n", 1 << 16},
                {"seed", 7}};
    Recorder rec;
    const Result r = run("integration", "monte_carlo", p, &rec);
    QCOMPARE(QString::fromStdString(r.method()), QString("qmc"));
    QVERIFY(std::abs(r.num("value") - 1.0) <= r.num("abserr"));
    QVERIFY(r.num("abserr") < 1e-3);  // far below MC's 1.96 sd/sqrt(n) ~ 1.5e-2
    QCOMPARE(r.out("n").asInt(), std::int64_t{1 << 16});
    const Result again = run("integration", "monte_carlo", p);
    QCOMPARE(again.num("value"), r.num("value"));
    Map other = p;
    other["seed"] = 8;
    QVERIFY(run("integration", "monte_carlo", other).num("value") != r.num("value"));
    bool mean = false, ci = false;
    for (const auto& [s, x, y] : rec.metrics)
      mean = mean || s == "running_mean", ci = ci || s == "ci_halfwidth";
    QVERIFY(mean && ci);
  }

  void plainMcErrorIsHonest() {
    // int_0^pi sin x dx = 2: over 20 seeds the 95% interval should cover the truth most of the
    // time.
    int covered = 0;
    for (int s = 0; s < 20; ++s) {
      const Result r = run("integration", "monte_carlo",
                           {{"f", "sin(x)"},
                            {"vars", List{"x"}},
                            {"bounds", List{List{0, std::numbers::pi}}},
                            {"n", 20000},
                            {"method", "mc"},
                            {"seed", s}});
      covered += std::abs(r.num("value") - 2.0) <= r.num("abserr");
      QVERIFY(std::abs(r.num("abserr") - 1.96 * r.num("stderr")) < 1e-15);
    }
    QVERIFY2(covered >= 15, qPrintable(QString::number(covered)));
  }

  void monteCarloBadInput() {
    QCOMPARE(runError("integration", "monte_carlo",
                      {{"f", "x"}, {"vars", List{"x"}}, {"bounds", List{List{0, "inf"}}}})
                 .param(),
             std::string("bounds"));
    QCOMPARE(runError("integration", "monte_carlo",
                      {{"f", "x"},
                       {"vars", List{"x"}},
                       {"bounds", List{List{0, 1}}},
                       {"n", 4},
                       {"replicas", 8}})
                 .param(),
             std::string("replicas"));
    const Error e = runError("integration", "monte_carlo",
                             {{"f", "1/(x-x)"}, {"vars", List{"x"}}, {"bounds", List{List{0, 1}}}});
    QVERIFY(e.code() == ErrorCode::RunFailed);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestIntegrationCubatureMc)

}  // namespace test_integration_cubature_mc
#include "test_integration_cubature_mc.moc"
