// Unit tests of the uq tasks run directly (expression models): errors name the param, designs
// have their defining properties, results are reproducible.
#include "uq_test_util.h"

#include <cmath>
#include <set>

#include "tests/test_main.h"

namespace test_uq_tasks {

using namespace uq_test;

namespace {
const std::string kTwoUniform =
    R"([{"name":"a","dist":"uniform","a":0,"b":1},{"name":"b","dist":"uniform","a":0,"b":2}])";
}

class TestUqTasks : public QObject {
  Q_OBJECT

 private slots:
  void badInputsNameTheParam() {
    expectParamError("monte_carlo", R"({"model":"a","inputs":[{"name":"a","dist":"gamma","k":1}]})",
                     "inputs", "unknown distribution 'gamma'");
    expectParamError("monte_carlo",
                     R"({"model":"a","inputs":[{"name":"a","dist":"normal","mu":0,"sigma":0}]})",
                     "inputs", "sigma > 0");
    expectParamError("monte_carlo",
                     R"({"model":"a","inputs":[{"name":"a","dist":"uniform","a":2,"b":1}]})",
                     "inputs", "a < b");
    expectParamError("monte_carlo",
                     R"({"model":"a","inputs":[{"name":"a","dist":"uniform","a":0}]})", "inputs",
                     "needs \"b\"");
    expectParamError("monte_carlo",
                     R"({"model":"a","inputs":[{"name":"a","dist":"uniform","a":0,"b":1,"c":3}]})",
                     "inputs", "unknown field \"c\"");
    expectParamError("monte_carlo", R"({"model":"q + a","inputs":)" + kTwoUniform + "}", "model",
                     "unknown variable 'q'");
    expectParamError("monte_carlo", R"({"model":"a/0","inputs":)" + kTwoUniform + "}", "model",
                     "sample #0");
    expectParamError("monte_carlo", R"({"model":"a","n":3,"inputs":)" + kTwoUniform + "}", "n", "");
    expectParamError("monte_carlo",
                     R"({"model":"a","inputs":)" + kTwoUniform + R"(,"correlation":[[1,2],[2,1]]})",
                     "correlation", "(-1, 1)");
    expectParamError(
        "sobol", R"({"model":"a","inputs":)" + kTwoUniform + R"(,"correlation":[[1,0.5],[0.5,1]]})",
        "correlation", "unknown parameter");
    expectParamError("sobol", R"({"model":"a","inputs":)" + kTwoUniform + R"(,"n":8})", "n", "");
    expectParamError(
        "monte_carlo",
        R"({"model":{"step":"sim","input":"constants.k","output":"y_final[0]"},"inputs":)" +
            kTwoUniform + "}",
        "model", "workflow engine");
    expectParamError("confidence_interval", R"({"data":[1,2,3],"statistic":"median","method":"t"})",
                     "method", "mean only");
    expectParamError("confidence_interval", R"({})", "data", "either");
  }

  void sameSeedSameResultAnyThreads() {
    const std::string p = ishigamiParams(R"(,"n":1024,"seed":5,"bootstrap":64)");
    const auto r1 = run("sobol", p, 1), r2 = run("sobol", p, 2), r3 = run("sobol", p, 3);
    for (const char* k : {"S1", "ST", "S1_conf", "ST_conf"}) {
      QVERIFY(r1.out(k).asVector() == r2.out(k).asVector());
      QVERIFY(r1.out(k).asVector() == r3.out(k).asVector());
    }
    const auto other = run("sobol", ishigamiParams(R"(,"n":1024,"seed":6,"bootstrap":64)"));
    QVERIFY(other.out("S1").asVector() != r1.out("S1").asVector());
    const std::string ci = R"({"data":[1,5,2,8,3,9,4,4,7,1,0,3],"statistic":"std","seed":2})";
    QCOMPARE(run("confidence_interval", ci, 1).out("interval").asVector(),
             run("confidence_interval", ci, 2).out("interval").asVector());
  }

  void monteCarloReportsEverything() {
    const auto r =
        run("monte_carlo",
            R"({"model":"a + b","n":5000,"seed":1,"bins":10,"return_samples":true,"inputs":)" +
                kTwoUniform + "}");
    QVERIFY(std::abs(r.out("mean").asDouble() - 1.5) < 0.03);
    QVERIFY(std::abs(r.out("variance").asDouble() - (1.0 / 12 + 4.0 / 12)) < 0.02);
    const Table& h = r.out("histogram").asTable();
    QCOMPARE(h.columns.size(), size_t(4));
    QCOMPARE(h.data[2].asVector().sum(), 5000.0);
    QCOMPARE(r.out("samples").asMatrix().rows(), Eigen::Index(5000));
    QCOMPARE(r.out("values").asVector().size(), Eigen::Index(5000));
    for (const char* d : {"method", "seed", "model", "inputs", "evaluations", "ci_halfwidth"})
      QVERIFY2(r.diagnostics.count(d), d);
    const Vector q = r.out("quantiles").asVector();
    for (Eigen::Index i = 1; i < q.size(); ++i) QVERIFY(q[i] >= q[i - 1]);
  }

  void correlatedNormalsHaveTheirCorrelation() {
    const auto r = run("monte_carlo", R"({"model":"u","n":20000,"seed":3,"return_samples":true,
        "inputs":[{"name":"u","dist":"normal","mu":1,"sigma":2},{"name":"v","dist":"normal","mu":0,"sigma":1}],
        "correlation":[[1,0.7],[0.7,1]]})");
    const Matrix x = r.out("samples").asMatrix();
    const Vector a = x.col(0).array() - x.col(0).mean(), b = x.col(1).array() - x.col(1).mean();
    const double rho = a.dot(b) / std::sqrt(a.squaredNorm() * b.squaredNorm());
    QVERIFY(std::abs(rho - 0.7) < 0.02);
    QVERIFY(std::abs(x.col(0).mean() - 1) < 0.05);
  }

  void latinHypercubeIsStratifiedAndMaximinHelps() {
    const std::string in =
        R"([{"name":"p","dist":"uniform","a":0,"b":1},{"name":"q","dist":"uniform","a":0,"b":1},
                               {"name":"r","dist":"normal","mu":0,"sigma":1}])";
    const auto plain = run("lhs", R"({"n":40,"criterion":"none","seed":9,"inputs":)" + in + "}");
    const auto mm =
        run("lhs", R"({"n":40,"criterion":"maximin","seed":9,"model":"p+q","inputs":)" + in + "}");
    for (const auto* r : {&plain, &mm}) {
      const Matrix u = r->out("unit_design").asMatrix();
      for (Eigen::Index j = 0; j < u.cols(); ++j) {
        std::set<int> strata;
        for (Eigen::Index i = 0; i < u.rows(); ++i)
          strata.insert(static_cast<int>(std::floor(u(i, j) * 40)));
        QCOMPARE(strata.size(), size_t(40));  // one point per stratum
      }
    }
    QVERIFY(mm.out("min_distance").asDouble() > plain.out("min_distance").asDouble());
    QVERIFY(mm.out("cl2_discrepancy").asDouble() > 0);
    QCOMPARE(mm.out("values").asVector().size(), Eigen::Index(40));
    const Matrix x = mm.out("design").asMatrix();
    QCOMPARE(mm.out("values").asVector()[3], x(3, 0) + x(3, 1));
  }

  void confidenceIntervalMethods() {
    // t interval of the mean against the textbook formula for 1..10: mean 5.5, s = 3.02765,
    // t(0.975, 9) = 2.26216.
    const auto t = run("confidence_interval", R"({"data":[1,2,3,4,5,6,7,8,9,10]})");
    QCOMPARE(t.method(), std::string("t"));
    const Vector ci = t.out("interval").asVector();
    const double half = 2.2621571627 * 3.0276503541 / std::sqrt(10.0);
    QVERIFY(std::abs(ci[0] - (5.5 - half)) < 1e-8 && std::abs(ci[1] - (5.5 + half)) < 1e-8);
    const auto pct = run("confidence_interval",
                         R"({"data":[1,2,3,4,5,6,7,8,9,10],"method":"percentile","seed":1})");
    const Vector pi = pct.out("interval").asVector();
    QVERIFY(pi[0] < 5.5 && 5.5 < pi[1] && pi[0] >= 1 && pi[1] <= 10);
    const auto q =
        run("confidence_interval",
            R"({"data":[1,2,3,4,5,6,7,8,9,10],"statistic":"quantile","q":0.9,"seed":1})");
    QCOMPARE(q.method(), std::string("bca"));
    QCOMPARE(q.out("estimate").asDouble(), 9.1);
    QVERIFY(q.diagnostics.count("acceleration"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestUqTasks)

}  // namespace test_uq_tasks
#include "test_uq_tasks.moc"
