// special_functions.evaluate: reference values to a few ulps, SciPy conventions, broadcasting,
// domain errors, and the validate hook.
#include "test_integration_util.h"

#include <cmath>
#include <limits>

#include "tests/test_main.h"

namespace test_special_evaluate {

using namespace integ_test;

namespace {
double ulps(double got, double want) {
  return std::abs(got - want) / (std::numeric_limits<double>::epsilon() * std::abs(want));
}
double eval1(const char* fn, List args) {
  return run("special_functions", "evaluate", {{"function", fn}, {"args", args}}).num("values");
}
}  // namespace

class TestSpecialEvaluate : public QObject {
  Q_OBJECT

 private slots:
  void referenceValuesToAFewUlps() {
    QVERIFY(ulps(eval1("gamma", {0.5}), 1.77245385090551602729) <= 2);
    QVERIFY(ulps(eval1("jv", {0, 1.0}), 0.765197686557966551449) <= 4);
    QVERIFY(ulps(eval1("j0", {1.0}), 0.765197686557966551449) <= 4);
    QVERIFY(ulps(eval1("erf", {1.0}), 0.842700792949714869341) <= 2);
  }

  void scipyConventions() {
    // expn is E_n, expi is Ei (Boost's one-argument expint).
    QVERIFY(ulps(eval1("expn", {1, 1.0}), 0.21938393439552027368) <= 4);
    QVERIFY(ulps(eval1("expi", {1.0}), 1.89511781635593675547) <= 4);
    // ellipk takes the parameter m = k^2: K(m = 0.5) = 1.854074677301372.
    QVERIFY(ulps(eval1("ellipk", {0.5}), 1.85407467730137191843) <= 4);
    QVERIFY(ulps(eval1("ellipe", {0.5}), 1.35064388104767550252) <= 4);
    QVERIFY(ulps(eval1("ellipk", {-1.0}), 1.31102877714605990523) <=
            8);  // m < 0 (imaginary modulus)
    QVERIFY(ulps(eval1("gammainc", {2.0, 1.0}), 0.26424111765711535681) <= 4);
    QVERIFY(ulps(eval1("gammaincc", {2.0, 1.0}), 0.73575888234288464319) <= 4);
    QVERIFY(ulps(eval1("lambertw", {1.0}), 0.56714329040978387300) <= 4);
    QVERIFY(ulps(eval1("lambertw", {-0.2, -1}), -2.54264135777352642429) <= 8);
    QVERIFY(ulps(eval1("hyp2f1", {1.0, 1.0, 2.0, -3.0}), std::log(4.0) / 3.0) <=
            16);  // Pfaff branch
    QVERIFY(ulps(eval1("hyp2f1", {0.5, 0.5, 1.5, 0.25}), std::asin(0.5) / 0.5) <= 16);
    QVERIFY(ulps(eval1("hyp1f1", {1.0, 2.0, 1.0}), std::exp(1.0) - 1.0) <= 8);
    QVERIFY(ulps(eval1("binom", {10, 3}), 120.0) <= 1);
    QVERIFY(ulps(eval1("binom", {2.5, 1.5}), 2.5) <=
            16);  // non-integer k: Gamma(3.5) / (Gamma(2.5) Gamma(2))
    QVERIFY(ulps(eval1("factorial", {5}), 120.0) <= 1);
    QCOMPARE(eval1("factorial", {-1}), 0.0);
    QVERIFY(ulps(eval1("zeta", {2.0}), std::numbers::pi * std::numbers::pi / 6) <= 4);
    QVERIFY(ulps(eval1("eval_legendre", {3, 0.5}), -0.4375) <= 2);
    QVERIFY(ulps(eval1("lpmv", {1, 2, 0.5}), -1.299038105676658) <= 4);  // Condon-Shortley phase
    QVERIFY(ulps(eval1("eval_hermite", {3, 2.0}), 40.0) <= 2);
    QVERIFY(ulps(eval1("eval_chebyt", {4, 0.3}), 8 * 0.0081 - 8 * 0.09 + 1) <= 8);
    QVERIFY(ulps(eval1("spherical_jn", {1, 2.0}), std::sin(2.0) / 4 - std::cos(2.0) / 2) <= 8);
    QVERIFY(ulps(eval1("airy_ai", {0.0}), 0.35502805388781723926) <= 4);
    QVERIFY(ulps(eval1("kv", {0.5, 1.0}), std::sqrt(std::numbers::pi / 2) * std::exp(-1.0)) <= 8);
    QVERIFY(ulps(eval1("lgamma", {10.0}), std::log(362880.0)) <= 4);  // alias of gammaln
  }

  void broadcastingLikeNumPy() {
    const Result r = run("special_functions", "evaluate",
                         {{"function", "jv"}, {"args", List{List{0, 1, 2}, 1.5}}});
    const Vector& v = r.out("values").asVector();
    QCOMPARE(v.size(), 3);
    QVERIFY(std::abs(v[1] - 0.5579365079100996) < 1e-15);
    const Result s = run("special_functions", "evaluate",
                         {{"function", "gamma"}, {"args", List{List{1, 2, 3, 4}}}});
    QCOMPARE(s.out("values").asVector(), (Vector(4) << 1, 1, 2, 6).finished());
    QCOMPARE(runError("special_functions", "evaluate",
                      {{"function", "jv"}, {"args", List{List{0, 1}, List{1, 2, 3}}}})
                 .param(),
             std::string("args"));
    const Error arity =
        runError("special_functions", "evaluate", {{"function", "jv"}, {"args", List{1.0}}});
    QVERIFY(contains(arity.what(), "jv(v, x)"));
    const Error unknown =
        runError("special_functions", "evaluate", {{"function", "gamma_fn"}, {"args", List{1.0}}});
    QCOMPARE(unknown.param(), std::string("function"));
  }

  void domainErrorsAreNamed() {
    const Result r = run("special_functions", "evaluate",
                         {{"function", "gamma"}, {"args", List{List{-1, 0.5}}}});
    QVERIFY(std::isnan(r.out("values").asVector()[0]));
    QVERIFY(contains(r.warnings(), "gamma(x=-1)"));
    const Error e = runError("special_functions", "evaluate",
                             {{"function", "erfinv"}, {"args", List{2.0}}, {"errors", "raise"}});
    QCOMPARE(e.param(), std::string("args"));
    QVERIFY(contains(e.what(), "erfinv(y=2)"));
    const Result ov =
        run("special_functions", "evaluate", {{"function", "gamma"}, {"args", List{200.0}}});
    QVERIFY(std::isinf(ov.num("values")));
    QVERIFY(contains(ov.warnings(), "gamma(x=200)"));
    QVERIFY(std::isnan(run("special_functions", "evaluate",
                           {{"function", "eval_legendre"}, {"args", List{2.5, 0.1}}})
                           .num("values")));
  }

  void validateSpotChecks() {
    for (const char* fn : {"gamma", "jv", "erf", "eval_legendre", "lambertw"}) {
      const List args =
          std::string(fn) == "gamma" || std::string(fn) == "erf" || std::string(fn) == "lambertw"
              ? List{List{0.3, 1.7, 4.2, 9.9}}
              : List{List{0, 1, 3, 5}, 0.7};
      const Map p{{"function", fn}, {"args", args}};
      const Result r = run("special_functions", "evaluate", p);
      const auto checks = validate("special_functions", "evaluate", p, r.outputs);
      QVERIFY(!checks.empty());
      for (const auto& c : checks) QVERIFY2(c.passed, (std::string(fn) + ": " + c.detail).c_str());
      Map wrong = r.outputs;
      Vector w = r.out("values").asVector();
      w[0] *= 1 + 1e-6;
      wrong["values"] = w;
      QVERIFY2(!validate("special_functions", "evaluate", p, wrong)[0].passed, fn);
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSpecialEvaluate)

}  // namespace test_special_evaluate
#include "test_special_evaluate.moc"
