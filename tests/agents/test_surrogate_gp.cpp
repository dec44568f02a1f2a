// Unit tests of surrogate.gp: the likelihood gradient against finite differences for every kernel,
// interpolation and predictive std in 1-D, noise estimation, errors that name the param.
#include "surrogate_test_util.h"

#include "core/agents/surrogate/gp_model.h"

#include <cmath>
#include <random>

#include "tests/test_main.h"

namespace test_surrogate_gp {

using namespace surrogate_test;
using namespace sciagents::core::agents::surrogate;

namespace {
Matrix scattered(int n, int d, unsigned seed) {
  Matrix x(n, d);
  unsigned s = seed;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) {
      s = s * 1664525u + 1013904223u;
      x(i, j) = (s >> 8) / 16777216.0 * (j + 1.0);
    }
  return x;
}
}  // namespace

class TestSurrogateGp : public QObject {
  Q_OBJECT

 private slots:
  void likelihoodGradientMatchesFiniteDifferences() {
    const Matrix x = scattered(25, 3, 7);
    Vector y(25);
    for (int i = 0; i < 25; ++i)
      y[i] = std::sin(3 * x(i, 0)) + x(i, 1) * x(i, 2) + 0.05 * std::cos(17.0 * i);
    for (GpKernel k : {GpKernel::Rbf, GpKernel::Matern32, GpKernel::Matern52})
      for (bool fit_noise : {false, true})
        for (bool constant_mean : {false, true}) {
          GpLikelihood lik;
          lik.x = &x;
          lik.y = &y;
          lik.kernel = k;
          lik.fit_noise = fit_noise;
          lik.constant_mean = constant_mean;
          lik.fixed_noise = 1e-3;
          Vector theta(lik.dim());
          theta[0] = 0.3;
          theta[1] = std::log(0.4), theta[2] = std::log(0.9), theta[3] = std::log(1.7);
          if (fit_noise) theta[4] = std::log(0.02);
          Vector g;
          const double f = lik.value(theta, 1e-10, &g);
          QVERIFY(std::isfinite(f));
          for (Eigen::Index i = 0; i < theta.size(); ++i) {
            const double h = 1e-5;
            Vector tp = theta, tm = theta;
            tp[i] += h, tm[i] -= h;
            const double fd =
                (lik.value(tp, 1e-10, nullptr) - lik.value(tm, 1e-10, nullptr)) / (2 * h);
            const double err = std::abs(fd - g[i]) / std::max(1.0, std::abs(fd));
            if (err > 1e-6)
              qWarning("kernel %s noise %d mean %d: dL/dtheta[%d] = %.10g, finite difference %.10g",
                       gpKernelName(k).c_str(), fit_noise, constant_mean, static_cast<int>(i), g[i],
                       fd);
            QVERIFY(err < 1e-6);
          }
        }
  }

  void interpolatesIn1dAndStdGrowsAwayFromData() {
    json xs = json::array(), ys = json::array();
    for (int i = 0; i < 12; ++i) {
      const double x = i / 11.0 * 6;
      xs.push_back(x);
      ys.push_back(std::sin(x));
    }
    // test points: the training points, midpoints, and points outside the data
    json xt = json::array();
    for (int i = 0; i < 12; ++i) xt.push_back(i / 11.0 * 6);
    for (double v : {3.0 / 11.0, 9.0 / 11.0, 7.0, 8.0, 10.0}) xt.push_back(v);
    for (const char* kernel : {"rbf", "matern32", "matern52"}) {
      const auto r =
          run("gp",
              json{{"xtrain", xs}, {"ytrain", ys}, {"xtest", xt}, {"kernel", kernel}, {"seed", 1}});
      const Vector m = r.out("mean").asVector(), s = r.out("std").asVector();
      qInfo("%s: std at data %.2e, midpoint %.2e, x=7: %.2e, x=10: %.2e", kernel,
            s.head(12).maxCoeff(), s[12], s[14], s[16]);
      for (int i = 0; i < 12; ++i) QVERIFY(std::abs(m[i] - std::sin(i / 11.0 * 6)) < 1e-6);
      QVERIFY(s.head(12).maxCoeff() < 1e-3);
      QVERIFY(s[12] > s.head(12).maxCoeff());
      QVERIFY(s[14] < s[15] && s[15] < s[16]);  // grows away from the data
      QVERIFY(r.out("train_max_rel_error").asDouble() < 1e-6);
      const Map& h = r.out("hyperparameters").asMap();
      QCOMPARE(h.at("kernel").asString(), std::string(kernel));
      QVERIFY(h.at("length_scales").asVector()[0] > 0);
      QVERIFY(std::isfinite(r.out("log_marginal_likelihood").asDouble()));
      QVERIFY(r.diagnostics.count("condition_estimate") && r.diagnostics.count("jitter"));
    }
  }

  void fitsTheNoiseVariance() {
    json xs = json::array(), ys = json::array();
    double e2 = 0;
    std::mt19937 gen(12345);  // the raw engine output is specified by the standard
    for (int i = 0; i < 80; ++i) {
      const double x = i / 79.0 * 5;
      // deterministic pseudo-noise, uniform on (-0.1 sqrt 3, 0.1 sqrt 3): standard deviation ~0.1
      const double e = 0.1 * std::sqrt(3.0) * (2.0 * gen() / 4294967296.0 - 1.0);
      e2 += e * e / 80;
      xs.push_back(x);
      ys.push_back(std::sin(x) + e);
    }
    const auto r =
        run("gp",
            json{{"xtrain", xs}, {"ytrain", ys}, {"noise", "fit"}, {"kernel", "rbf"}, {"seed", 2}});
    const double nv = r.out("hyperparameters").asMap().at("noise_variance").asDouble();
    qInfo("fitted noise variance %.4g, mean square of the added noise %.4g", nv, e2);
    QVERIFY(nv > 0.5 * e2 && nv < 2 * e2);
  }

  void reproducibleWithTheSeed() {
    const json p{{"xtrain", {0.0, 0.5, 1.2, 2.0, 3.1}},
                 {"ytrain", {1.0, 0.2, -0.3, 0.8, 0.1}},
                 {"seed", 5},
                 {"restarts", 3}};
    QCOMPARE(run("gp", p).out("log_marginal_likelihood").asDouble(),
             run("gp", p).out("log_marginal_likelihood").asDouble());
  }

  void trainsOnAModelDesign() {
    const json p{{"model", "x*sin(x)"},
                 {"inputs", json::array({uniformInput("x", 0, 4)})},
                 {"n", 15},
                 {"seed", 3},
                 {"xtest", {0.5, 1.5, 2.5}}};
    const auto r = run("gp", p);
    QCOMPARE(r.out("xtrain").asMatrix().rows(), Eigen::Index{15});
    const Vector m = r.out("mean").asVector();
    for (int i = 0; i < 3; ++i) {
      const double x = 0.5 + i;
      QVERIFY(std::abs(m[i] - x * std::sin(x)) < 1e-2);
    }
  }

  void badInputsNameTheParam() {
    expectParamError("gp", json{{"xtrain", {0.0, 1.0, 2.0}}, {"ytrain", {1.0, 2.0}}}, "ytrain",
                     "xtrain has 3 rows");
    expectParamError(
        "gp",
        json{{"xtrain", json::array({json::array({0.0, 1.0}), json::array({1.0, 0.0})})},
             {"ytrain", {1.0, 2.0}},
             {"xtest", {0.5, 1.0, 2.0}}},
        "xtest", "columns");
    expectParamError("gp", json{{"ytrain", {1.0, 2.0}}}, "xtrain", "missing");
    expectParamError("gp", json{{"xtrain", {0.0, 1.0, 1.0}}, {"ytrain", {1.0, 2.0, 3.0}}}, "ytrain",
                     "same inputs");
    expectParamError("gp", json{{"xtrain", {0.0, 1.0}}, {"ytrain", {1.0, 2.0}}, {"noise", -1.0}},
                     "noise", ">= 0");
    expectParamError("gp", json{{"xtrain", {1.0, 1.0}}, {"ytrain", {1.0, 1.0}}}, "xtrain",
                     "constant");
    expectParamError("gp", json{{"model", "x"}, {"n", 10}}, "inputs", "needs `inputs`");
    // non-finite values (a NaN cannot travel through JSON: build the params directly)
    Map p{{"xtrain", Vector(Vector::LinSpaced(3, 0, 1))},
          {"ytrain", Vector(Vector::Constant(3, NAN))}};
    try {
      agent_test::runTask(task("gp"), p);
      QFAIL("no error for a NaN in ytrain");
    } catch (const Error& e) {
      QCOMPARE(e.param(), std::string("ytrain"));
      QVERIFY(std::string(e.what()).find("finite") != std::string::npos);
    }
    // duplicate points with equal values: jitter, reported as a warning
    const auto r =
        run("gp", json{{"xtrain", {0.0, 1.0, 1.0, 2.0}}, {"ytrain", {0.0, 1.0, 1.0, 0.5}}});
    QVERIFY2(r.warnings().find("duplicate") != std::string::npos, r.warnings().c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSurrogateGp)

}  // namespace test_surrogate_gp
#include "test_surrogate_gp.moc"
