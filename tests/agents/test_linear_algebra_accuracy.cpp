// linear_algebra residual bar (REFERENCE_PROBLEMS): ||Ax-b|| / (||A|| ||x|| eps) = O(1..100) for a
// random well-conditioned dense n = 1000 system and the n = 10^6 sparse 2-D Laplacian.
#include "la_test_util.h"

#include <limits>
#include <random>

#include "tests/test_main.h"

namespace test_linear_algebra_accuracy {

using namespace la_test;

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();
}

class TestLinearAlgebraAccuracy : public QObject {
  Q_OBJECT

 private slots:
  void denseRandom1000() {
    const int n = 1000;
    std::mt19937_64 rng(42);
    std::normal_distribution<double> g;
    Matrix a(n, n);
    for (Eigen::Index k = 0; k < a.size(); ++k) a.data()[k] = g(rng);
    Vector b(n);
    for (auto& v : b) v = g(rng);
    const Result r = run("solve", {{"A", a}, {"b", b}});
    QCOMPARE(QString::fromStdString(r.method()), QString("lu"));
    const Vector& x = r.out("x").asVector();
    const double bar = (a * x - b).norm() / (norm2(a) * x.norm() * kEps);
    qInfo("dense n=1000: scaled residual %.3g, cond_inf estimate %.3g", bar,
          r.num("condition_estimate"));
    QVERIFY2(bar < 100, std::to_string(bar).c_str());
    QVERIFY(bar > 1e-3);  // a residual far below rounding would mean we measured the wrong thing
    QVERIFY(r.warnings().empty());
  }

  void sparseLaplacianMillion() {
    const SparseMatrix a = laplace2d(1000);
    const Vector b = ones(a.rows());
    const Result r = run("solve", {{"A", a}, {"b", b}});
    QCOMPARE(QString::fromStdString(r.method()), QString("sparse_cholesky"));
    const Vector& x = r.out("x").asVector();
    // ||A||_2 = 8 sin^2(m pi / (2 (m + 1))) for the 5-point stencil with 4 on the diagonal.
    const double norm_a = 8 * std::pow(std::sin(1000 * M_PI / (2.0 * 1001)), 2);
    const double bar = (a * x - b).norm() / (norm_a * x.norm() * kEps);
    qInfo("sparse n=1e6: scaled residual %.3g (%s)", bar,
          r.diagnostics.at("backend").asString().c_str());
    QVERIFY2(bar < 100, std::to_string(bar).c_str());
    QVERIFY(bar > 1e-3);
    QVERIFY(r.out("backward_error").asDouble() < 1e-14);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestLinearAlgebraAccuracy)

}  // namespace test_linear_algebra_accuracy
#include "test_linear_algebra_accuracy.moc"
