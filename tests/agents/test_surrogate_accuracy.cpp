// Accuracy bars of the surrogate agent (REFERENCE_PROBLEMS.md): GP on Branin with 30 Latin
// hypercube points (interpolation to 1e-6 relative, normalised RMSE on a 100 x 100 grid < 5 %,
// predictive std ~0 at the training points and growing away from them); PCE on Ishigami reproduces
// the Sobol indices from its coefficients within 0.02.
#include "surrogate_test_util.h"

#include <cmath>

#include "tests/test_main.h"

namespace test_surrogate_accuracy {

using namespace surrogate_test;

class TestSurrogateAccuracy : public QObject {
  Q_OBJECT

 private slots:
  void gpBranin() {
    const Matrix grid = braninGrid();
    Vector truth(grid.rows());
    for (Eigen::Index i = 0; i < grid.rows(); ++i) truth[i] = branin(grid(i, 0), grid(i, 1));
    const double sd = std::sqrt((truth.array() - truth.mean()).square().mean());
    for (const char* kernel : {"matern52", "rbf"}) {
      const json p{{"model", kBranin},
                   {"inputs", json::array({uniformInput("x1", -5, 10), uniformInput("x2", 0, 15)})},
                   {"n", 30},
                   {"seed", 2026},
                   {"kernel", kernel},
                   {"xtest", matrixJson(grid)}};
      const auto r = run("gp", p);
      const Matrix x = r.out("xtrain").asMatrix();
      const Vector y = r.out("ytrain").asVector();
      // interpolation of the training data
      double interp = 0;
      for (Eigen::Index i = 0; i < y.size(); ++i)
        interp = std::max(interp, std::abs(y[i] - branin(x(i, 0), x(i, 1))));
      QVERIFY(interp < 1e-9 * y.cwiseAbs().maxCoeff());  // the design values are the model's
      const double train_err = r.out("train_max_rel_error").asDouble();
      const Vector m = r.out("mean").asVector(), s = r.out("std").asVector();
      const double nrmse =
          std::sqrt((m - truth).squaredNorm() / static_cast<double>(m.size())) / sd;
      // std at the training points: predict there through the model map's data
      const auto at_train = run("gp", json{{"xtrain", matrixJson(x)},
                                           {"ytrain", vectorJson(y)},
                                           {"kernel", kernel},
                                           {"seed", 2026},
                                           {"xtest", matrixJson(x)}});
      const double std_train = at_train.out("std").asVector().maxCoeff();
      // far from the data: the grid point farthest from every training point
      Eigen::Index far = 0;
      double far_d = 0;
      for (Eigen::Index i = 0; i < grid.rows(); ++i) {
        const double dmin = (x.rowwise() - grid.row(i)).rowwise().norm().minCoeff();
        if (dmin > far_d) far_d = dmin, far = i;
      }
      qInfo(
          "%s: train max rel error %.2e, NRMSE %.4f (RMSE / sd of the grid values), max std at "
          "training points "
          "%.2e, std at the farthest grid point (%.2f away) %.3f, grid sd %.2f",
          kernel, train_err, nrmse, std_train, far_d, s[far], sd);
      QVERIFY(train_err < 1e-6);
      QVERIFY(nrmse < 0.05);
      QVERIFY(std_train < 1e-3 * sd);
      QVERIFY(s[far] > 1e3 * std_train && s[far] > 1e-3 * sd);
    }
  }

  void pceIshigamiSobolIndices() {
    const double s1[3] = {0.313905, 0.442411, 0.0}, st[3] = {0.557589, 0.442411, 0.243684};
    const double pi = 3.141592653589793;
    const json inputs = json::array(
        {uniformInput("x1", -pi, pi), uniformInput("x2", -pi, pi), uniformInput("x3", -pi, pi)});
    const auto r = run("pce", json{{"model", "sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)"},
                                   {"inputs", inputs},
                                   {"degree", 12},
                                   {"seed", 2026}});
    const Vector S1 = r.out("S1").asVector(), ST = r.out("ST").asVector();
    qInfo("degree 12, n = %lld: mean %.6f (3.5), variance %.6f (13.8445879407), LOO error %.2e",
          static_cast<long long>(r.out("n").asInt()), r.out("mean").asDouble(),
          r.out("variance").asDouble(), r.out("loo_error").asDouble());
    for (int i = 0; i < 3; ++i) {
      qInfo("x%d: S1 = %.6f (truth %.6f), ST = %.6f (truth %.6f)", i + 1, S1[i], s1[i], ST[i],
            st[i]);
      QVERIFY(std::abs(S1[i] - s1[i]) < 0.02);
      QVERIFY(std::abs(ST[i] - st[i]) < 0.02);
    }
    QVERIFY(std::abs(r.out("mean").asDouble() - 3.5) < 0.02);
    QVERIFY(std::abs(r.out("variance").asDouble() - 13.8445879407) / 13.8445879407 < 0.01);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSurrogateAccuracy)

}  // namespace test_surrogate_accuracy
#include "test_surrogate_accuracy.moc"
