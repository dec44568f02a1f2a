// Unit tests of surrogate.pce: orthonormal families, Sobol indices mapped to the right inputs
// (asymmetric function with closed-form indices), exactness on polynomials, errors naming the
// param.
#include "surrogate_test_util.h"

#include "core/agents/surrogate/pce_basis.h"

#include <cmath>

#include "tests/test_main.h"

namespace test_surrogate_pce {

using namespace surrogate_test;
using namespace sciagents::core::agents::surrogate;

class TestSurrogatePce : public QObject {
  Q_OBJECT

 private slots:
  void familiesAreOrthonormal() {
    // Legendre: midpoint rule on [-1, 1] with density 1/2; Hermite: Gauss-weighted trapezoid on
    // [-12, 12].
    const int p = 8, m = 200000;
    Matrix gl = Matrix::Zero(p + 1, p + 1), gh = Matrix::Zero(p + 1, p + 1);
    std::vector<double> v(p + 1);
    for (int i = 0; i < m; ++i) {
      const double xi = -1 + (i + 0.5) * 2.0 / m;
      orthonormalValues(PceVariable::Family::Legendre, xi, p, v.data());
      for (int a = 0; a <= p; ++a)
        for (int b = 0; b <= p; ++b) gl(a, b) += v[a] * v[b] / m;
      const double z = -12 + (i + 0.5) * 24.0 / m,
                   w = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI) * 24.0 / m;
      orthonormalValues(PceVariable::Family::Hermite, z, p, v.data());
      for (int a = 0; a <= p; ++a)
        for (int b = 0; b <= p; ++b) gh(a, b) += v[a] * v[b] * w;
    }
    QVERIFY((gl - Matrix::Identity(p + 1, p + 1)).cwiseAbs().maxCoeff() < 1e-6);
    QVERIFY((gh - Matrix::Identity(p + 1, p + 1)).cwiseAbs().maxCoeff() < 1e-9);
    QCOMPARE(totalDegreeIndices(3, 4).size(), basisSize(3, 4));
    QCOMPARE(basisSize(3, 12), std::size_t{455});
  }

  void sobolIndicesGoToTheRightInputs() {
    // f = x1^2 + 3 x3 + x2 x3, x1 ~ U[0, 2], x2 ~ N(1, 0.5), x3 ~ U[-1, 1]: x2 acts only through
    // its interaction with x3. V1 = 16/5 - 16/9, V3 = 16/3, V23 = 0.25/3.
    const double v1 = 16.0 / 5 - 16.0 / 9, v3 = 16.0 / 3, v23 = 0.25 / 3, V = v1 + v3 + v23;
    const json inputs =
        json::array({uniformInput("x1", 0, 2),
                     json{{"name", "x2"}, {"dist", "normal"}, {"mu", 1}, {"sigma", 0.5}},
                     uniformInput("x3", -1, 1)});
    const auto r =
        run("pce",
            json{{"model", "x1^2 + 3*x3 + x2*x3"}, {"inputs", inputs}, {"degree", 3}, {"seed", 4}});
    const Vector S1 = r.out("S1").asVector(), ST = r.out("ST").asVector();
    const double s1[3] = {v1 / V, 0, v3 / V}, st[3] = {v1 / V, v23 / V, (v3 + v23) / V};
    for (int i = 0; i < 3; ++i) {
      qInfo("x%d: S1 %.8f (exact %.8f), ST %.8f (exact %.8f)", i + 1, S1[i], s1[i], ST[i], st[i]);
      QVERIFY(std::abs(S1[i] - s1[i]) < 1e-10);
      QVERIFY(std::abs(ST[i] - st[i]) < 1e-10);
    }
    QVERIFY(std::abs(r.out("mean").asDouble() - (4.0 / 3 + 0)) < 1e-10);
    QVERIFY(std::abs(r.out("variance").asDouble() - V) < 1e-10);
    QVERIFY(r.out("loo_error").asDouble() < 1e-20);
    QCOMPARE(r.out("basis_size").asInt(), std::int64_t{20});
    QCOMPARE(r.out("n").asInt(), std::int64_t{60});
    // the same with given training data and a prediction
    const auto g = run("pce", json{{"xtrain", matrixJson(r.out("xtrain").asMatrix())},
                                   {"ytrain", vectorJson(r.out("ytrain").asVector())},
                                   {"inputs", inputs},
                                   {"degree", 2},
                                   {"xtest", json::array({json::array({1.5, 2.0, -0.5})})}});
    QVERIFY(std::abs(g.out("prediction").asVector()[0] - (2.25 - 1.5 - 1.0)) < 1e-10);
    QVERIFY((g.out("ST").asVector() - r.out("ST").asVector()).cwiseAbs().maxCoeff() < 1e-10);
  }

  void lognormalInputsUseHermiteInLog() {
    // f = log(k)^2 with log k ~ N(0.5, 0.3): mean 0.25 + 0.09, variance 2 s^4 + 4 m^2 s^2.
    const json inputs =
        json::array({json{{"name", "k"}, {"dist", "lognormal"}, {"mu", 0.5}, {"sigma", 0.3}}});
    const auto r =
        run("pce", json{{"model", "ln(k)^2"}, {"inputs", inputs}, {"degree", 2}, {"seed", 1}});
    QVERIFY(std::abs(r.out("mean").asDouble() - 0.34) < 1e-10);
    QVERIFY(std::abs(r.out("variance").asDouble() - (2 * 0.0081 + 4 * 0.25 * 0.09)) < 1e-10);
  }

  void badInputsNameTheParam() {
    const json two = json::array({uniformInput("a", 0, 1), uniformInput("b", 0, 1)});
    expectParamError("pce", json{{"model", "a+b"}, {"inputs", two}, {"degree", 4}, {"n", 10}}, "n",
                     "fewer than the 15");
    expectParamError(
        "pce",
        json{{"xtrain", json::array({json::array({0.1, 0.2}), json::array({0.3, 0.4})})},
             {"ytrain", {1.0, 2.0}},
             {"inputs", two},
             {"degree", 2}},
        "degree", "n >= P");
    expectParamError(
        "pce",
        json{{"model", "a"},
             {"inputs",
              json::array({json{{"name", "a"}, {"dist", "beta"}, {"alpha", 2}, {"beta", 3}}})}},
        "inputs", "no orthonormal family");
    expectParamError(
        "pce", json{{"xtrain", {0.1, 0.2, 0.3}}, {"ytrain", {1.0, 2.0, 3.0}}, {"inputs", two}},
        "inputs", "xtrain has 1 columns");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSurrogatePce)

}  // namespace test_surrogate_pce
#include "test_surrogate_pce.moc"
