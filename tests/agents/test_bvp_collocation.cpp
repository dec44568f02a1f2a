// ode_pde.bvp: the sine reference problem, a nonlinear problem (Bratu), mesh refinement, hooks and
// ill-posed boundary conditions.
#include "test_pde_util.h"

#include "tests/test_main.h"

namespace test_bvp_collocation {

using namespace pde_test;

namespace {
Map sineRef() {
  return {{"rhs", List{"v", "-y"}},
          {"states", List{"y", "v"}},
          {"bc", List{"ya_y", "yb_y - 1"}},
          {"x_span", List{0.0, M_PI / 2}},
          {"exact", List{"sin(x)", "cos(x)"}}};
}
}  // namespace

class TestBvpCollocation : public QObject {
  Q_OBJECT

 private slots:
  void sineReference() {
    const Result r = run("bvp", sineRef());
    QVERIFY(r.out("success").asBool());
    QVERIFY2(r.out("max_error").asDouble() < 1e-6,
             std::to_string(r.out("max_error").asDouble()).c_str());
    const Matrix& y = r.out("y").asMatrix();
    const Vector& x = r.out("x").asVector();
    QCOMPARE(y.rows(), x.size());
    QCOMPARE(y.cols(), 2);
    for (Eigen::Index i = 0; i < x.size(); ++i) QVERIFY(std::abs(y(i, 0) - std::sin(x[i])) < 1e-6);
    QVERIFY(std::abs(r.out("ya").asVector()[1] - 1.0) < 1e-6);  // y'(0) = cos 0
    QVERIFY(r.out("rms_residuals").asVector().maxCoeff() <= 1e-6);
    QCOMPARE(QString::fromStdString(r.method()), QString("collocation"));
    for (const auto& c : validate("bvp", sineRef(), r.outputs))
      QVERIFY2(c.passed, (c.name + " " + std::to_string(c.value)).c_str());
  }

  void nonlinearBratu() {
    // y'' + exp(y) = 0, y(0) = y(1) = 0; lower branch: y'(0) = 0.5493527287752679 (scipy solve_bvp,
    // tol 1e-10).
    const Result r = run("bvp", {{"rhs", List{"v", "-exp(y)"}},
                                 {"states", List{"y", "v"}},
                                 {"bc", List{"ya_y", "yb_y"}},
                                 {"x_span", List{0.0, 1.0}},
                                 {"tol", 1e-8}});
    QVERIFY(r.out("success").asBool());
    QVERIFY2(std::abs(r.out("ya").asVector()[1] - 0.5493527287752679) < 1e-7,
             std::to_string(r.out("ya").asVector()[1]).c_str());
    QVERIFY(r.diagnostics.at("newton_iterations").asInt() >= 2);
  }

  void refinesWhereNeeded() {
    // eps y'' = y, y(0) = 1, y(1) = 0: boundary layer at 0, refined there.
    const Result r = run(
        "bvp",
        {{"rhs", List{"v", "y/eps"}},
         {"states", List{"y", "v"}},
         {"bc", List{"ya_y - 1", "yb_y"}},
         {"x_span", List{0.0, 1.0}},
         {"constants", Map{{"eps", 1e-3}}},
         {"tol", 1e-5},
         {"max_nodes", 5000},
         {"exact",
          List{
              "(exp(-x/sqrt(eps)) - exp((x-2)/sqrt(eps)))/(1 - exp(-2/sqrt(eps)))",
              "(-exp(-x/sqrt(eps)) - exp((x-2)/sqrt(eps)))/(sqrt(eps)*(1 - exp(-2/sqrt(eps))))"}}});
    QVERIFY(r.out("success").asBool());
    const Vector& x = r.out("x").asVector();
    QVERIFY(x.size() > 11);
    QVERIFY(x[1] - x[0] < x[x.size() - 1] - x[x.size() - 2]);
    QVERIFY2(r.out("max_error").asDouble() < 1e-3,
             std::to_string(r.out("max_error").asDouble()).c_str());
    // The same with a tiny max_nodes: no success, a warning, no throw.
    Map p{{"rhs", List{"v", "y/eps"}},
          {"states", List{"y", "v"}},
          {"bc", List{"ya_y - 1", "yb_y"}},
          {"x_span", List{0.0, 1.0}},
          {"constants", Map{{"eps", 1e-3}}},
          {"tol", 1e-8},
          {"max_nodes", 20}};
    const Result f = run("bvp", p);
    QVERIFY(!f.out("success").asBool());
    QVERIFY(f.warnings().find("max_nodes") != std::string::npos);
  }

  void illPosedBoundaryConditions() {
    Map p = sineRef();
    p["bc"] = List{"ya_y", "ya_y - 1"};  // inconsistent: two conditions on y(a)
    const std::string e = failure("bvp", p, ErrorCode::RunFailed);
    QVERIFY2(e.find("boundary conditions") != std::string::npos, e.c_str());
    p["bc"] = List{"ya_y"};
    QVERIFY(failure("bvp", p, ErrorCode::InvalidInput).starts_with("bc:"));
    p["bc"] = List{"ya_y", "yb_q"};
    QVERIFY(failure("bvp", p, ErrorCode::InvalidInput).starts_with("bc:"));
    p = sineRef();
    p["y_guess"] = List{1.0, 2.0, 3.0};
    QVERIFY(failure("bvp", p, ErrorCode::InvalidInput).starts_with("y_guess:"));
    p = sineRef();
    p.erase("x_span");
    QVERIFY(failure("bvp", p, ErrorCode::InvalidInput).starts_with("x_span:"));
  }

  void meshAndGuessInputs() {
    Map p = sineRef();
    p.erase("x_span");
    p["x"] = List{0.0, 0.5, 1.0, M_PI / 2};
    p["y_guess"] = List{List{0.0, 1.0}, List{0.5, 0.8}, List{0.8, 0.5}, List{1.0, 0.0}};
    const Result r = run("bvp", p);
    QVERIFY(r.out("max_error").asDouble() < 1e-6);
    const TaskSpec& t = task("bvp");
    TaskContext ctx(t, t.resolveParams(sineRef()));
    QCOMPARE(t.analyze(ctx).at("states").asInt(), std::int64_t(2));
    QCOMPARE(QString::fromStdString(t.select(ctx).method), QString("collocation"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestBvpCollocation)

}  // namespace test_bvp_collocation
#include "test_bvp_collocation.moc"
