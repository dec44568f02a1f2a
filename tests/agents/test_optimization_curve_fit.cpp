// optimization.curve_fit: NIST Misra1a certified values, weighted linear regression against the
// closed form, bounds, hooks and bad input.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"

#include <QtTest>

#include <Eigen/LU>

#include <cmath>
#include <string>

#include "tests/test_main.h"

namespace test_optimization_curve_fit {

using namespace sciagents::core;

namespace {

struct Result {
  Map outputs, diagnostics;
  Vector v(const char* n) const { return outputs.at(n).asVector(); }
};

const TaskSpec& task() { return *AgentRegistry::builtin().task("optimization", "curve_fit"); }

Result run(const Map& given) {
  TaskContext ctx(task(), task().resolveParams(given));
  task().run(ctx);
  return {ctx.outputs(), ctx.diagnostics()};
}

Error runError(const Map& given) {
  try {
    run(given);
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error("expected an Error");
}

Map misra1a() {
  return {{"model", "b1*(1 - exp(-b2*x))"},
          {"params", List{"b1", "b2"}},
          {"xdata", List{77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8,
                         593.1, 689.1, 760.0}},
          {"ydata", List{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05,
                         61.01, 66.40, 75.47, 81.78}},
          {"p0", List{500, 1e-4}}};
}

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

}  // namespace

class TestOptimizationCurveFit : public QObject {
  Q_OBJECT

 private slots:
  void misra1aCertifiedValues() {
    for (const Value& start :
         {Value(List{500, 1e-4}), Value(List{250, 5e-4})}) {  // NIST starts 1 and 2
      Map p = misra1a();
      p["p0"] = start;
      const Result r = run(p);
      QVERIFY(rel(r.v("popt")[0], 2.3894212918e2) < 1e-8);
      QVERIFY(rel(r.v("popt")[1], 5.5015643181e-4) < 1e-8);
      QVERIFY(rel(r.outputs.at("rss").asDouble(), 1.2455138894e-1) < 1e-9);
      QVERIFY(rel(r.v("perr")[0], 2.7070075241) < 1e-6);
      QVERIFY(rel(r.v("perr")[1], 7.2668688436e-6) < 1e-6);
      QVERIFY(r.outputs.at("success").asBool());
      const Matrix pcov = r.outputs.at("pcov").asMatrix();
      QVERIFY(std::abs(pcov(0, 1) - pcov(1, 0)) <= 1e-12 * std::abs(pcov(0, 1)));
      QCOMPARE(QString::fromStdString(r.diagnostics.at("method").asString()), QString("lm"));
    }
  }

  void weightedLinearFitMatchesClosedForm() {
    // y = a + b x with sigma_i: pcov = (X^T W X)^-1 exactly when absolute_sigma is true.
    const int m = 9;
    Vector x(m), y(m), s(m);
    for (int i = 0; i < m; ++i) {
      x[i] = i * 0.5;
      y[i] = 1.5 - 0.7 * x[i] + 0.05 * std::sin(3.0 * i);
      s[i] = 0.1 + 0.02 * i;
    }
    Matrix xm(m, 2);
    xm.col(0).setOnes();
    xm.col(1) = x;
    const Matrix w = s.array().square().inverse().matrix().asDiagonal();
    const Matrix cov = (xm.transpose() * w * xm).inverse();
    const Vector beta = cov * xm.transpose() * w * y;
    const Result r = run({{"model", "a + b*x"},
                          {"params", List{"a", "b"}},
                          {"xdata", x},
                          {"ydata", y},
                          {"sigma", s},
                          {"absolute_sigma", true}});
    QVERIFY((r.v("popt") - beta).norm() < 1e-9);
    QVERIFY((r.outputs.at("pcov").asMatrix() - cov).norm() < 1e-7 * cov.norm());
    // Without absolute_sigma the covariance is scaled by the reduced chi-square.
    const Result rs = run({{"model", "a + b*x"},
                           {"params", List{"a", "b"}},
                           {"xdata", x},
                           {"ydata", y},
                           {"sigma", s}});
    const double chi2 = (xm * beta - y).cwiseQuotient(s).squaredNorm() / (m - 2);
    QVERIFY((rs.outputs.at("pcov").asMatrix() - chi2 * cov).norm() < 1e-7 * chi2 * cov.norm());
  }

  void boundsUseTrfAndAreRespected() {
    Map p = misra1a();
    p["bounds"] = List{List{0, 200}, List{0, 1}};
    const Result r = run(p);
    QCOMPARE(QString::fromStdString(r.diagnostics.at("method").asString()), QString("trf"));
    QVERIFY(std::abs(r.v("popt")[0] - 200.0) < 1e-12);  // b1 pinned at its upper bound
    QVERIFY(r.v("popt")[1] > 5.5e-4);
    p["method"] = "lm";
    QCOMPARE(QString::fromStdString(runError(p).param()), QString("method"));
  }

  void hooks() {
    const Map p = misra1a();
    const TaskContext ctx(task(), task().resolveParams(p));
    const Map facts = task().analyze(ctx);
    QCOMPARE(facts.at("dof").asInt(), std::int64_t{12});
    QVERIFY(facts.at("jacobian_condition_p0").asDouble() > 1e3);
    QCOMPARE(QString::fromStdString(task().select(ctx).method), QString("lm"));
    const Result r = run(p);
    for (const auto& c : task().validate(ctx, r.outputs)) QVERIFY2(c.passed, c.name.c_str());
    Map wrong = r.outputs;
    Vector q = r.v("popt");
    q[1] *= 1.001;
    wrong["popt"] = q;
    bool failed = false;
    for (const auto& c : task().validate(ctx, wrong)) failed = failed || !c.passed;
    QVERIFY(failed);
  }

  void unidentifiableParametersWarn() {
    const Result r = run({{"model", "a*b*x"},
                          {"params", List{"a", "b"}},
                          {"xdata", List{1, 2, 3}},
                          {"ydata", List{2, 4.1, 5.9}},
                          {"p0", List{1, 1}}});
    QVERIFY(!std::isfinite(r.v("perr")[0]));
    QVERIFY(r.diagnostics.at("warnings").asList()[0].asString().find("singular") !=
            std::string::npos);
  }

  void badInput() {
    Map p = misra1a();
    p["ydata"] = List{1, 2, 3};
    QCOMPARE(QString::fromStdString(runError(p).param()), QString("ydata"));
    p = misra1a();
    p["model"] = "b1*(1 - exp(-b3*x))";
    QCOMPARE(QString::fromStdString(runError(p).param()), QString("model"));
    p = misra1a();
    p["sigma"] = Vector(Vector::Zero(14));
    QCOMPARE(QString::fromStdString(runError(p).param()), QString("sigma"));
    p = misra1a();
    p["p0"] = List{1};
    QCOMPARE(QString::fromStdString(runError(p).param()), QString("p0"));
    p = misra1a();
    p["model"] = "b1*log(-b2*x)";
    QCOMPARE(QString::fromStdString(runError(p).param()), QString("p0"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestOptimizationCurveFit)

}  // namespace test_optimization_curve_fit
#include "test_optimization_curve_fit.moc"
