// Unit tests of the physics_informed_ml building blocks and tasks: exact input derivatives and
// loss gradients against central finite differences, the affine-residual contract, bad inputs,
// reproducibility and live metrics.
#include "core/agents/physics_informed_ml/pinn_loss.h"
#include "core/agents/physics_informed_ml/tanh_mlp.h"
#include "pinn_test_util.h"

#include <cmath>

#include "tests/test_main.h"

namespace test_pinn_tasks {

using namespace pinn_test;
using namespace sciagents::core::agents::pinn;

namespace {

// Random weights with nonzero biases, so every term of the derivative propagation is exercised.
Vector randomWeights(const TanhMlp& net, std::uint64_t seed) {
  Vector t = net.initialParameters(seed);
  const Vector noise = net.initialParameters(seed + 1);
  for (Eigen::Index i = 0; i < t.size(); ++i) t[i] += 0.3 * noise[(i * 7 + 3) % t.size()];
  return t;
}

Matrix randomPoints(Eigen::Index d, Eigen::Index n, std::uint64_t seed) {
  TanhMlp probe({static_cast<int>(d * n), 1, 1});
  return probe.initialParameters(seed).head(d * n).reshaped(d, n);
}

double relDiff(double a, double b) {
  return std::abs(a - b) / std::max(1.0, std::max(std::abs(a), std::abs(b)));
}

double uAt(const TanhMlp& net, const Vector& theta, Matrix x) {
  TanhMlp::Tape t;
  net.forward(theta, x, 0, t);
  return t.u[0];
}

// Loss gradient against central differences, relative to the gradient's size.
void checkLossGradient(const PinnLoss& loss, const Vector& p) {
  Vector g;
  loss.value(p, &g);
  QCOMPARE(g.size(), p.size());
  const double scale = std::max(1.0, g.cwiseAbs().maxCoeff());
  double worst = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    const double h = 1e-6 * std::max(1.0, std::abs(p[i]));
    Vector a = p, b = p;
    a[i] += h;
    b[i] -= h;
    const double fd = (loss.value(a, nullptr) - loss.value(b, nullptr)) / (2 * h);
    worst = std::max(worst, std::abs(fd - g[i]) / scale);
  }
  QVERIFY2(worst < 1e-6, std::to_string(worst).c_str());
}

}  // namespace

class TestPinnTasks : public QObject {
  Q_OBJECT

 private slots:
  void inputDerivativesMatchFiniteDifferences() {
    for (int d = 1; d <= 2; ++d) {
      const TanhMlp net({d, 6, 5, 1});
      const Vector theta = randomWeights(net, 11 + static_cast<std::uint64_t>(d));
      const Matrix x = randomPoints(d, 5, 3);
      TanhMlp::Tape t;
      net.forward(theta, x, 2, t);
      for (Eigen::Index i = 0; i < x.cols(); ++i) {
        QVERIFY(relDiff(t.u[i], uAt(net, theta, x.col(i))) < 1e-14);
        for (int j = 0; j < d; ++j) {
          const double h1 = 1e-5, h2 = 2e-4;
          Matrix a = x.col(i), b = x.col(i), a2 = x.col(i), b2 = x.col(i);
          a(j, 0) += h1, b(j, 0) -= h1, a2(j, 0) += h2, b2(j, 0) -= h2;
          const double fd1 = (uAt(net, theta, a) - uAt(net, theta, b)) / (2 * h1);
          const double fd2 = (uAt(net, theta, a2) - 2 * t.u[i] + uAt(net, theta, b2)) / (h2 * h2);
          QVERIFY2(relDiff(t.ux(j, i), fd1) < 1e-8,
                   (std::to_string(t.ux(j, i)) + " vs " + std::to_string(fd1)).c_str());
          QVERIFY2(relDiff(t.uxx(j, i), fd2) < 1e-6,
                   (std::to_string(t.uxx(j, i)) + " vs " + std::to_string(fd2)).c_str());
        }
      }
    }
  }

  void lossGradientMatchesFiniteDifferences1D() {
    const TanhMlp net({1, 8, 6, 1});
    const std::vector<std::string> axes{"x"};
    const AffineResidual pde("residual", "u_xx + (1+x)*u_x - 2*u + pi^2*sin(pi*x) ", axes, {});
    const AffineResidual bc("conditions", "u_x - 1", axes, {});
    std::vector<LossTerm> terms;
    terms.push_back(makeTerm("pde", pde, Matrix(randomPoints(1, 9, 5).array() * 0.5 + 0.5), 1.0));
    terms.push_back(makeTerm("bc", bc, Matrix::Zero(1, 1), 3.0));
    const PinnLoss loss(net, Vector::Constant(1, 2.0), Vector::Constant(1, -1.0), std::move(terms),
                        false);
    checkLossGradient(loss, randomWeights(net, 21));
  }

  void lossGradientMatchesFiniteDifferences2DWithUnknown() {
    const TanhMlp net({2, 7, 5, 1});
    const std::vector<std::string> axes{"x", "t"};
    const AffineResidual pde("residual", "u_t - k*u_xx + 0.5*u_x*x + k*sin(x)*t - u_tt", axes, {},
                             "k");
    QVERIFY(pde.usesUnknown());
    QCOMPARE(pde.order(), 2);
    std::vector<LossTerm> terms;
    terms.push_back(makeTerm("pde", pde, randomPoints(2, 11, 8), 1.0));
    terms.push_back(makeDataTerm(randomPoints(2, 4, 9), Vector::LinSpaced(4, 0.1, 0.4), 2.0));
    const PinnLoss loss(net, Vector::Constant(2, 1.5), Vector::Constant(2, 0.2), std::move(terms),
                        true);
    Vector p(loss.dimension());
    p << randomWeights(net, 31), 0.8;
    checkLossGradient(loss, p);
  }

  void affineCoefficientsAreExact() {
    const AffineResidual r("residual", "3*u_xx - x*u + k*u_x + k*x^2 + cos(x) ", {"x"}, {}, "k");
    Matrix x(1, 2);
    x << 0.5, 2.0;
    const ResidualCoefficients c = r.at(x);
    // quantities in order of appearance: u_xx, u, u_x
    QCOMPARE(r.quantities()[0].name, std::string("u_xx"));
    QVERIFY(std::abs(c.c[0][1] - 3) < 1e-14 && std::abs(c.c[1][1] + 2) < 1e-14 &&
            std::abs(c.d[2][0] - 1) < 1e-14);
    QVERIFY(std::abs(c.g[1] - 4) < 1e-12 && std::abs(c.f[0] - std::cos(0.5)) < 1e-14);
  }

  void nonlinearOrUnsupportedResidualsAreRejected() {
    const std::string conds =
        R"(,"conditions":[{"where":{"x":0},"value":0}],"epochs":1,"lbfgs_iterations":0})";
    expectParamError("pinn", R"({"domain":[0,1],"residual":"u*u_x + 1")" + conds, "residual",
                     "affine");
    expectParamError("pinn", R"({"domain":[0,1],"residual":"sin(u_xx) ")" + conds, "residual",
                     "affine");
    expectParamError("pinn", R"({"domain":[0,1],"residual":"u_xy")" + conds, "residual",
                     "mixed derivatives");
    expectParamError("pinn", R"({"domain":[0,1],"residual":"u_xx + q")" + conds, "residual",
                     "unknown variable 'q'");
    expectParamError("pinn", R"({"domain":[0,1],"residual":"sin(x) ")" + conds, "residual",
                     "does not involve u");
    expectParamError("pinn", poisson1d(R"(,"conditions":[{"where":{"x":0},"residual":"u_x/x"}])"),
                     "conditions", "not finite at x=0");
    expectParamError(
        "pinn_inverse",
        R"({"domain":[0,1],"residual":"u_xx + k^2","x_obs":[0.5,0.6],"u_obs":[1,1])" + conds,
        "residual", "affine");
    expectParamError(
        "pinn_inverse",
        R"({"domain":[0,1],"residual":"u_xx + 1","x_obs":[0.5,0.6],"u_obs":[1,1])" + conds,
        "residual", "does not contain the unknown 'k'");
  }

  void badInputsNameTheParam() {
    expectParamError("pinn", poisson1d(R"(,"domain":[1,0])"), "domain", "lo < hi");
    expectParamError("pinn", poisson1d(R"(,"domain":[[0,1],[0,1]])"), "domain", "1 x 2");
    expectParamError("pinn", poisson1d(R"(,"conditions":[])"), "conditions", "non-empty");
    expectParamError("pinn", poisson1d(R"(,"conditions":[{"where":{"y":0},"value":0}])"),
                     "conditions", "\"y\" is not one of the variables");
    expectParamError("pinn", poisson1d(R"(,"conditions":[{"where":{"x":2},"value":0}])"),
                     "conditions", "outside the domain");
    expectParamError("pinn", poisson1d(R"(,"conditions":[{"where":{"x":0}}])"), "conditions",
                     "exactly one of");
    expectParamError("pinn", poisson1d(R"(,"conditions":[{"where":{"x":0},"value":"u^2"}])"),
                     "conditions", "affine");
    expectParamError("pinn", poisson1d(R"(,"conditions":[{"at":{"x":0},"value":0}])"), "conditions",
                     "unknown field");
    expectParamError("pinn", poisson1d(R"(,"hidden_layers":[])"), "hidden_layers",
                     "at least one hidden layer");
    expectParamError("pinn", poisson1d(R"(,"hidden_layers":[2.5])"), "hidden_layers", "integers");
    expectParamError("pinn", poisson1d(R"(,"variables":["x","u_y"],"domain":[[0,1],[0,1]])"),
                     "variables", "reserved");
    expectParamError("pinn", poisson1d(R"(,"initial_weights":[1,2,3])"), "initial_weights",
                     "has 3 values");
    expectParamError(
        "pinn_inverse",
        R"({"domain":[0,1],"residual":"k*u_xx + 1","conditions":[{"where":{"x":0},"value":0}],)"
        R"("x_obs":[0.1,0.2],"u_obs":[1]})",
        "u_obs", "has 1 values for 2 points");
    expectParamError("pinn", poisson1d(R"(,"evaluate_at":"x","epochs":1,"lbfgs_iterations":0)"),
                     "evaluate_at", "expected a vector");
  }

  void sameSeedSameResultAnyThreadsAndLiveMetrics() {
    const std::string p = poisson1d(
        R"(,"hidden_layers":[6],"epochs":60,"lbfgs_iterations":40,"seed":4,"eval_points":11)");
    MetricLog log;
    const auto a = run("pinn", p, &log), b = run("pinn", p);
    QVERIFY(a.out("u").asVector() == b.out("u").asVector());
    {  // and with 2 threads
      const TaskSpec& t = task("pinn");
      TaskContext ctx(t, t.resolveParams(fromJson(nlohmann::json::parse(p)).asMap()));
      ctx.setThreads(2);
      t.run(ctx);
      QVERIFY(ctx.outputs().at("u").asVector() == a.out("u").asVector());
    }
    QVERIFY(log.count["loss"] > 20);
    const auto c = run(
        "pinn",
        poisson1d(
            R"(,"hidden_layers":[6],"epochs":60,"lbfgs_iterations":40,"seed":5,"eval_points":11)"));
    QVERIFY(c.out("u").asVector() != a.out("u").asVector());
    const Table& h = a.out("history").asTable();
    QCOMPARE(h.columns[1], std::string("loss"));
    QVERIFY(h.data[1].asVector().size() > 50);
    QVERIFY(a.out("loss").asDouble() < h.data[1].asVector()[0]);  // training lowered the loss
    QCOMPARE(a.out("x").asVector().size(), Eigen::Index(11));
    QCOMPARE(a.out("weights").asVector().size(), Eigen::Index(6 * 2 + 7));
    for (const char* d : {"method", "optimiser", "residual_rms_fresh_points", "parameters", "seed"})
      QVERIFY2(a.diagnostics.count(d), d);
    // Warm start: the weights of a run reproduce its prediction without training.
    nlohmann::json w = toJson(a.out("weights"));
    const auto warm =
        run("pinn",
            poisson1d(R"(,"hidden_layers":[6],"epochs":0,"lbfgs_iterations":0,"eval_points":11,)"
                      R"("initial_weights":)" +
                      w.dump()));
    QVERIFY((warm.out("u").asVector() - a.out("u").asVector()).cwiseAbs().maxCoeff() < 1e-12);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestPinnTasks)

}  // namespace test_pinn_tasks
#include "test_pinn_tasks.moc"
