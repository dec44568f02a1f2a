// Accuracy bars of the uq agent (REFERENCE_PROBLEMS.md, UQ section): Ishigami Sobol indices at
// N = 2^14 within 0.02 with 95% intervals covering the truth, rare-event probability of a linear
// limit state against Phi(-beta), Monte Carlo moments against closed forms.
#include "core/workflow/workflow_engine.h"
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
  // Morris on f = 2 x1 - 3 x2 + x3 x4 + 0 x5 (x5 normal: unbounded): every elementary effect (per
  // unit of quantile level, EE = a (hi - lo) for a term a x of a uniform input) has a closed form,
  // EE1 = 2 (1 - 0), EE2 = -3 (1 - -1), EE3 = x4 (2 - 0) and EE4 = x3 (3 - 1) at the point where
  // the input moved, EE5 = 0, and mu, mu*, sigma follow from them.
  void morrisElementaryEffectsOfLinearPlusInteraction() {
    const auto r = run("morris", R"({"model":"2*x1 - 3*x2 + x3*x4 + 0*x5","inputs":[
        {"name":"x1","dist":"uniform","a":0,"b":1},{"name":"x2","dist":"uniform","a":-1,"b":1},
        {"name":"x3","dist":"uniform","a":0,"b":2},{"name":"x4","dist":"uniform","a":1,"b":3},
        {"name":"x5","dist":"normal","mu":0,"sigma":1}],
        "trajectories":30,"levels":6,"seed":3})");
    const Matrix ee = r.out("effects").asMatrix(), x = r.out("design").asMatrix();
    QCOMPARE(ee.rows(), Eigen::Index(30));
    QCOMPARE(x.rows(), Eigen::Index(30 * 6));
    QCOMPARE(r.out("evaluations").asInt(), std::int64_t{180});
    int checked_interaction = 0;
    for (Eigen::Index t = 0; t < 30; ++t) {
      QVERIFY(std::abs(ee(t, 0) - 2) < 1e-12);
      QVERIFY(std::abs(ee(t, 1) + 6) < 1e-12);
      QVERIFY(std::abs(ee(t, 4)) < 1e-12);
      for (Eigen::Index k = 1; k <= 5; ++k) {  // the row where x3 or x4 moved
        const Eigen::Index row = t * 6 + k;
        for (int j : {2, 3}) {
          if (x(row, j) == x(row - 1, j)) continue;
          QVERIFY((x.row(row) - x.row(row - 1)).cwiseAbs().sum() ==
                  std::abs(x(row, j) - x(row - 1, j)));
          const double other = x(row, 5 - j);  // x4 for x3, x3 for x4
          QVERIFY2(std::abs(ee(t, j) - 2 * other) < 1e-12,
                   "EE of a product is the other factor times the range");
          ++checked_interaction;
        }
      }
    }
    QCOMPARE(checked_interaction, 60);
    const Vector mu = r.out("mu").asVector(), mu_star = r.out("mu_star").asVector(),
                 sigma = r.out("sigma").asVector();
    QVERIFY(std::abs(mu[1] + 6) < 1e-12 && std::abs(mu_star[1] - 6) < 1e-12 && sigma[1] < 1e-12);
    QVERIFY(std::abs(mu_star[2] - ee.col(2).cwiseAbs().mean()) < 1e-12);
    QVERIFY(sigma[2] > 0.1 && sigma[3] > 0.1);  // the interaction shows in sigma
    QCOMPARE(r.out("ranking").asList()[0].asString(), std::string("x2"));
    QCOMPARE(r.out("ranking").asList()[4].asString(), std::string("x5"));
    // Levels must be even; the same seed gives the same design.
    expectParamError(
        "morris",
        R"({"model":"x1","inputs":[{"name":"x1","dist":"uniform","a":0,"b":1}],"levels":5})",
        "levels", "must be even");
  }

  // Grouped Sobol indices of Ishigami: the closed index of {x1, x2} is S1 + S2 + S12 = 0.7563
  // (S12 = 0) and its total 1 - S3 = 1; the group {x3} has S1 = 0 and ST = 0.2437.
  void groupedSobolIndices() {
    const auto r = run(
        "sobol",
        ishigamiParams(R"(,"n":16384,"seed":5,"bootstrap":50,"groups":{"a":["x1","x2"],"b":"x3"})"),
        2);
    QCOMPARE(r.out("names").asList()[0].asString(), std::string("a"));
    const Vector S1 = r.out("S1").asVector(), ST = r.out("ST").asVector();
    qInfo("group a: S1 %.4f ST %.4f; group b: S1 %.4f ST %.4f", S1[0], ST[0], S1[1], ST[1]);
    QVERIFY(std::abs(S1[0] - 0.756316) < 0.02 && std::abs(ST[0] - 1.0) < 0.02);
    QVERIFY(std::abs(S1[1]) < 0.02 && std::abs(ST[1] - 0.243684) < 0.02);
    QCOMPARE(r.out("evaluations").asInt(), std::int64_t{16384 * 4});
    expectParamError("sobol", ishigamiParams(R"(,"groups":{"a":["x1"],"b":["x1","x3"]})"), "groups",
                     "input 'x1' is in group 'a' and in group 'b'");
    expectParamError("sobol", ishigamiParams(R"(,"groups":{"a":["x1","x3"]})"), "groups",
                     "input 'x2' is in no group");
  }

  // Time-dependent Sobol indices of y(t) = x1 + x2 t (dy/dt = x2, y(0) = x1, x1 and x2 uniform on
  // [-1, 1], x3 without effect): S1_x1(t) = 1/(1+t^2), S1_x2(t) = t^2/(1+t^2), against the times
  // of the ODE step's output.
  void timeDependentSobolIndices() {
    RunOptions options;
    options.use_cache = false;
    options.threads = 2;
    const auto result = WorkflowEngine(AgentRegistry::builtin())
                            .run(parseWorkflow(R"({"sciagents":1,"steps":[
      {"id":"sim","agent":"ode_pde","task":"ivp","params":{"rhs":["b + 0*c"],"states":["y"],"y0":[0],
        "t_span":[0,2],"t_eval":{"linspace":[0,2,5]},"constants":{"b":0,"c":0},"rtol":1e-10,"atol":1e-12}},
      {"id":"sens","agent":"uq","task":"sobol","params":{
        "model":{"step":"sim","input":["y0[0]","constants.b","constants.c"],"output":"y"},
        "inputs":[{"name":"x1","dist":"uniform","a":-1,"b":1},{"name":"x2","dist":"uniform","a":-1,"b":1},
                  {"name":"x3","dist":"uniform","a":-1,"b":1}],
        "n":2048,"seed":4,"bootstrap":0,"output_axis":{"from":"sim.t"}}}]})"),
                                 options);
    const StepResult* sens = result.step("sens");
    QVERIFY2(sens->status == StepStatus::Succeeded, sens->error.c_str());
    const Table& c = sens->outputs.at("components").asTable();
    QCOMPARE(c.columns, (std::vector<std::string>{"axis", "S1 x1", "S1 x2", "S1 x3", "ST x1",
                                                  "ST x2", "ST x3", "variance", "mean"}));
    Matrix S1(5, 3), ST(5, 3);
    for (int j = 0; j < 3; ++j) {
      S1.col(j) = c.data[static_cast<std::size_t>(1 + j)].asVector();
      ST.col(j) = c.data[static_cast<std::size_t>(4 + j)].asVector();
    }
    const Vector t = c.data[0].asVector();
    QCOMPARE(t.size(), Eigen::Index(5));
    QCOMPARE(t[4], 2.0);  // the ODE's output times
    double weight = 0, weighted_x1 = 0;
    for (Eigen::Index k = 0; k < 5; ++k) {
      const double t2 = t[k] * t[k], s1 = 1 / (1 + t2), s2 = t2 / (1 + t2);
      qInfo("t = %.1f: S1 = %.4f %.4f %.4f (exact %.4f %.4f 0)", t[k], S1(k, 0), S1(k, 1), S1(k, 2),
            s1, s2);
      QVERIFY(std::abs(S1(k, 0) - s1) < 0.03 && std::abs(S1(k, 1) - s2) < 0.03);
      QVERIFY(std::abs(ST(k, 0) - s1) < 0.03 && std::abs(ST(k, 1) - s2) < 0.03);
      QVERIFY(std::abs(S1(k, 2)) < 0.03 && std::abs(ST(k, 2)) < 0.03);
      weight += (1 + t2) / 3;
      weighted_x1 += 1.0 / 3;
    }
    // The aggregate weighs each time by its variance.
    QVERIFY(std::abs(sens->outputs.at("S1").asVector()[0] - weighted_x1 / weight) < 0.03);
    QVERIFY(std::abs(sens->outputs.at("variance").asDouble() - weight) / weight < 0.05);
  }
  // Fitting distributions: samples made of exact quantiles of a normal, a lognormal and a uniform
  // are each recognised (lowest AIC) with their parameters; the goodness-of-fit table ranks every
  // candidate, a wrong family is rejected by the KS test, and the best fit is an input spec.
  void fitDistributionRecognisesTheFamily() {
    const auto quantiles = [](auto q, int n = 400) {
      std::string data = "[";
      for (int i = 1; i <= n; ++i) data += (i > 1 ? "," : "") + std::to_string(q((i - 0.5) / n));
      return data + "]";
    };
    boost::math::normal_distribution<> z;
    const std::string normal =
        quantiles([&](double u) { return 3 + 2 * boost::math::quantile(z, u); });
    const std::string lognormal =
        quantiles([&](double u) { return std::exp(0.5 + 0.8 * boost::math::quantile(z, u)); });
    // (2000 values: enough for KS to tell a normal from a uniform of the same mean and spread.)
    const std::string uniform = quantiles([](double u) { return -1 + 4 * u; }, 2000);
    auto r = run("fit_distribution", R"({"data":)" + normal + R"(,"name":"load"})");
    QCOMPARE(r.out("best").asString(), std::string("normal"));
    const Map in = r.out("input").asMap();
    QCOMPARE(in.at("name").asString(), std::string("load"));
    QVERIFY(std::abs(in.at("mu").asDouble() - 3) < 1e-3 &&
            std::abs(in.at("sigma").asDouble() - 2) < 0.02);
    const Table& t = r.out("table").asTable();
    QCOMPARE(t.columns[0], std::string("dist"));
    QCOMPARE(t.data[0].asList().size(), std::size_t(4));  // lognormal needs positive data
    QVERIFY(r.out("ks_pvalue").asDouble() > 0.9);
    r = run("fit_distribution", R"({"data":)" + lognormal + "}");
    QCOMPARE(r.out("best").asString(), std::string("lognormal"));
    QVERIFY(std::abs(r.out("input").asMap().at("sigma").asDouble() - 0.8) < 0.01);
    r = run("fit_distribution", R"({"data":)" + uniform + "}");
    QCOMPARE(r.out("best").asString(), std::string("uniform"));
    QVERIFY(std::abs(r.out("input").asMap().at("a").asDouble() + 1) < 0.02);
    // A normal fit to uniform data is rejected by KS; the uniform fit is not.
    const Table& u = r.out("table").asTable();
    for (std::size_t i = 0; i < u.data[0].asList().size(); ++i) {
      const std::string d = u.data[0].asList()[i].asString();
      const double p = u.data[6].asVector()[static_cast<Eigen::Index>(i)];
      if (d == "normal") QVERIFY2(p < 0.05, qPrintable(QString::number(p)));
      if (d == "uniform") QVERIFY2(p > 0.5, qPrintable(QString::number(p)));
    }
    expectParamError("fit_distribution", R"({"data":[1,2,3]})", "data", "at least 5");
    expectParamError("fit_distribution", R"({"data":[1,2,3,4,5],"candidates":["gamma"]})",
                     "candidates", "unknown distribution 'gamma'");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestUqAccuracy)

}  // namespace test_uq_accuracy
#include "test_uq_accuracy.moc"
