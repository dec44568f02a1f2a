// Tests of surrogate.pod: a rank-3 synthetic snapshot matrix is recovered with rank 3 and
// reconstructed to 1e-10; the energy criterion on known singular values; projection of new
// snapshots.
#include "surrogate_test_util.h"

#include <Eigen/QR>

#include <cmath>

#include "tests/test_main.h"

namespace test_surrogate_pod {

using namespace surrogate_test;

namespace {
Matrix pseudoRandom(Eigen::Index r, Eigen::Index c, unsigned seed) {
  Matrix a(r, c);
  unsigned s = seed;
  for (Eigen::Index i = 0; i < r; ++i)
    for (Eigen::Index j = 0; j < c; ++j) {
      s = s * 1664525u + 1013904223u;
      a(i, j) = (s >> 8) / 16777216.0 - 0.5;
    }
  return a;
}
Matrix orthonormal(Eigen::Index r, Eigen::Index c, unsigned seed) {
  Eigen::HouseholderQR<Matrix> qr(pseudoRandom(r, c, seed));
  return qr.householderQ() * Matrix::Identity(r, c);
}
}  // namespace

class TestSurrogatePod : public QObject {
  Q_OBJECT

 private slots:
  void rankThreeSnapshotsAreRecovered() {
    // snapshots of u(x, t) = sum of 3 separable modes on 200 points, 40 times
    Matrix S(200, 40);
    for (int i = 0; i < 200; ++i)
      for (int j = 0; j < 40; ++j) {
        const double x = i / 199.0, t = j / 39.0;
        S(i, j) = std::sin(M_PI * x) * std::exp(-t) +
                  0.5 * std::sin(2 * M_PI * x) * std::cos(3 * t) +
                  0.3 * std::sin(3 * M_PI * x) * t * t;
      }
    const auto r = run("pod", json{{"snapshots", matrixJson(S)}});
    qInfo("singular values %.3e %.3e %.3e %.3e", r.out("singular_values").asVector()[0],
          r.out("singular_values").asVector()[1], r.out("singular_values").asVector()[2],
          r.out("singular_values").asVector()[3]);
    QCOMPARE(r.out("rank").asInt(), std::int64_t{3});
    const Matrix U = r.out("modes").asMatrix();
    const Matrix C = r.out("coefficients").asMatrix();
    QCOMPARE(U.cols(), Eigen::Index{3});
    QVERIFY((U.transpose() * U - Matrix::Identity(3, 3)).cwiseAbs().maxCoeff() < 1e-12);
    const double direct = (S - U * C).norm() / S.norm();
    qInfo("rank %lld, reconstruction error %.2e (direct %.2e), sigma_4 / sigma_1 = %.1e",
          static_cast<long long>(r.out("rank").asInt()), r.out("reconstruction_error").asDouble(),
          direct, r.out("singular_values").asVector()[3] / r.out("singular_values").asVector()[0]);
    QVERIFY(r.out("reconstruction_error").asDouble() < 1e-10);
    QVERIFY(direct < 1e-10);
    QVERIFY(r.out("energy").asDouble() > 1 - 1e-12);
    // even asking for all the energy keeps only the 3 informative modes
    QCOMPARE(run("pod", json{{"snapshots", matrixJson(S)}, {"energy", 1.0}}).out("rank").asInt(),
             std::int64_t{3});
    // a new snapshot in the span is reconstructed exactly, one outside is not
    Matrix y(200, 2);
    for (int i = 0; i < 200; ++i) {
      const double x = i / 199.0;
      y(i, 0) = 2 * std::sin(M_PI * x) - std::sin(2 * M_PI * x) + std::sin(3 * M_PI * x);
      y(i, 1) = std::cos(5 * x);
    }
    const auto p =
        run("pod", json{{"snapshots", matrixJson(S)}, {"reconstruct", matrixJson(y.col(0))}});
    QVERIFY(p.out("reconstruct_error").asDouble() < 1e-10);
    const auto q =
        run("pod", json{{"snapshots", matrixJson(S)}, {"reconstruct", matrixJson(y.col(1))}});
    QVERIFY(q.out("reconstruct_error").asDouble() > 1e-3);
  }

  void energyCriterionOnKnownSingularValues() {
    const Matrix U = orthonormal(60, 4, 3), V = orthonormal(25, 4, 8);
    const Vector s = (Vector(4) << 10, 1, 0.1, 0.01).finished();
    const Matrix S = U * s.asDiagonal() * V.transpose();
    const auto r99 = run("pod", json{{"snapshots", matrixJson(S)}, {"energy", 0.99}});
    QCOMPARE(r99.out("rank").asInt(), std::int64_t{1});
    const auto r4 = run("pod", json{{"snapshots", matrixJson(S)}, {"energy", 0.9999}});
    QCOMPARE(r4.out("rank").asInt(), std::int64_t{2});
    const Vector sv = r4.out("singular_values").asVector();
    QVERIFY((sv.head(4) - s).cwiseAbs().maxCoeff() < 1e-12);
    const double expected = std::sqrt(0.01 + 0.0001) / std::sqrt(101.0101);
    QVERIFY(std::abs(r4.out("reconstruction_error").asDouble() - expected) < 1e-12);
    QCOMPARE(run("pod", json{{"snapshots", matrixJson(S)}, {"rank", 3}}).out("rank").asInt(),
             std::int64_t{3});
  }

  void centring() {
    Matrix S(30, 10);
    for (int i = 0; i < 30; ++i)
      for (int j = 0; j < 10; ++j) S(i, j) = 5 + std::sin(0.2 * i) * (j - 4.5);
    const auto r = run("pod", json{{"snapshots", matrixJson(S)}, {"center", true}});
    QCOMPARE(r.out("rank").asInt(), std::int64_t{1});
    QVERIFY(std::abs(r.out("mean").asVector()[3] - 5) < 1e-12);
    QVERIFY(r.out("reconstruction_error").asDouble() < 1e-12);
  }

  void badInputsNameTheParam() {
    const json s =
        json::array({json::array({1.0, 2.0}), json::array({3.0, 4.0}), json::array({5.0, 6.5})});
    expectParamError("pod", json{{"snapshots", s}, {"rank", 3}}, "rank", "exceeds");
    expectParamError(
        "pod",
        json{{"snapshots", s}, {"reconstruct", json::array({json::array({1.0, 2.0, 3.0, 4.0})})}},
        "reconstruct", "3 rows");
    expectParamError("pod", json{{"snapshots", json::array({json::array({0.0, 0.0})})}},
                     "snapshots", "zero");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSurrogatePod)

}  // namespace test_surrogate_pod
#include "test_surrogate_pod.moc"
