// linear_algebra: least_squares, eigen, svd, decompose, condition on small known cases.
#include "la_test_util.h"

#include <Eigen/QR>

#include <cmath>

#include "tests/test_main.h"

namespace test_linear_algebra_tasks {

using namespace la_test;

namespace {
bool near(double a, double b, double rel) { return std::abs(a - b) <= rel * std::abs(b); }
}  // namespace

class TestLinearAlgebraTasks : public QObject {
  Q_OBJECT

 private slots:
  void hilbertConditionNumbers() {
    // REFERENCE_PROBLEMS, 3 significant digits.
    const std::pair<int, double> ref[] = {{5, 4.76607e5}, {8, 1.52576e10}, {10, 1.60263e13}};
    for (const auto& [n, c] : ref) {
      const Result r = run("condition", {{"A", hilbert(n)}});
      const double cond = r.out("cond").asDouble();
      QVERIFY2(near(cond, c, 5e-3), (std::to_string(n) + ": " + std::to_string(cond)).c_str());
    }
    QVERIFY(!run("condition", {{"A", hilbert(10)}}).warnings().empty());
  }

  void conditionOtherNorms() {
    Matrix a(2, 2);
    a << 1, 2, 3, 4;  // inverse [[-2, 1], [1.5, -0.5]]
    QVERIFY(
        near(run("condition", {{"A", a}, {"norm", "1"}}).out("cond").asDouble(), 6.0 * 3.5, 1e-12));
    QVERIFY(near(run("condition", {{"A", a}, {"norm", "inf"}}).out("cond").asDouble(), 7.0 * 3.0,
                 1e-12));
    QVERIFY(near(run("condition", {{"A", a}, {"norm", "fro"}}).out("cond").asDouble(),
                 std::sqrt(30.0) * std::sqrt(7.5), 1e-12));
    Matrix s(2, 2);
    s << 1, 2, 2, 4;
    const Result r = run("condition", {{"A", s}, {"norm", "1"}});
    QVERIFY(std::isinf(r.out("cond").asDouble()));
    QVERIFY(r.warnings().find("singular") != std::string::npos);
  }

  void sparseConditionEstimates() {
    const int m = 46;  // n = 2116 > 2000: estimated
    const SparseMatrix a = laplace2d(m);
    const double h = M_PI / (m + 1);
    const double exact2 = (4 - 4 * std::cos(m * h)) / (4 - 4 * std::cos(h));
    const Result r2 = run("condition", {{"A", a}});
    QVERIFY(r2.diagnostics.at("estimate").asBool());
    QVERIFY2(near(r2.out("cond").asDouble(), exact2, 1e-4),
             std::to_string(r2.out("cond").asDouble()).c_str());
    // 1-norm: Hager's estimate is a lower bound within a small factor of the exact value
    const double exact1 =
        run("condition", {{"A", Matrix(a)}, {"norm", "1"}}).out("cond").asDouble();
    const double est1 = run("condition", {{"A", a}, {"norm", "1"}}).out("cond").asDouble();
    QVERIFY2(est1 <= exact1 * (1 + 1e-10) && est1 >= exact1 / 3,
             (std::to_string(est1) + " vs " + std::to_string(exact1)).c_str());
  }

  void leastSquaresLineFit() {
    // fit y = 1 + 2 t through exact data plus a symmetric perturbation that cancels
    Matrix a(4, 2);
    a << 1, 0, 1, 1, 1, 2, 1, 3;
    Vector y(4);
    y << 1.1, 2.9, 5.1, 6.9;
    for (const char* m : {"auto", "qr", "svd", "normal"}) {
      const Result r = run("least_squares", {{"A", a}, {"b", y}, {"method", m}});
      const Vector& x = r.out("x").asVector();
      const Vector ref = a.colPivHouseholderQr().solve(y);
      QVERIFY2((x - ref).norm() < 1e-12, m);
      QCOMPARE(r.out("rank").asInt(), 2);
      QVERIFY(near(r.out("residual").asDouble(), (a * ref - y).norm(), 1e-10));
    }
    QVERIFY(run("least_squares", {{"A", a}, {"b", y}, {"method", "svd"}})
                .outputs.count("singular_values"));
  }

  void leastSquaresRankDeficientUsesSvd() {
    Matrix a(3, 2);
    a << 1, 2, 2, 4, 3, 6;  // rank 1
    const Vector b = Vector::LinSpaced(3, 1, 3);
    const Result r = run("least_squares", {{"A", a}, {"b", b}});
    QCOMPARE(QString::fromStdString(r.method()), QString("svd"));
    QCOMPARE(r.out("rank").asInt(), 1);
    QVERIFY(!r.warnings().empty());
    // minimum-norm solution is a multiple of (1, 2): x = (0.2, 0.4)
    QVERIFY((r.out("x").asVector() - Vector(Eigen::Vector2d(0.2, 0.4))).norm() < 1e-12);
  }

  void eigenSymmetric() {
    Matrix a(3, 3);
    a << 2, -1, 0, -1, 2, -1, 0, -1, 2;  // eigenvalues 2 - sqrt2, 2, 2 + sqrt2
    const Result r = run("eigen", {{"A", a}});
    QCOMPARE(QString::fromStdString(r.method()), QString("symmetric_qr"));
    const Vector& ev = r.out("eigenvalues").asVector();
    QVERIFY(std::abs(ev[0] - (2 - std::sqrt(2.0))) < 1e-14 &&
            std::abs(ev[2] - (2 + std::sqrt(2.0))) < 1e-14);
    const Matrix& v = r.out("eigenvectors").asMatrix();
    QVERIFY((a * v - v * ev.asDiagonal()).norm() < 1e-13);
    QVERIFY(r.num("eigen_residual") < 1e-14);
  }

  void eigenKLargestAndSmallest() {
    Vector d(6);
    d << -3, -1.5, -1, 0, 0.5, 2;  // no ties in magnitude
    const Matrix a = d.asDiagonal();
    auto vals = [&](const char* which, int k) {
      return run("eigen", {{"A", a}, {"k", k}, {"which", which}, {"vectors", false}})
          .out("eigenvalues")
          .asVector();
    };
    const Vector lm = vals("LM", 2);
    QVERIFY2(lm == Vector(Eigen::Vector2d(-3, 2)),
             (std::to_string(lm[0]) + " " + std::to_string(lm[1])).c_str());
    QCOMPARE(vals("SM", 1), Vector(Vector::Constant(1, 0.0)));
    QCOMPARE(vals("LA", 2), Vector(Eigen::Vector2d(2, 0.5)));
    QCOMPARE(vals("SA", 2), Vector(Eigen::Vector2d(-3, -1.5)));
    const Error e = runError("eigen", {{"A", a}, {"k", 7}});
    QCOMPARE(QString::fromStdString(e.param()), QString("k"));
  }

  void eigenRotationIsComplex() {
    Matrix rot(2, 2);
    rot << 0, -1, 1, 0;  // eigenvalues +i, -i
    const Result r = run("eigen", {{"A", rot}});
    QVERIFY(r.diagnostics.at("complex").asBool());
    const Matrix& ev = r.out("eigenvalues").asMatrix();  // k x 2 [re, im]
    QCOMPARE(ev.rows(), 2);
    QCOMPARE(ev.cols(), 2);
    QVERIFY(ev.col(0).cwiseAbs().maxCoeff() < 1e-15);
    QVERIFY(std::abs(std::abs(ev(0, 1)) - 1) < 1e-15 && std::abs(ev(0, 1) + ev(1, 1)) < 1e-15);
    QCOMPARE(r.out("eigenvalues_imag").asVector(), Vector(ev.col(1)));
    QVERIFY(r.outputs.count("eigenvectors_imag"));
    QVERIFY(r.num("eigen_residual") < 1e-14);
  }

  void svdMatchesDefinition() {
    Matrix a(3, 2);
    a << 3, 0, 0, 4, 0, 0;
    const Result r = run("svd", {{"A", a}});
    QCOMPARE(r.out("S").asVector(), Vector(Eigen::Vector2d(4, 3)));
    QCOMPARE(r.out("U").asMatrix().rows(), 3);
    QCOMPARE(r.out("U").asMatrix().cols(), 3);  // full_matrices default, as SciPy
    QCOMPARE(r.out("Vt").asMatrix().rows(), 2);
    QVERIFY(r.num("reconstruction_error") < 1e-15);
    const Result thin = run("svd", {{"A", a}, {"full_matrices", false}});
    QCOMPARE(thin.out("U").asMatrix().cols(), 2);
    const Result s_only = run("svd", {{"A", a}, {"compute_uv", false}});
    QVERIFY(!s_only.outputs.count("U"));
  }

  void decomposeFactorsReconstruct() {
    Matrix a(3, 3);
    a << 1, 2, 0, 4, 5, 6, 7, 8, 10;
    const Result lu = run("decompose", {{"A", a}, {"kind", "lu"}});
    const Matrix& p = lu.out("P").asMatrix();
    const Matrix& l = lu.out("L").asMatrix();
    const Matrix& u = lu.out("U").asMatrix();
    QVERIFY((p * l * u - a).norm() < 1e-13);  // scipy.linalg.lu: A = P L U
    QCOMPARE(p(2, 0), 1.0);                   // row 3 (largest first column entry) pivots first
    QVERIFY(l.isLowerTriangular() && u.isUpperTriangular() && (l.diagonal().array() == 1.0).all());
    const Result qr = run("decompose", {{"A", a}, {"kind", "qr"}});
    const Matrix& q = qr.out("Q").asMatrix();
    QVERIFY((q.transpose() * q - Matrix::Identity(3, 3)).norm() < 1e-14);
    QVERIFY((q * qr.out("R").asMatrix() - a).norm() < 1e-13);
    Matrix spd(2, 2);
    spd << 4, 2, 2, 3;
    const Result ch = run("decompose", {{"A", spd}, {"kind", "cholesky"}});
    const Matrix& lc = ch.out("L").asMatrix();
    QVERIFY(std::abs(lc(0, 0) - 2) < 1e-15 && lc(0, 1) == 0.0 &&
            (lc * lc.transpose() - spd).norm() < 1e-14);
    const Result ld = run("decompose", {{"A", spd}, {"kind", "ldlt"}});
    QVERIFY(ld.num("reconstruction_error") < 1e-15);
    QVERIFY(runError("decompose", {{"A", a}, {"kind", "cholesky"}}).code() ==
            ErrorCode::InvalidInput);
    Matrix sing(2, 2);
    sing << 1, 2, 2, 4;
    QVERIFY(!run("decompose", {{"A", sing}}).warnings().empty());
  }

  void schemaIsComplete() {
    const auto* agent = AgentRegistry::builtin().agent("linear_algebra");
    QVERIFY(agent);
    QCOMPARE(QString::fromStdString(agent->version), QString("1.0.0"));
    for (const char* t : {"solve", "least_squares", "eigen", "svd", "decompose", "condition"}) {
      const TaskSpec* spec = agent->task(t);
      QVERIFY2(spec && !spec->planned(), t);
      for (const auto& p : spec->params) QVERIFY2(!p.doc.empty(), p.name.c_str());
      QVERIFY(!spec->outputs.empty());
    }
    const TaskSpec* solve = agent->task("solve");
    QVERIFY(solve->output("x") && solve->output("residual") && solve->output("backward_error"));
    QCOMPARE(solve->param("tol")->default_value->asDouble(), 1e-10);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestLinearAlgebraTasks)

}  // namespace test_linear_algebra_tasks
#include "test_linear_algebra_tasks.moc"
