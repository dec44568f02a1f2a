// Unit tests of the inverse tasks run directly: errors name the param, the Tikhonov solution
// solves its normal equations, results are identical for any thread count, live metrics stream.
#include "inverse_test_util.h"

#include <Eigen/Cholesky>

#include <mutex>
#include <set>

#include "tests/test_main.h"

namespace test_inverse_tasks {

using namespace inverse_test;

namespace {

class Metrics : public TaskObserver {
 public:
  void progress(std::string_view, double, std::string_view) override {}
  void metric(std::string_view, std::string_view series, double, double) override {
    std::lock_guard lock(m_mutex);
    series_seen.insert(std::string(series));
  }
  std::set<std::string> series_seen;

 private:
  std::mutex m_mutex;
};

json decayOde() {
  return {{"rhs", {"-k*y"}},
          {"states", {"y"}},
          {"y0", {1.0}},
          {"t_span", {0.0, 2.0}},
          {"constants", {{"k", 0.5}}}};
}

json smallBayes() {
  return {{"G", {{1.0, 0.0}, {1.0, 1.0}, {1.0, 2.0}}},
          {"data", {1.0, 2.1, 2.9}},
          {"sigma", 0.5},
          {"parameters",
           {{{"name", "a"}, {"prior", "normal"}, {"mu", 0.0}, {"sigma", 3.0}},
            {{"name", "b"}, {"prior", "uniform"}, {"a", -5.0}, {"b", 5.0}}}},
          {"samples", 2000},
          {"seed", 9}};
}

}  // namespace

class TestInverseTasks : public QObject {
  Q_OBJECT

 private slots:
  void badInputsNameTheParam() {
    const json a = {{1.0, 0.0}, {0.0, 1.0}};
    expectParamError("tikhonov", {{"A", a}, {"b", {1.0}}}, "b", "2 rows of A");
    expectParamError("tikhonov", {{"A", a}, {"b", {1.0, 2.0}}, {"method", "fixed"}}, "lambda",
                     "needs lambda");
    expectParamError("tikhonov", {{"A", {{0.0, 0.0}, {0.0, 0.0}}}, {"b", {1.0, 2.0}}}, "A",
                     "is zero");
    expectParamError("tikhonov", {{"A", a}, {"b", {1.0, 2.0}}, {"L", "second_difference"}}, "L",
                     "at least 3 unknowns");
    expectParamError("tikhonov", {{"A", a}, {"b", {1.0, 2.0}}, {"lambda_range", {1.0, 0.5}}},
                     "lambda_range", "0 < lo < hi");

    json b = smallBayes();
    b["sigma"] = {0.5, 0.5};
    expectParamError("bayesian", b, "sigma", "2 values for 3 (one per datum)");
    b = smallBayes();
    b["parameters"][1]["prior"] = "gamma";
    expectParamError("bayesian", b, "parameters", "\"normal\" or \"uniform\"");
    b = smallBayes();
    b["parameters"][1]["b"] = -6.0;
    expectParamError("bayesian", b, "parameters", "a < b");
    b = smallBayes();
    b["model"] = "a + b*x";
    expectParamError("bayesian", b, "model", "exactly one");
    b.erase("G");
    expectParamError("bayesian", b, "xdata", "needs xdata");
    b["xdata"] = {0.0, 1.0, 2.0};
    b["model"] = "a + q*x";
    expectParamError("bayesian", b, "model", "unknown variable 'q'");
    b["model"] = {{"step", "sim"}, {"input", "constants.k"}, {"output", "y[0]"}};
    expectParamError("bayesian", b, "model", "workflow engine");
    b = smallBayes();
    b["parameters"] = {"a", "b"};
    expectParamError("bayesian", b, "parameters", "has no prior");
    b["prior_covariance"] = {{1.0, 2.0}, {2.0, 1.0}};
    expectParamError("bayesian", b, "prior_covariance", "positive definite");

    json e = decayOde();
    e["obs_times"] = {0.5, 0.4};
    e["observations"] = {{1.0}, {0.9}};
    expectParamError("enkf", e, "obs_times", "increase strictly");
    e["obs_times"] = {0.5, 1.0};
    e["observations"] = {{1.0, 2.0}, {0.9, 1.0}};
    expectParamError("enkf", e, "observations", "expected 2 x 1");
    e["observations"] = {{1.0}, {0.9}};
    e["observed"] = {"q"};
    expectParamError("enkf", e, "observed", "'q' is not a state");
    e.erase("observed");
    e["obs_sigma"] = -1.0;
    expectParamError("enkf", e, "obs_sigma", "> 0");

    json p = decayOde();
    p["t_data"] = {0.5, 1.0, 1.5};
    p["y_data"] = {0.8, 0.6, 0.5};
    p["parameters"] = {"q"};
    expectParamError("parameter_estimation", p, "parameters", "'q' has no starting value");
    p["parameters"] = {"y0.z"};
    expectParamError("parameter_estimation", p, "parameters", "'z' is not a state");
    p["parameters"] = {"k"};
    p["t_data"] = {0.5, 1.0, 3.0};
    expectParamError("parameter_estimation", p, "t_data", "within t_span");
    p["t_data"] = {0.5, 1.0};
    expectParamError("parameter_estimation", p, "y_data", "expected 2 x 1");
    p["rhs"] = {"-k*y*w"};
    p["t_data"] = {0.5, 1.0, 1.5};
    expectParamError("parameter_estimation", p, "rhs", "w");
  }

  void tikhonovSolvesItsNormalEquations() {
    // (A^T A + lambda^2 L^T L) x = A^T b for every operator: checks the standard-form
    // transformation.
    const Shaw s = shaw(24);
    const Vector b = s.a * s.x + noise(24, 1e-2, (s.a * s.x).norm(), 1);
    for (int order = 0; order <= 2; ++order) {
      const char* name = order == 0   ? "identity"
                         : order == 1 ? "first_difference"
                                      : "second_difference";
      const double lambda = 0.03;
      const auto r = run("tikhonov", {{"A", toJson(s.a)},
                                      {"b", toJson(b)},
                                      {"L", name},
                                      {"method", "fixed"},
                                      {"lambda", lambda}});
      Matrix l = Matrix::Identity(24, 24);
      for (int o = 0; o < order; ++o)
        l = (l.bottomRows(l.rows() - 1) - l.topRows(l.rows() - 1)).eval();
      const Matrix n = s.a.transpose() * s.a + lambda * lambda * l.transpose() * l;
      const Vector x = n.ldlt().solve(s.a.transpose() * b);
      const Vector got = r.out("x").asVector();
      QVERIFY2((got - x).norm() < 1e-7 * x.norm(), name);
      QVERIFY(std::abs(r.out("residual_norm").asDouble() - (s.a * x - b).norm()) < 1e-8);
      QVERIFY(std::abs(r.out("solution_norm").asDouble() - (l * x).norm()) < 1e-6 * (l * x).norm());
      QCOMPARE(r.method(), std::string("fixed"));
    }
  }

  void tikhonovCurveAndChoice() {
    const Shaw s = shaw(32);
    const Vector b = s.a * s.x + noise(32, 1e-2, (s.a * s.x).norm(), 2);
    const auto g = run("tikhonov", {{"A", toJson(s.a)}, {"b", toJson(b)}, {"n_lambda", 100}});
    const Table& c = g.out("curve").asTable();
    QCOMPARE(c.columns.size(), std::size_t(6));
    const Vector lam = c.data[0].asVector(), gcv = c.data[2].asVector();
    QCOMPARE(lam.size(), Eigen::Index(100));
    Eigen::Index k = 0;
    gcv.minCoeff(&k);
    // The refined GCV minimiser lies between the grid neighbours of the grid minimum and is no
    // worse.
    QVERIFY(g.out("lambda").asDouble() >= lam[std::max<Eigen::Index>(k - 1, 0)]);
    QVERIFY(g.out("lambda").asDouble() <= lam[std::min<Eigen::Index>(k + 1, 99)]);
    QVERIFY(g.out("robust_gcv").asDouble() <= gcv[k] * (1 + 1e-12));
    QCOMPARE(g.method(), std::string("gcv"));
    const auto lc = run("tikhonov", {{"A", toJson(s.a)}, {"b", toJson(b)}, {"method", "lcurve"}});
    QCOMPARE(lc.method(), std::string("lcurve"));
    const Vector curv = lc.out("curve").asTable().data[5].asVector();
    QVERIFY(lc.out("curvature").asDouble() >= curv.maxCoeff() * (1 - 1e-9));
    for (const char* d : {"rank", "condition_number", "decomposition", "method_rationale"})
      QVERIFY2(g.diagnostics.count(d), d);
  }

  void bayesianSameSeedAnyThreads() {
    Metrics metrics;
    const auto r1 = run("bayesian", smallBayes(), 1, &metrics),
               r2 = run("bayesian", smallBayes(), 2);
    for (const char* k : {"mean", "ess", "rhat", "ci_lower", "ci_upper", "map"})
      QVERIFY2(r1.out(k).asVector() == r2.out(k).asVector(), k);
    QVERIFY(r1.out("samples").asMatrix() == r2.out("samples").asMatrix());
    QVERIFY(r1.out("covariance").asMatrix() == r2.out("covariance").asMatrix());
    json other = smallBayes();
    other["seed"] = 10;
    QVERIFY(run("bayesian", other).out("mean").asVector() != r1.out("mean").asVector());
    for (const char* s : {"acceptance_rate", "running_mean.a", "running_mean.b"})
      QVERIFY2(metrics.series_seen.count(s), s);
    QCOMPARE(r1.out("samples").asMatrix().rows(),
             Eigen::Index(4000));  // output_samples default (4 x 2000 kept)
    QCOMPARE(r1.out("summary").asTable().columns.size(), std::size_t(8));
    QCOMPARE(r1.method(), std::string("adaptive_metropolis"));
  }

  void bayesianExpressionModelAndUniformPrior() {
    // y = a exp(-b x) with a uniform prior on b: the posterior mean is near the truth and the
    // chains agree.
    std::vector<double> x, y;
    std::mt19937_64 rng(4);
    std::normal_distribution<double> z;
    for (int i = 0; i < 15; ++i) {
      x.push_back(0.2 * i);
      y.push_back(2 * std::exp(-0.8 * x.back()) + 0.05 * z(rng));
    }
    const auto r = run("bayesian",
                       {{"model", "a*exp(-b*x)"},
                        {"xdata", x},
                        {"data", y},
                        {"sigma", 0.05},
                        {"seed", 1},
                        {"parameters",
                         {{{"name", "a"}, {"prior", "normal"}, {"mu", 1.0}, {"sigma", 5.0}},
                          {{"name", "b"}, {"prior", "uniform"}, {"a", 0.0}, {"b", 3.0}}}},
                        {"samples", 4000},
                        {"thin", 2}},
                       2);
    const Vector lo = r.out("ci_lower").asVector(), hi = r.out("ci_upper").asVector();
    QVERIFY(lo[0] < 2 && 2 < hi[0]);
    QVERIFY(lo[1] < 0.8 && 0.8 < hi[1]);
    QVERIFY(r.out("rhat").asVector().maxCoeff() < 1.02);
    QCOMPARE(r.diagnostics.at("draws_per_chain").asInt(), std::int64_t(2000));
  }

  void bayesianMultivariatePriorOnly() {
    // Uninformative data (sigma huge): the posterior is the correlated prior.
    const auto r = run("bayesian",
                       {{"G", {{1.0, 1.0}}},
                        {"data", {0.0}},
                        {"sigma", 1e6},
                        {"parameters", {"u", "v"}},
                        {"prior_mean", {1.0, -1.0}},
                        {"prior_covariance", {{1.0, 0.8}, {0.8, 1.0}}},
                        {"samples", 20000},
                        {"seed", 2}},
                       2);
    const Vector mean = r.out("mean").asVector(), ess = r.out("ess").asVector();
    const Matrix cov = r.out("covariance").asMatrix();
    QVERIFY(std::abs(mean[0] - 1) < 4 / std::sqrt(ess[0]) &&
            std::abs(mean[1] + 1) < 4 / std::sqrt(ess[1]));
    QVERIFY(std::abs(cov(0, 1) - 0.8) < 4 * std::sqrt((1 + 0.64) / ess.minCoeff()));
    QVERIFY(r.out("rhat").asVector().maxCoeff() < 1.01);
  }

  void enkfSameSeedAnyThreadsAndPartialObservation() {
    // Harmonic oscillator observed in position only through H; the velocity is still estimated.
    json e = {{"rhs", {"v", "-x"}},   {"states", {"x", "v"}},
              {"y0", {0.5, 0.5}},     {"t_span", {0.0, 10.0}},
              {"H", {{1.0, 0.0}}},    {"obs_sigma", 0.1},
              {"ensemble_size", 30},  {"seed", 4},
              {"initial_spread", 1.0}};
    std::vector<double> times;
    json obs = json::array(), truth = json::array();
    for (int k = 1; k <= 40; ++k) {
      const double t = 0.25 * k;
      times.push_back(t);
      obs.push_back({std::cos(t) + 0.1 * std::sin(7.0 * k)});  // deterministic "noise"
      truth.push_back({std::cos(t), -std::sin(t)});
    }
    e["obs_times"] = times;
    e["observations"] = obs;
    e["truth"] = truth;
    e["spin_up"] = 10;
    Metrics metrics;
    const auto r1 = run("enkf", e, 1, &metrics), r2 = run("enkf", e, 2);
    QVERIFY(r1.out("analysis_mean").asMatrix() == r2.out("analysis_mean").asMatrix());
    QVERIFY(r1.out("final_ensemble").asMatrix() == r2.out("final_ensemble").asMatrix());
    const Matrix m = r1.out("analysis_mean").asMatrix();
    QVERIFY(std::abs(m(39, 1) - (-std::sin(10.0))) < 0.2);  // unobserved velocity recovered
    QVERIFY(r1.out("rmse").asDouble() < 0.1);
    QVERIFY(metrics.series_seen.count("analysis_rmse") && metrics.series_seen.count("spread"));
    QCOMPARE(r1.method(), std::string("stochastic_enkf"));
  }

  void parameterEstimationReportsEverything() {
    json p = decayOde();
    std::vector<double> t, y;
    for (int i = 1; i <= 8; ++i) t.push_back(0.25 * i), y.push_back(std::exp(-1.2 * t.back()));
    p["t_data"] = t;
    p["y_data"] = y;
    p["parameters"] = {{{"name", "k"}, {"init", 0.1}}};
    const auto r = run("parameter_estimation", p);
    QVERIFY(std::abs(r.out("parameters").asVector()[0] - 1.2) < 1e-6);  // exact data
    QCOMPARE(r.out("fitted").asMatrix().rows(), Eigen::Index(8));
    for (const char* d : {"converged", "termination", "ode_solves", "ode_method",
                          "method_rationale", "jacobian_condition"})
      QVERIFY2(r.diagnostics.count(d), d);
    QCOMPARE(r.method(), std::string("levenberg_marquardt"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestInverseTasks)

}  // namespace test_inverse_tasks
#include "test_inverse_tasks.moc"
