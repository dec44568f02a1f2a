// integration.quad: reference integrals, honest error estimates, the auto choice, validate, bad
// input.
#include "test_integration_util.h"

#include <cmath>
#include <numbers>

#include "tests/test_main.h"

namespace test_integration_quad {

using namespace integ_test;

class TestIntegrationQuad : public QObject {
  Q_OBJECT

  static void checkHonest(const Result& r, double exact, double bar) {
    const double v = r.num("value"), e = r.num("abserr"), err = std::abs(v - exact);
    QVERIFY2(err <= bar * std::abs(exact),
             qPrintable(QString("value %1 error %2").arg(v, 0, 'g', 17).arg(err)));
    QVERIFY2(e >= err, qPrintable(QString("abserr %1 < actual error %2").arg(e).arg(err)));
    QVERIFY(r.diagnostics.at("neval").asInt() > 0);
  }

 private slots:
  void logOverSqrtPicksTanhSinh() {
    const Result r =
        run("integration", "quad", {{"f", "ln(x)/sqrt(x)"}, {"a", 0}, {"b", 1}, {"epsrel", 1e-12}});
    checkHonest(r, -4.0, 1e-10);
    QCOMPARE(QString::fromStdString(r.method()), QString("tanh_sinh"));
    QVERIFY(contains(r.rationale(), "x = 0"));
    QVERIFY(r.warnings().empty());
  }

  void gaussianOnTheWholeLine() {
    const Result r = run("integration", "quad",
                         {{"f", "exp(-x^2)"}, {"a", "-inf"}, {"b", "inf"}, {"epsrel", 1e-12}});
    checkHonest(r, std::sqrt(std::numbers::pi), 1e-10);
    QCOMPARE(QString::fromStdString(r.method()), QString("sinh_sinh"));
    // Every rule that accepts the range gets it right, and "Infinity" spellings are accepted.
    for (const char* m : {"gauss_kronrod", "tanh_sinh", "sinh_sinh"}) {
      const Result s = run("integration", "quad",
                           {{"f", "exp(-x^2)"},
                            {"a", "-Infinity"},
                            {"b", "Infinity"},
                            {"method", m},
                            {"epsrel", 1e-12}});
      checkHonest(s, std::sqrt(std::numbers::pi), 1e-10);
    }
  }

  void halfLineUsesExpSinh() {
    const Result r = run("integration", "quad",
                         {{"f", "exp(-k*x)"},
                          {"a", 1},
                          {"b", "inf"},
                          {"constants", Map{{"k", 2.0}}},
                          {"epsrel", 1e-12}});
    checkHonest(r, std::exp(-2.0) / 2, 1e-10);
    QCOMPARE(QString::fromStdString(r.method()), QString("exp_sinh"));
    const Result g = run("integration", "quad",
                         {{"f", "exp(-2*x)"},
                          {"a", 1},
                          {"b", "inf"},
                          {"method", "gauss_kronrod"},
                          {"epsrel", 1e-12}});
    checkHonest(g, std::exp(-2.0) / 2, 1e-10);
  }

  void sineIsSmoothSoGaussKronrod() {
    const Result r =
        run("integration", "quad", {{"f", "sin(x)"}, {"a", 0}, {"b", "pi"}, {"epsrel", 1e-12}});
    checkHonest(r, 2.0, 1e-10);
    QCOMPARE(QString::fromStdString(r.method()), QString("gauss_kronrod"));
    // Reversed limits flip the sign; a == b gives 0.
    const Result rev =
        run("integration", "quad", {{"f", "sin(x)"}, {"a", std::numbers::pi}, {"b", 0}});
    QVERIFY(std::abs(rev.num("value") + 2.0) < 1e-12);
    QCOMPARE(run("integration", "quad", {{"f", "sin(x)"}, {"a", 1}, {"b", 1}}).num("value"), 0.0);
  }

  void breakPointsResolveAKink() {
    const Result r = run("integration", "quad",
                         {{"f", "abs(x-0.3)"},
                          {"a", 0},
                          {"b", 1},
                          {"points", List{0.3}},
                          {"method", "gauss_kronrod"}});
    checkHonest(r, 0.5 * (0.09 + 0.49), 1e-13);
    QCOMPARE(r.diagnostics.at("intervals").asInt(), 2);
  }

  void unmetToleranceWarnsAndCrossChecks() {
    // 1/sqrt(x) with Gauss-Kronrod and only 3 subintervals cannot reach 1e-12.
    const Result r = run("integration", "quad",
                         {{"f", "1/sqrt(x)"},
                          {"a", 0},
                          {"b", 1},
                          {"method", "gauss_kronrod"},
                          {"limit", 3},
                          {"epsrel", 1e-12}});
    QVERIFY(r.diagnostics.count("cross_check_method"));
    QVERIFY(r.num("abserr") >= std::abs(r.num("value") - 2.0));
    QVERIFY(std::abs(r.num("value") - 2.0) < 1e-9);  // the better (tanh_sinh) value is kept
    QVERIFY(contains(r.warnings(), "tolerance not met") || r.num("abserr") <= 1e-12 * 2);
    const Result bad = run("integration", "quad",
                           {{"f", "sin(1/x)"},
                            {"a", 0.001},
                            {"b", 1},
                            {"method", "gauss_kronrod"},
                            {"limit", 2},
                            {"epsrel", 1e-14},
                            {"epsabs", 0}});
    QVERIFY(contains(bad.warnings(), "tolerance not met"));
  }

  // tanh_sinh stops as soon as the level differences shrink fast enough to bound the rest (see
  // tanh_sinh_rule.h); abserr must still bound the actual error, also where that shortcut must not
  // fire (a kink inside the range, an oscillating integrand, a strong x^-0.9 singularity).
  void tanhSinhErrorIsHonest() {
    struct Case {
      const char* f;
      double a, b, exact;
    };
    const Case cases[] = {
        {"ln(x)/sqrt(x)", 0, 1, -4.0},
        {"sqrt(x)", 0, 1, 2.0 / 3},
        {"abs(x - 1/3)", 0, 1, 5.0 / 18},
        {"x^(-0.9)", 0, 1, 10.0},
        {"sin(50*x)", 0, 1, (1 - std::cos(50.0)) / 50},
        {"1/(1 + 25*x^2)", -1, 1, 2 * std::atan(5.0) / 5},
        {"ln(1 - x)", 0, 1, -1.0},
        {"exp(x)", 0, 1, std::numbers::e - 1},
    };
    for (const Case& c : cases)
      for (double epsrel : {1e-4, 1.49e-8, 1e-12}) {
        const Result r = run("integration", "quad",
                             {{"f", c.f},
                              {"a", c.a},
                              {"b", c.b},
                              {"method", "tanh_sinh"},
                              {"epsrel", epsrel},
                              {"epsabs", 0}});
        const double err = std::abs(r.num("value") - c.exact);
        QVERIFY2(err <= r.num("abserr"), qPrintable(QString("%1 epsrel %2: error %3 > abserr %4")
                                                        .arg(c.f)
                                                        .arg(epsrel)
                                                        .arg(err)
                                                        .arg(r.num("abserr"))));
      }
    // ln(x)/sqrt(x) at SciPy's default tolerance: four levels (66 points, Boost takes 74): the
    // convergence model needs two consecutive fast ratios (issue 15: one ratio is no evidence, so
    // the former three-level, 33-point stop is gone), and no cross-check is needed.
    const Result r = run("integration", "quad", {{"f", "ln(x)/sqrt(x)"}, {"a", 0}, {"b", 1}});
    QCOMPARE(r.diagnostics.at("error_estimate").asString(), std::string("converging_levels"));
    QVERIFY(!r.diagnostics.count("cross_check_method"));
    QVERIFY(r.diagnostics.at("neval").asInt() <= 80);
    QVERIFY(std::abs(r.num("value") + 4.0) <= r.num("abserr"));
    QVERIFY(r.num("abserr") < 1e-9);
    // A kink inside the range converges algebraically: no shortcut.
    const Result k = run("integration", "quad",
                         {{"f", "abs(x - 1/3)"}, {"a", 0}, {"b", 1}, {"method", "tanh_sinh"}});
    QCOMPARE(k.diagnostics.at("error_estimate").asString(), std::string("last_two_levels"));
    // A singular break point, given twice: each side is a tanh_sinh piece that never touches x =
    // 0.5.
    const Result b = run("integration", "quad",
                         {{"f", "1/sqrt(abs(x - 0.5))"},
                          {"a", 0},
                          {"b", 1},
                          {"method", "tanh_sinh"},
                          {"points", List{0.5, 0.5}}});
    QVERIFY(std::abs(b.num("value") - 2 * std::sqrt(2.0)) <= b.num("abserr"));
    QVERIFY(std::abs(b.num("value") - 2 * std::sqrt(2.0)) < 1e-7);
  }

  // Two cases the property test (test_integration_error_bounds) caught on the former rules.
  void formerUnderReportsAreBounded() {
    // (1 + c cos(w x + p))/sqrt(x): tanh_sinh stopped on one small level ratio, 8 % off with
    // abserr 6e-7. Exact value: long double Gauss-Legendre after x = exp(-s).
    const Map k{{"c", 0.91694962734750673}, {"p", 3.0229602331532623}, {"w", 26.167322728186928}};
    const double exact = 1.722972145220107;
    for (const char* m : {"auto", "tanh_sinh"}) {
      const Result r = run("integration", "quad",
                           {{"f", "(1 + c*cos(w*x + p))/sqrt(x)"},
                            {"a", 0},
                            {"b", 1},
                            {"constants", k},
                            {"method", m},
                            {"epsrel", 1e-4}});
      const double err = std::abs(r.num("value") - exact);
      QVERIFY2(
          err <= r.num("abserr"),
          qPrintable(QString("%1: error %2 > abserr %3").arg(m).arg(err).arg(r.num("abserr"))));
      QVERIFY(err < 1e-4 * exact);
    }
    // A jump between an interval's end (0.5) and its outermost Gauss-Kronrod node: every node of
    // [0, 0.5] saw 0, and abserr was 6e-12 for an error of 4.8e-4.
    const Map j{{"c", 0.70913302518793764},
                {"p", 4.2579198536265102},
                {"w", 40.382743296699758},
                {"x0", 0.49968842474289565}};
    const double x0 = 0.49968842474289565, c = 0.70913302518793764, w = 40.382743296699758,
                 p = 4.2579198536265102;
    const double jexact = (1 - x0) + c * (std::sin(w + p) - std::sin(w * x0 + p)) / w;
    const Result g = run("integration", "quad",
                         {{"f", "(x > x0)*(1 + c*cos(w*x + p))"},
                          {"a", 0},
                          {"b", 1},
                          {"constants", j},
                          {"method", "gauss_kronrod"}});
    const double gerr = std::abs(g.num("value") - jexact);
    QVERIFY2(gerr <= g.num("abserr") || !g.warnings().empty(),
             qPrintable(QString("error %1 > abserr %2").arg(gerr).arg(g.num("abserr"))));
  }

  void selectAndAnalyzeHooksAgreeWithRun() {
    const TaskSpec& t = task("integration", "quad");
    TaskContext ctx(t, t.resolveParams({{"f", "1/sqrt(1-x)"}, {"a", 0}, {"b", 1}}));
    const MethodChoice c = t.select(ctx);
    QCOMPARE(QString::fromStdString(c.method), QString("tanh_sinh"));
    const Map a = t.analyze(ctx);
    QCOMPARE(a.at("singular_upper_end").asBool(), true);
    QCOMPARE(a.at("singular_lower_end").asBool(), false);
    const Result r = run("integration", "quad", {{"f", "1/sqrt(1-x)"}, {"a", 0}, {"b", 1}});
    QCOMPARE(QString::fromStdString(r.method()), QString::fromStdString(c.method));
    // 1 - x cancels near x = 1: the last ~1e-15 of the range cannot be sampled in double precision.
    // The missing mass (~2e-8) must show up in abserr and in a warning, not be hidden.
    QVERIFY(std::abs(r.num("value") - 2.0) <= r.num("abserr"));
    QVERIFY(std::abs(r.num("value") - 2.0) < 1e-7);
    QVERIFY(contains(r.warnings(), "cannot be sampled"));
    const Result tight =
        run("integration", "quad", {{"f", "1/sqrt(1-x)"}, {"a", 0}, {"b", 1}, {"epsrel", 1e-12}});
    QVERIFY(std::abs(tight.num("value") - 2.0) <= tight.num("abserr"));
    QVERIFY(contains(tight.warnings(), "tolerance not met"));
  }

  void validateRecomputesWithAnotherRule() {
    const Map p{{"f", "ln(x)/sqrt(x)"}, {"a", 0}, {"b", 1}};
    const Result r = run("integration", "quad", p);
    const auto checks = validate("integration", "quad", p, r.outputs);
    QCOMPARE(checks.size(), std::size_t{1});
    QVERIFY2(checks[0].passed, checks[0].detail.c_str());
    QVERIFY(contains(checks[0].detail, "gauss_kronrod"));
    Map wrong = r.outputs;
    wrong["value"] = -3.9;
    QVERIFY(!validate("integration", "quad", p, wrong)[0].passed);
  }

  void badInputIsRejected() {
    QCOMPARE(runError("integration", "quad", {{"f", "x*q"}, {"a", 0}, {"b", 1}}).param(),
             std::string("f"));
    QCOMPARE(
        runError("integration", "quad", {{"f", "x"}, {"a", "minus infinity"}, {"b", 1}}).param(),
        std::string("a"));
    QCOMPARE(
        runError("integration", "quad", {{"f", "x"}, {"a", 0}, {"b", 1}, {"method", "exp_sinh"}})
            .param(),
        std::string("method"));
    QCOMPARE(
        runError("integration", "quad", {{"f", "x"}, {"a", 0}, {"b", 1}, {"points", List{2.0}}})
            .param(),
        std::string("points"));
    // A pole inside the range is a run failure naming the point, not a silent number.
    const Error e = runError("integration", "quad",
                             {{"f", "1/x"}, {"a", -1}, {"b", 1}, {"method", "gauss_kronrod"}});
    QVERIFY(e.code() == ErrorCode::RunFailed);
    QVERIFY(contains(e.what(), "x = 0"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestIntegrationQuad)

}  // namespace test_integration_quad
#include "test_integration_quad.moc"
