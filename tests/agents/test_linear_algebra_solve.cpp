// linear_algebra.solve: reference problems, auto-choice rationale, every method, bad input.
#include "la_test_util.h"

#include <limits>

#include "tests/test_main.h"

namespace test_linear_algebra_solve {

using namespace la_test;

class TestLinearAlgebraSolve : public QObject {
  Q_OBJECT

 private slots:
  void referenceTwoByTwo() {
    // REFERENCE_PROBLEMS: [[2,3],[1,4]] x = [8,10] -> [0.4, 2.4], given as JSON-like lists.
    const Result r = run("solve", {{"A", List{List{2, 3}, List{1, 4}}}, {"b", List{8, 10}}});
    const Vector& x = r.out("x").asVector();
    QCOMPARE(x.size(), 2);
    QVERIFY(std::abs(x[0] - 0.4) < 1e-14);
    QVERIFY(std::abs(x[1] - 2.4) < 1e-14);
    QCOMPARE(QString::fromStdString(r.method()), QString("lu"));
    QVERIFY(r.out("residual").asDouble() < 1e-14);
    QVERIFY(r.out("backward_error").asDouble() < 1e-15);
    QVERIFY(r.diagnostics.count("condition_estimate"));
    QVERIFY(r.diagnostics.count("forward_error_bound"));
    QVERIFY(r.warnings().empty());
  }

  void everyDenseMethodSolvesSpd() {
    Matrix a(3, 3);
    a << 4, 1, 0, 1, 3, 1, 0, 1, 2;
    const Vector xs(Vector::LinSpaced(3, 1.0, 3.0));
    const Vector b = a * xs;
    for (const char* m : {"auto", "lu", "qr", "cholesky", "ldlt", "svd", "sparse_lu",
                          "sparse_cholesky", "cg", "bicgstab"}) {
      const Result r = run("solve", {{"A", a}, {"b", b}, {"method", m}});
      const Vector& x = r.out("x").asVector();
      QVERIFY2((x - xs).norm() < 1e-9, m);
      QVERIFY2(r.out("backward_error").asDouble() < 1e-12, m);
    }
  }

  void autoPicksCholeskyForSpd() {
    Matrix a(3, 3);
    a << 4, 1, 0, 1, 3, 1, 0, 1, 2;
    const Result r = run("solve", {{"A", a}, {"b", ones(3)}});
    QCOMPARE(QString::fromStdString(r.method()), QString("cholesky"));
    QVERIFY(r.rationale().find("positive definite") != std::string::npos);
  }

  void autoPicksLdltForSymmetricIndefinite() {
    Matrix a(3, 3);
    a << 1, 2, 0, 2, 1, 3, 0, 3, 2;  // symmetric, positive diagonal, eigenvalues of both signs
    const Vector xs(Vector::LinSpaced(3, -1.0, 1.0));
    const Result r = run("solve", {{"A", a}, {"b", Vector(a * xs)}});
    QCOMPARE(QString::fromStdString(r.method()), QString("ldlt"));
    QVERIFY(r.rationale().find("not positive definite") != std::string::npos);
    QVERIFY((r.out("x").asVector() - xs).norm() < 1e-12);
    a(2, 2) = -2;  // a non-positive diagonal rules out Cholesky without trying it
    const Result neg = run("solve", {{"A", a}, {"b", Vector(a * xs)}});
    QCOMPARE(QString::fromStdString(neg.method()), QString("ldlt"));
    QVERIFY(neg.rationale().find("non-positive diagonal") != std::string::npos);
  }

  void assumeAOverridesDetection() {
    Matrix a(2, 2);
    a << 2, 1, 1, 3;
    QCOMPARE(QString::fromStdString(
                 run("solve", {{"A", a}, {"b", ones(2)}, {"assume_a", "gen"}}).method()),
             QString("lu"));
    Matrix ind(2, 2);
    ind << 1, 2, 2, 1;
    const Error e = runError("solve", {{"A", ind}, {"b", ones(2)}, {"assume_a", "pos"}});
    QVERIFY(e.code() == ErrorCode::RunFailed);
    QVERIFY(std::string(e.what()).find("not positive definite") != std::string::npos);
  }

  void rankDeficientWarnsAndReturnsMinimumNorm() {
    Matrix a(3, 3);
    a << 1, 2, 3, 4, 5, 6, 7, 8, 9;  // rank 2
    const Vector b = a * ones(3);    // consistent
    const Result r = run("solve", {{"A", a}, {"b", b}});
    QCOMPARE(QString::fromStdString(r.method()), QString("svd"));
    QVERIFY(r.warnings().find("singular") != std::string::npos);
    QVERIFY(r.warnings().find("rank 2 of 3") != std::string::npos);
    QCOMPARE(r.diagnostics.at("rank").asInt(), 2);
    const Vector& x = r.out("x").asVector();
    QVERIFY((a * x - b).norm() < 1e-12);
    // minimum norm: x lies in the row space, orthogonal to the null vector (1, -2, 1); here x = (1,
    // 1, 1)
    QVERIFY(std::abs(x[0] - 2 * x[1] + x[2]) < 1e-12);
    QVERIFY((x - ones(3)).norm() < 1e-10);
  }

  void hilbertSolveWarnsWithConditionAndBound() {
    const Matrix h = hilbert(10);
    const Result r = run("solve", {{"A", h}, {"b", Vector(h * ones(10))}});
    const std::string w = r.warnings();
    QVERIFY2(w.find("condition number") != std::string::npos, w.c_str());
    QVERIFY(w.find("forward error bound") != std::string::npos);
    const double cond = r.num("condition_estimate");
    QVERIFY2(cond > 1e13 && cond < 1e14,
             std::to_string(cond).c_str());  // inf-norm cond(H10) = 3.5e13
    QVERIFY(r.num("forward_error_bound") > 1e-10);
    QVERIFY(w.find(num3(cond)) != std::string::npos || w.find("e+13") != std::string::npos);
    // a well-conditioned system does not warn
    QVERIFY(run("solve", {{"A", hilbert(3)}, {"b", ones(3)}}).warnings().empty());
  }

  void multipleRightHandSides() {
    Matrix a(2, 2);
    a << 2, 3, 1, 4;
    Matrix b(2, 2);
    b << 8, 2, 10, 1;
    const Result r = run("solve", {{"A", a}, {"b", b}});
    const Matrix& x = r.out("x").asMatrix();
    QCOMPARE(x.cols(), 2);
    QVERIFY((a * x - b).norm() < 1e-13);
  }

  void singularExplicitLuFails() {
    Matrix a(2, 2);
    a << 1, 2, 2, 4;
    const Error e = runError("solve", {{"A", a}, {"b", ones(2)}, {"method", "lu"}});
    QVERIFY(e.code() == ErrorCode::RunFailed);
    QVERIFY2(std::string(e.what()).find("singular") != std::string::npos, e.what());
  }

  void badInputIsRejectedWithClearMessages() {
    Matrix rect(2, 3);
    rect.setOnes();
    Error e = runError("solve", {{"A", rect}, {"b", ones(2)}});
    QCOMPARE(QString::fromStdString(e.param()), QString("A"));
    QVERIFY2(std::string(e.what()).find("2x3") != std::string::npos, e.what());

    e = runError("solve", {{"A", Matrix(Matrix::Identity(3, 3))}, {"b", ones(2)}});
    QCOMPARE(QString::fromStdString(e.param()), QString("b"));
    QVERIFY2(std::string(e.what()).find("3x3") != std::string::npos, e.what());

    Matrix nan = Matrix::Identity(2, 2);
    nan(1, 0) = std::numeric_limits<double>::quiet_NaN();
    e = runError("solve", {{"A", nan}, {"b", ones(2)}});
    QVERIFY2(std::string(e.what()).find("(1, 0)") != std::string::npos, e.what());
    QVERIFY(e.code() == ErrorCode::InvalidInput);

    Vector inf_b = ones(2);
    inf_b[1] = std::numeric_limits<double>::infinity();
    e = runError("solve", {{"A", Matrix(Matrix::Identity(2, 2))}, {"b", inf_b}});
    QCOMPARE(QString::fromStdString(e.param()), QString("b"));

    e = runError("solve", {{"A", List{}}, {"b", ones(2)}});
    QVERIFY2(std::string(e.what()).find("empty") != std::string::npos, e.what());

    Matrix ns(2, 2);
    ns << 1, 2, 3, 4;
    e = runError("solve", {{"A", ns}, {"b", ones(2)}, {"method", "cholesky"}});
    QVERIFY2(std::string(e.what()).find("symmetric") != std::string::npos, e.what());
  }

  void sparseAutoAndIterative() {
    const SparseMatrix a = laplace2d(30);
    const Vector b = ones(a.rows());
    const Result direct = run("solve", {{"A", a}, {"b", b}});
    QCOMPARE(QString::fromStdString(direct.method()), QString("sparse_cholesky"));
    const Vector& xd = direct.out("x").asVector();
    QVERIFY((a * xd - b).norm() / b.norm() < 1e-13);
    QVERIFY(direct.diagnostics.count("condition_estimate"));
    for (const char* pc : {"none", "jacobi", "ichol"}) {
      const Result r = run(
          "solve", {{"A", a}, {"b", b}, {"method", "cg"}, {"preconditioner", pc}, {"tol", 1e-12}});
      QVERIFY2((r.out("x").asVector() - xd).norm() / xd.norm() < 1e-9, pc);
      QVERIFY(r.diagnostics.at("iterations").asInt() > 0);
      QVERIFY(r.diagnostics.at("converged").asBool());
    }
    // the preconditioner must pay off: fewer iterations than plain CG
    const auto plain =
        run("solve", {{"A", a}, {"b", b}, {"method", "cg"}, {"preconditioner", "none"}});
    const auto ic =
        run("solve", {{"A", a}, {"b", b}, {"method", "cg"}, {"preconditioner", "ichol"}});
    QVERIFY(ic.diagnostics.at("iterations").asInt() < plain.diagnostics.at("iterations").asInt());
    // non-symmetric sparse: auto -> sparse LU; bicgstab + ilut agrees
    SparseMatrix ns = a;
    ns.coeffRef(0, 1) = -2.0;
    const Result lu = run("solve", {{"A", ns}, {"b", b}});
    QCOMPARE(QString::fromStdString(lu.method()), QString("sparse_lu"));
    const Result bi = run("solve", {{"A", ns}, {"b", b}, {"method", "bicgstab"}, {"tol", 1e-12}});
    QVERIFY((bi.out("x").asVector() - lu.out("x").asVector()).norm() /
                lu.out("x").asVector().norm() <
            1e-9);
  }

  void iterativeReportsNonConvergence() {
    const SparseMatrix a = laplace2d(30);
    const Result r = run("solve", {{"A", a},
                                   {"b", ones(a.rows())},
                                   {"method", "cg"},
                                   {"preconditioner", "none"},
                                   {"maxiter", 3}});
    QVERIFY(!r.diagnostics.at("converged").asBool());
    QVERIFY(r.warnings().find("did not reach") != std::string::npos);
  }

  void iterativeHonoursCancellation() {
    const SparseMatrix a = laplace2d(60);
    auto flag = std::make_shared<std::atomic<bool>>(true);
    try {
      run("solve", {{"A", a}, {"b", ones(a.rows())}, {"method", "cg"}, {"preconditioner", "none"}},
          flag);
      QFAIL("expected cancellation");
    } catch (const Error& e) {
      QVERIFY(e.code() == ErrorCode::Cancelled);
    }
  }

 private:
  static std::string num3(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestLinearAlgebraSolve)

}  // namespace test_linear_algebra_solve
#include "test_linear_algebra_solve.moc"
