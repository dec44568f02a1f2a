// Accuracy bars of the uq agent (REFERENCE_PROBLEMS.md, UQ section): Ishigami Sobol indices at
// N = 2^14 within 0.02 with 95% intervals covering the truth, rare-event probability of a linear
// limit state against Phi(-beta), Monte Carlo moments against closed forms.
#include "uq_test_util.h"

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <numbers>

#include "tests/test_main.h"

namespace test_uq_accuracy {

using namespace uq_test;

class TestUqAccuracy : public QObject {
  Q_OBJECT

 private slots:
  void ishigamiSobolIndices() {
    const auto r = run("sobol", ishigamiParams(R"(,"n":16384,"seed":7,"bootstrap":100)"), 2);
    const double s1[3] = {0.313905, 0.442411, 0.0}, st[3] = {0.557589, 0.442411, 0.243684};
    const Vector S1 = r.out("S1").asVector(), ST = r.out("ST").asVector();
    const Vector c1 = r.out("S1_conf").asVector(), ct = r.out("ST_conf").asVector();
    for (int i = 0; i < 3; ++i) {
      qInfo("x%d: S1 = %.5f +- %.5f (truth %.6f), ST = %.5f +- %.5f (truth %.6f)", i + 1, S1[i],
            c1[i], s1[i], ST[i], ct[i], st[i]);
      QVERIFY(std::abs(S1[i] - s1[i]) < 0.02);
      QVERIFY(std::abs(ST[i] - st[i]) < 0.02);
      QVERIFY2(std::abs(S1[i] - s1[i]) <= c1[i], "S1 interval covers the truth");
      QVERIFY2(std::abs(ST[i] - st[i]) <= ct[i], "ST interval covers the truth");
      QVERIFY(c1[i] > 0 && c1[i] < 0.05 && ct[i] > 0 && ct[i] < 0.05);
    }
    QCOMPARE(r.out("evaluations").asInt(), std::int64_t{16384 * 5});
    QVERIFY(std::abs(r.out("mean").asDouble() - 3.5) < 0.05);
    QVERIFY(std::abs(r.out("variance").asDouble() - 13.8445879407) / 13.8445879407 < 0.02);
  }

  void rareEventLinearLimitState() {
    // g = 3.5*sqrt(2) - x1 - x2 with standard normals: P(g <= 0) = Phi(-3.5) = 2.326e-4.
    const double exact = boost::math::cdf(boost::math::normal(), -3.5);
    const std::string in =
        R"([{"name":"x1","dist":"normal","mu":0,"sigma":1},{"name":"x2","dist":"normal","mu":0,"sigma":1}])";
    const auto is = run("rare_event", R"({"model":"3.5*sqrt(2) - x1 - x2","inputs":)" + in +
                                          R"(,"n":20000,"seed":3})");
    const double p = is.out("probability").asDouble();
    const Vector ci = is.out("interval").asVector();
    qInfo("importance sampling: P = %.4e in [%.4e, %.4e], exact %.4e, %lld evaluations", p, ci[0],
          ci[1], exact, static_cast<long long>(is.out("evaluations").asInt()));
    QVERIFY(std::abs(p - exact) / exact < 0.05);
    QVERIFY(ci[0] <= exact && exact <= ci[1]);
    QVERIFY(std::abs(is.out("form_beta").asDouble() - 3.5) < 1e-3);
    // Non-standard inputs: R ~ N(10, 1), S ~ N(5, 1): P(R - S <= 0) = Phi(-5/sqrt(2)) (beta
    // = 3.536).
    const std::string rs =
        R"([{"name":"R","dist":"normal","mu":10,"sigma":1},{"name":"S","dist":"normal","mu":5,"sigma":1}])";
    const auto is2 =
        run("rare_event", R"({"model":"R - S","inputs":)" + rs + R"(,"n":20000,"seed":4})");
    const double exact2 = boost::math::cdf(boost::math::normal(), -5 / std::sqrt(2.0));
    QVERIFY(std::abs(is2.out("probability").asDouble() - exact2) / exact2 < 0.05);
    // Crude MC on a moderately rare event: P(x1 + x2 > 2*sqrt(2)) = Phi(-2) = 0.02275.
    const double exact3 = boost::math::cdf(boost::math::normal(), -2.0);
    const auto mc =
        run("rare_event", R"({"model":"x1 + x2","threshold":2.8284271247461903,"failure":"above",
                                          "method":"mc","inputs":)" +
                              in + R"(,"n":200000,"seed":5})");
    const Vector mci = mc.out("interval").asVector();
    qInfo("crude MC: P = %.5f in [%.5f, %.5f], exact %.5f", mc.out("probability").asDouble(),
          mci[0], mci[1], exact3);
    QVERIFY(mci[0] <= exact3 && exact3 <= mci[1]);
  }

  void monteCarloMomentsOfLognormal() {
    // y = k with k ~ lognormal(0, 0.5): mean e^0.125, variance (e^0.25 - 1) e^0.25.
    const auto r =
        run("monte_carlo",
            R"({"model":"k","inputs":[{"name":"k","dist":"lognormal","mu":0,"sigma":0.5}],
                                         "n":200000,"seed":11})");
    const double mean = std::exp(0.125), var = (std::exp(0.25) - 1) * std::exp(0.25);
    const Vector ci = r.out("ci").asVector();
    QVERIFY(ci[0] <= mean && mean <= ci[1]);
    QVERIFY(std::abs(r.out("variance").asDouble() - var) / var < 0.03);
    QVERIFY(std::abs(r.out("quantiles").asVector()[2] - 1.0) < 0.01);  // median e^0
  }

  void everyDistributionHasItsMoments() {
    const char* cases[] = {
        R"({"name":"v","dist":"uniform","a":2,"b":5})",
        R"({"name":"v","dist":"normal","mu":-1,"sigma":2})",
        R"({"name":"v","dist":"beta","alpha":2,"beta":5,"a":1,"b":3})",
        R"({"name":"v","dist":"triangular","a":0,"c":1,"b":4})",
        R"({"name":"v","dist":"truncnormal","mu":0,"sigma":1,"a":-0.5,"b":2})",
    };
    // Closed-form means and standard deviations of the same distributions.
    const double mean[] = {3.5, -1, 1 + 2 * 2.0 / 7, 5.0 / 3, 0.0},
                 sd[] = {3 / std::sqrt(12.0), 2, 2 * std::sqrt(10.0 / 392), std::sqrt(13.0 / 18),
                         0};
    for (int c = 0; c < 5; ++c) {
      const auto r =
          run("monte_carlo",
              std::string(R"({"model":"v","n":100000,"sampling":"lhs","seed":1,"inputs":[)") +
                  cases[c] + "]}");
      if (c == 4) {  // truncated normal: check against numerical moments of the density instead
        const double a = -0.5, b = 2,
                     Z = 0.5 * (std::erf(b / std::sqrt(2.0)) - std::erf(a / std::sqrt(2.0)));
        const double pa = std::exp(-a * a / 2) / std::sqrt(2 * std::numbers::pi),
                     pb = std::exp(-b * b / 2) / std::sqrt(2 * std::numbers::pi);
        const double m = (pa - pb) / Z, v = 1 + (a * pa - b * pb) / Z - m * m;
        QVERIFY(std::abs(r.out("mean").asDouble() - m) < 2e-3);
        QVERIFY(std::abs(r.out("std").asDouble() - std::sqrt(v)) < 2e-3);
        continue;
      }
      QVERIFY2(std::abs(r.out("mean").asDouble() - mean[c]) < 2e-3 * (1 + sd[c]), cases[c]);
      QVERIFY2(std::abs(r.out("std").asDouble() - sd[c]) < 3e-3 * sd[c] + 1e-4, cases[c]);
    }
  }

  void confidenceIntervalsCoverAtTheirLevel() {
    // 200 data sets of 40 normal values: the 95% t interval of the mean covers mu in about 95%.
    int covered = 0, covered_bca = 0;
    for (int s = 0; s < 200; ++s) {
      const auto data = run(
          "monte_carlo",
          R"({"model":"z","n":40,"seed":)" + std::to_string(100 + s) +
              R"(,"return_samples":true,"inputs":[{"name":"z","dist":"normal","mu":3,"sigma":2}]})");
      const std::string vals = toJson(data.out("values")).dump();
      const auto t = run("confidence_interval", R"({"data":)" + vals + "}");
      const Vector ci = t.out("interval").asVector();
      covered += ci[0] <= 3 && 3 <= ci[1];
      if (s < 60) {
        const auto b =
            run("confidence_interval",
                R"({"data":)" + vals + R"(,"statistic":"median","bootstrap":1000,"seed":1})");
        const Vector bi = b.out("interval").asVector();
        covered_bca += bi[0] <= 3 && 3 <= bi[1];
      }
    }
    qInfo("t coverage %d/200, BCa median coverage %d/60", covered, covered_bca);
    QVERIFY(covered >= 180 && covered <= 199);  // binomial(200, 0.95): 99.9% within this range
    QVERIFY(covered_bca >= 50);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestUqAccuracy)

}  // namespace test_uq_accuracy
#include "test_uq_accuracy.moc"
