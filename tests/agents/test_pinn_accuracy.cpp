// Accuracy of the physics_informed_ml tasks on reference problems with known solutions.
#include "pinn_test_util.h"

#include <cmath>

#include "tests/test_main.h"

namespace test_pinn_accuracy {

using namespace pinn_test;

class TestPinnAccuracy : public QObject {
  Q_OBJECT

 private slots:
  // u'' = -pi^2 sin(pi x), u(0) = u(1) = 0  ->  u = sin(pi x).
  void poisson1dReachesOnePercent() {
    const auto r = run("pinn", poisson1d(R"(,"seed":1)"));
    const double err = r.out("relative_l2_error").asDouble();
    qInfo("1D Poisson: relative L2 error %.3g, loss %.3g", err, r.out("loss").asDouble());
    QVERIFY2(err < 1e-2, std::to_string(err).c_str());
  }

  // Laplace on the unit square with u = sin(pi x) sinh(pi y) / sinh(pi) on the boundary.
  void laplace2dOnTheUnitSquare() {
    const auto r =
        run("pinn", R"({"variables":["x","y"],"domain":[[0,1],[0,1]],"residual":"u_xx + u_yy",
        "exact":"sin(pi*x)*sinh(pi*y)/sinh(pi) ","hidden_layers":[16,16],"interior_points":256,"boundary_points":24,
        "epochs":500,"learning_rate":0.01,"lbfgs_iterations":1500,"eval_points":21,"seed":2,
        "conditions":[{"where":{"x":0},"value":0},{"where":{"x":1},"value":0},{"where":{"y":0},"value":0},
                      {"where":{"y":1},"value":"sin(pi*x) "}]})");
    const double err = r.out("relative_l2_error").asDouble();
    qInfo("2D Laplace: relative L2 error %.3g", err);
    QVERIFY2(err < 5e-2, std::to_string(err).c_str());
    QCOMPARE(r.out("solution").asGrid().values.size(), Eigen::Index(21 * 21));
  }

  // u'' = -k pi^2 sin(pi x) with k = 2.5, observed u = 2.5 sin(pi x) at 12 points: recover k.
  void inverseRecoversTheCoefficient() {
    std::string xs, us;
    for (int i = 1; i <= 12; ++i) {
      const double x = i / 13.0;
      xs += (i > 1 ? "," : "") + std::to_string(x);
      us += (i > 1 ? "," : "") + std::to_string(2.5 * std::sin(M_PI * x));
    }
    const auto r =
        run("pinn_inverse", R"({"domain":[0,1],"residual":"u_xx + k*pi^2*sin(pi*x) ","unknown":"k",
        "conditions":[{"where":{"x":0},"value":0},{"where":{"x":1},"value":0}],"truth":2.5,"seed":3,
        "x_obs":[)" + xs + R"(],"u_obs":[)" +
                                us + "]}");
    const double k = r.out("coefficient").asDouble(), e = r.out("coefficient_error").asDouble();
    qInfo("inverse: k = %.6f (relative error %.3g) ", k, e);
    QVERIFY2(e < 0.02, std::to_string(k).c_str());
  }

  // Diffusivity: k u'' = -pi^2 sin(pi x) with k = 0.5 (u = 2 sin(pi x)), observations only inside.
  void inverseRecoversADiffusivity() {
    std::string xs, us;
    for (int i = 1; i <= 9; ++i) {
      const double x = i / 10.0;
      xs += (i > 1 ? "," : "") + std::to_string(x);
      us += (i > 1 ? "," : "") + std::to_string(2.0 * std::sin(M_PI * x));
    }
    const auto r =
        run("pinn_inverse",
            R"({"domain":[0,1],"residual":"k*u_xx + pi^2*sin(pi*x) ","truth":0.5,"seed":4,
        "conditions":[{"where":{"x":0},"value":0},{"where":{"x":1},"value":0}],
        "x_obs":[)" +
                xs + R"(],"u_obs":[)" + us + "]}");
    const double k = r.out("coefficient").asDouble();
    qInfo("inverse diffusivity: k = %.6f", k);
    QVERIFY2(r.out("coefficient_error").asDouble() < 0.02, std::to_string(k).c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestPinnAccuracy)

}  // namespace test_pinn_accuracy
#include "test_pinn_accuracy.moc"
