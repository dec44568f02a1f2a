// ode_pde.ivp: reference problems (REFERENCE_PROBLEMS.md), auto choice, events, t_eval, hooks, bad
// input.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"
#include "core/workflow/workflow.h"
#include "core/workflow/workflow_engine.h"

#include <QtTest>

#include <cmath>
#include <string>

#include "tests/test_main.h"

namespace test_ode_ivp {

using namespace sciagents::core;

namespace {

struct Result {
  Map outputs, diagnostics;
  const Value& out(const char* n) const { return outputs.at(n); }
  std::string diag(const char* n) const {
    return diagnostics.count(n) ? diagnostics.at(n).asString() : "";
  }
  double num(const char* n) const { return diagnostics.at(n).asDouble(); }
  std::string warnings() const {
    std::string all;
    if (auto it = diagnostics.find("warnings"); it != diagnostics.end())
      for (const auto& w : it->second.asList()) all += w.asString() + "\n";
    return all;
  }
};

const TaskSpec& ivp() { return *AgentRegistry::builtin().task("ode_pde", "ivp"); }

Result run(const Map& given) {
  TaskContext ctx(ivp(), ivp().resolveParams(given));
  ivp().run(ctx);
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

bool contains(const std::string& s, const char* needle) {
  return s.find(needle) != std::string::npos;
}

double relErr(double got, double want) { return std::abs(got - want) / std::abs(want); }

Map robertson(const char* method) {
  return {{"rhs", List{"-0.04*y1 + 1e4*y2*y3", "0.04*y1 - 1e4*y2*y3 - 3e7*y2^2", "3e7*y2^2"}},
          {"states", List{"y1", "y2", "y3"}},
          {"y0", List{1, 0, 0}},
          {"t_span", List{0, 1e11}},
          {"t_eval", List{1e11}},
          {"rtol", 1e-10},
          {"atol", 1e-20},
          {"method", method}};
}

Map vanDerPol(const char* method) {
  return {{"rhs", List{"y2", "mu*(1 - y1^2)*y2 - y1"}},
          {"states", List{"y1", "y2"}},
          {"y0", List{2, 0}},
          {"t_span", List{0, 2000}},
          {"constants", Map{{"mu", 1000}}},
          {"rtol", 1e-9},
          {"atol", 1e-11},
          {"method", method}};
}

Map lorenz(double rtol) {
  return {{"rhs", List{"sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"}},
          {"states", List{"x", "y", "z"}},
          {"y0", List{1, 1, 1}},
          {"t_span", List{0, 1}},
          {"constants", Map{{"sigma", 10}, {"rho", 28}, {"beta", 8.0 / 3.0}}},
          {"rtol", rtol},
          {"atol", rtol * 1e-3},
          {"method", "dop853"}};
}

}  // namespace

class TestOdeIvp : public QObject {
  Q_OBJECT

 private slots:
  void decayEveryMethod() {
    for (const char* m : {"auto", "rk45", "dop853", "bdf", "radau", "adams"}) {
      const Result r = run({{"rhs", List{"-0.5*y"}},
                            {"states", List{"y"}},
                            {"y0", List{1}},
                            {"t_span", List{0, 10}},
                            {"rtol", 1e-10},
                            {"atol", 1e-14},
                            {"method", m}});
      const double err = relErr(r.out("y_final").asVector()[0], std::exp(-5.0));
      QVERIFY2(err < 1e-8, (std::string(m) + " rel err " + std::to_string(err)).c_str());
      QVERIFY(r.num("nfev") > 0);
      QVERIFY(r.num("nsteps") > 0);
    }
  }

  void oscillatorReturnsHome() {
    for (const char* m : {"dop853", "rk45", "bdf", "radau"}) {
      const Result r = run({{"rhs", List{"v", "-x"}},
                            {"states", List{"x", "v"}},
                            {"y0", List{1, 0}},
                            {"t_span", List{0, 20 * M_PI}},
                            {"rtol", 1e-10},
                            {"atol", 1e-12},
                            {"method", m}});
      const Vector& y = r.out("y_final").asVector();
      QVERIFY2(std::abs(y[0] - 1) < 1e-7 && std::abs(y[1]) < 1e-7, m);
      QVERIFY2(std::abs(y.squaredNorm() - 1) < 1e-7, m);
    }
  }

  void robertsonAutoPicksBdf() {
    const Result r = run(robertson("auto"));
    const Vector& y = r.out("y_final").asVector();
    QVERIFY2(relErr(y[0], 2.083340149701255e-8) < 1e-6, std::to_string(y[0]).c_str());
    QVERIFY2(relErr(y[1], 8.333360770334713e-14) < 1e-6, std::to_string(y[1]).c_str());
    QVERIFY(relErr(y[2], 0.9999999791665050) < 1e-6);
    QVERIFY(std::abs(y.sum() - 1) < 1e-12);
    QCOMPARE(QString::fromStdString(r.diag("method")), QString("bdf"));
    QVERIFY2(contains(r.diag("method_rationale"), "stiff"), r.diag("method_rationale").c_str());
    QVERIFY(r.diagnostics.at("stiff").asBool());
    QVERIFY(r.num("nlu") > 0);
  }

  void robertsonAnalyticJacobianAgrees() {
    Map p = robertson("bdf");
    p["jac"] = List{List{"-0.04", "1e4*y3", "1e4*y2"}, List{"0.04", "-1e4*y3 - 6e7*y2", "-1e4*y2"},
                    List{"0", "6e7*y2", "0"}};
    const Result r = run(p);
    const Vector& y = r.out("y_final").asVector();
    QVERIFY(relErr(y[0], 2.083340149701255e-8) < 1e-6);
    QVERIFY(relErr(y[1], 8.333360770334713e-14) < 1e-6);
    QVERIFY(r.num("njev") > 0);
  }

  void vanDerPolAutoPicksBdf() {
    const Result r = run(vanDerPol("auto"));
    const Vector& y = r.out("y_final").asVector();
    QVERIFY2(relErr(y[0], 1.706167732170469) < 1e-5, std::to_string(y[0]).c_str());
    QVERIFY2(relErr(y[1], -8.928097010248125e-4) < 1e-5, std::to_string(y[1]).c_str());
    QCOMPARE(QString::fromStdString(r.diag("method")), QString("bdf"));
    QVERIFY(r.num("stiffness_ratio") > 1e6);
  }

  // Radau IIA on the stiff reference problems (REFERENCE_PROBLEMS.md values): with the Jacobian
  // by automatic differentiation, given, or by difference quotients, at tolerances where its
  // global error is far below BDF's at the same settings.
  void radauSolvesTheStiffReferenceProblems() {
    struct Case {
      Map params;
      Vector ref;
      double tol;
    };
    Map rob = robertson("radau"), rob_jac = rob, vdp = vanDerPol("radau");
    rob_jac["jac"] = List{List{"-0.04", "1e4*y3", "1e4*y2"},
                          List{"0.04", "-1e4*y3 - 6e7*y2", "-1e4*y2"}, List{"0", "6e7*y2", "0"}};
    const Vector rob_ref{{2.083340149701255e-8, 8.333360770334713e-14, 0.9999999791665050}};
    for (const auto& [params, ref, tol] :
         {Case{rob, rob_ref, 1e-6}, Case{rob_jac, rob_ref, 1e-6},
          Case{vdp, Vector{{1.706167732170469, -8.928097010248125e-4}}, 1e-5}}) {
      const Result r = run(params);
      const Vector& y = r.out("y_final").asVector();
      for (Eigen::Index i = 0; i < y.size(); ++i)
        QVERIFY2(relErr(y[i], ref[i]) < tol,
                 (std::to_string(i) + ": " + std::to_string(y[i])).c_str());
      QCOMPARE(QString::fromStdString(r.diag("method")), QString("radau"));
      QVERIFY(r.num("nlu") > 0 && r.num("njev") > 0);
      QVERIFY(!r.diag("jacobian_source").empty());
    }
    // No compiled Jacobian (banded is refused for radau's full LU: difference quotients, warned).
    Map fd = vanDerPol("radau");
    fd["lband"] = 1;
    fd["uband"] = 1;
    const Result r = run(fd);
    QVERIFY2(contains(r.warnings(), "lband/uband apply to bdf only"), r.warnings().c_str());
    QCOMPARE(QString::fromStdString(r.diag("jacobian_source")), QString("finite differences"));
    QVERIFY(relErr(r.out("y_final").asVector()[0], 1.706167732170469) < 1e-5);
  }

  void explicitRunOnStiffProblemSwitchesToBdf() {
    // Stiff only later: at t0 the fast mode is inactive (y2 = 0 keeps the Jacobian mild), so auto
    // starts explicit.
    Map p{{"rhs", List{"-0.04*y1 + 1e4*y2*y3", "0.04*y1 - 1e4*y2*y3 - 3e7*y2^2", "3e7*y2^2"}},
          {"states", List{"y1", "y2", "y3"}},
          {"y0", List{1, 0, 0}},
          {"t_span", List{0, 40}},
          {"rtol", 1e-6},
          {"atol", 1e-10},
          {"method", "auto"}};
    const Result r = run(p);
    QVERIFY2(contains(r.diag("method"), "->bdf"), r.diag("method").c_str());
    QVERIFY(contains(r.diag("method_rationale"), "switched to bdf"));
    QVERIFY(r.diagnostics.count("switched_to_bdf_at"));
    QVERIFY(std::abs(r.out("y_final").asVector().sum() - 1) < 1e-8);
    // Requested explicit: keeps going but warns.
    p["method"] = "rk45";
    const Result e = run(p);
    QVERIFY2(contains(e.warnings(), "stiff"), e.warnings().c_str());
    QVERIFY(e.num("nsteps") > 5 * r.num("nsteps"));
  }

  void lorenzAgreesWithTighterSolve() {
    const Vector a = run(lorenz(1e-9)).out("y_final").asVector();
    const Vector b = run(lorenz(1e-12)).out("y_final").asVector();
    const double diff = (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
    QVERIFY2(diff < 1e-6, std::to_string(diff).c_str());
    const Vector c = run({{"rhs", List{"sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"}},
                          {"states", List{"x", "y", "z"}},
                          {"y0", List{1, 1, 1}},
                          {"t_span", List{0, 1}},
                          {"constants", Map{{"sigma", 10}, {"rho", 28}, {"beta", 8.0 / 3.0}}},
                          {"rtol", 1e-12},
                          {"atol", 1e-15},
                          {"method", "bdf"}})
                         .out("y_final")
                         .asVector();
    QVERIFY2((c - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff() < 1e-8,
             "bdf and dop853 agree");
  }

  void fallingBallTerminalEvent() {
    // h(t) = 10 - g t^2 / 2 hits 0 at sqrt(20/g); first crossing downward.
    const double g = 9.81, t_hit = std::sqrt(20 / g);
    for (const char* m : {"rk45", "dop853", "bdf", "radau", "adams"}) {
      const Result r = run({{"rhs", List{"v", "-g"}},
                            {"states", List{"h", "v"}},
                            {"y0", List{10, 0}},
                            {"t_span", List{0, 10}},
                            {"constants", Map{{"g", g}}},
                            {"events", List{"h"}},
                            {"terminal", true},
                            {"direction", -1},
                            {"rtol", 1e-10},
                            {"atol", 1e-12},
                            {"method", m}});
      const double tf = r.out("t_final").asDouble();
      QVERIFY2(std::abs(tf - t_hit) < 1e-8, (std::string(m) + " " + std::to_string(tf)).c_str());
      QCOMPARE(r.out("t_events").asList()[0].asVector().size(), 1);
      QVERIFY(std::abs(r.out("y_final").asVector()[0]) < 1e-8);
      QVERIFY(std::abs(r.out("y_final").asVector()[1] + g * t_hit) < 1e-7);
      QCOMPARE(QString::fromStdString(r.diag("status")), QString("stopped by a terminal event"));
    }
  }

  void nonTerminalEventsAreRecorded() {
    // x = cos t crosses zero at pi/2 + k pi; upward only at 3pi/2, 7pi/2.
    for (const char* m : {"dop853", "bdf", "radau"}) {
      const Result r =
          run({{"rhs", List{"v", "-x"}},
               {"states", List{"x", "v"}},
               {"y0", List{1, 0}},
               {"t_span", List{0, 12}},
               {"events", List{Map{{"expr", "x"}}, Map{{"expr", "x"}, {"direction", 1}}}},
               {"rtol", 1e-10},
               {"atol", 1e-12},
               {"method", m}});
      const Vector both = r.out("t_events").asList()[0].asVector();
      const Vector up = r.out("t_events").asList()[1].asVector();
      QCOMPARE(both.size(), 4);
      QCOMPARE(up.size(), 2);
      for (Eigen::Index k = 0; k < both.size(); ++k)
        QVERIFY2(std::abs(both[k] - (M_PI / 2 + k * M_PI)) < 1e-8, m);
      QVERIFY(std::abs(up[1] - 3.5 * M_PI) < 1e-8);
      QCOMPARE(r.out("y_events").asList()[1].asMatrix().rows(), 2);
      QVERIFY(r.out("t_final").asDouble() == 12);
    }
  }

  void tEvalAndLinspace() {
    for (const char* m : {"rk45", "dop853", "rk23", "bdf", "radau", "adams"}) {
      const Result r = run({{"rhs", List{"-0.5*y"}},
                            {"states", List{"y"}},
                            {"y0", List{1}},
                            {"t_span", List{0, 10}},
                            {"t_eval", Map{{"linspace", List{0, 10, 11}}}},
                            {"rtol", 1e-8},
                            {"atol", 1e-12},
                            {"method", m}});
      const Vector& t = r.out("t").asVector();
      const Matrix& y = r.out("y").asMatrix();
      QCOMPARE(t.size(), 11);
      QCOMPARE(y.rows(), 11);
      QCOMPARE(y.cols(), 1);
      for (Eigen::Index i = 0; i < t.size(); ++i) {
        QCOMPARE(t[i], static_cast<double>(i));
        QVERIFY2(relErr(y(i, 0), std::exp(-0.5 * t[i])) < 1e-6,
                 m);  // dense output, not only step ends
      }
    }
  }

  void backwardIntegration() {
    for (const char* m : {"dop853", "bdf", "radau"}) {
      const Result r = run({{"rhs", List{"-0.5*y"}},
                            {"states", List{"y"}},
                            {"y0", List{std::exp(-5.0)}},
                            {"t_span", List{10, 0}},
                            {"t_eval", List{10, 5, 0}},
                            {"rtol", 1e-10},
                            {"atol", 1e-14},
                            {"method", m}});
      QVERIFY2(relErr(r.out("y_final").asVector()[0], 1.0) < 1e-8, m);
      QVERIFY(relErr(r.out("y").asMatrix()(1, 0), std::exp(-2.5)) < 1e-8);
    }
  }

  void bandedJacobian() {
    // 1D diffusion, 50 cells: tridiagonal (lband = uband = 1), stiff.
    const int n = 50;
    List rhs, states, y0, jac;
    for (int i = 0; i < n; ++i) {
      const std::string u = "u" + std::to_string(i);
      const std::string l = i > 0 ? "u" + std::to_string(i - 1) : "0",
                        rr = i < n - 1 ? "u" + std::to_string(i + 1) : "0";
      rhs.emplace_back("k*(" + l + " - 2*" + u + " + " + rr + ")");
      states.emplace_back(u);
      y0.emplace_back(std::sin(M_PI * (i + 1) / (n + 1)));
    }
    Map p{{"rhs", rhs},
          {"states", states},
          {"y0", y0},
          {"t_span", List{0, 0.1}},
          {"constants", Map{{"k", 1.0 * (n + 1) * (n + 1)}}},
          {"rtol", 1e-8},
          {"atol", 1e-12},
          {"method", "bdf"},
          {"lband", 1},
          {"uband", 1}};
    const Result r = run(p);
    // Exact: the first mode decays with the discrete eigenvalue -4 k sin^2(pi / (2 (n+1))).
    const double lam = -4.0 * (n + 1) * (n + 1) * std::pow(std::sin(M_PI / (2.0 * (n + 1))), 2);
    const Vector& y = r.out("y_final").asVector();
    for (int i = 0; i < n; ++i)
      QVERIFY(std::abs(y[i] - std::exp(lam * 0.1) * std::sin(M_PI * (i + 1) / (n + 1))) < 1e-6);
    p["method"] = "auto";
    const Result a = run(p);
    QCOMPARE(QString::fromStdString(a.diag("method")), QString("bdf"));
  }

  void hooksAnalyzeSelectValidate() {
    const Map params = ivp().resolveParams(vanDerPol("auto"));
    TaskContext ctx(ivp(), params);
    const Map facts = ivp().analyze(ctx);
    QVERIFY(facts.at("stiff").asBool());
    QCOMPARE(facts.at("dimension").asInt(), 2);
    QVERIFY(facts.at("spectral_radius").asDouble() > 2999 &&
            facts.at("spectral_radius").asDouble() < 3001);
    QCOMPARE(QString::fromStdString(facts.at("jacobian_source").asString()),
             QString("automatic differentiation"));
    QCOMPARE(QString::fromStdString(ivp().select(ctx).method), QString("bdf"));
    // Non-stiff tight tolerance -> dop853; loose -> rk45.
    Map lp = lorenz(1e-9);
    lp["method"] = "auto";
    TaskContext lctx(ivp(), ivp().resolveParams(lp));
    QCOMPARE(QString::fromStdString(ivp().select(lctx).method), QString("dop853"));
    QVERIFY(!ivp().analyze(lctx).at("stiff").asBool());
    lp["rtol"] = 1e-4;
    TaskContext l2(ivp(), ivp().resolveParams(lp));
    QCOMPARE(QString::fromStdString(ivp().select(l2).method), QString("rk45"));
    // validate: an honest result passes; a corrupted one fails.
    Map op = lorenz(1e-9);
    TaskContext octx(ivp(), ivp().resolveParams(op));
    ivp().run(octx);
    Map outs = octx.outputs();
    auto checks = ivp().validate(octx, outs);
    QVERIFY(checks.size() >= 2);
    for (const auto& c : checks)
      QVERIFY2(c.passed, (c.name + " " + c.detail + " " + std::to_string(c.value)).c_str());
    Matrix y = outs.at("y").asMatrix();
    y(y.rows() - 1, 0) *= 1.001;
    outs["y"] = y;
    checks = ivp().validate(octx, outs);
    QVERIFY(!checks[0].passed);
  }

  void badInput() {
    const Map ok{
        {"rhs", List{"-y"}}, {"states", List{"y"}}, {"y0", List{1}}, {"t_span", List{0, 1}}};
    auto with = [&](const char* k, Value v) {
      Map m = ok;
      m[k] = std::move(v);
      return runError(m);
    };
    Error e = with("rhs", List{"-y", "y"});
    QCOMPARE(QString::fromStdString(e.param()), QString("rhs"));
    QVERIFY2(contains(e.what(), "2 expressions for 1 states"), e.what());
    e = with("rhs", List{"-y*q + 1"});
    QVERIFY2(contains(e.what(), "rhs[0]") && contains(e.what(), "'q'") &&
                 contains(e.what(), "position 3"),
             e.what());
    e = with("y0", List{std::nan("")});
    QCOMPARE(QString::fromStdString(e.param()), QString("y0"));
    QVERIFY2(contains(e.what(), "finite"), e.what());
    e = with("t_span", List{1, 1});
    QVERIFY2(contains(e.what(), "zero length"), e.what());
    e = with("t_eval", List{0, 2});
    QVERIFY2(contains(e.what(), "outside t_span"), e.what());
    e = with("y0", List{1, 2});
    QVERIFY(contains(e.what(), "2 values for 1 states"));
    e = with("atol", List{1e-6, 1e-6});
    QCOMPARE(QString::fromStdString(e.param()), QString("atol"));
    e = with("jac", List{List{"-1", "0"}});
    QCOMPARE(QString::fromStdString(e.param()), QString("jac"));
    e = with("states", List{"t"});
    QCOMPARE(QString::fromStdString(e.param()), QString("states"));
    e = with("method", "euler");
    QCOMPARE(e.code(), ErrorCode::InvalidInput);
  }

  void blowUpFailsClearly() {
    for (const char* m : {"rk45", "dop853", "bdf", "auto"}) {
      const Error e = runError({{"rhs", List{"y^2"}},
                                {"states", List{"y"}},
                                {"y0", List{1}},
                                {"t_span", List{0, 2}},
                                {"method", m}});
      QCOMPARE(e.code(), ErrorCode::RunFailed);
      QVERIFY2(contains(e.what(), "blows up") && contains(e.what(), "partial: reached t = "),
               e.what());
      // The failure is near the singularity at t = 1.
      const std::string s = e.what();
      const double t = std::stod(s.substr(s.find("failed at t = ") + 14));
      QVERIFY2(t > 0.99 && t <= 1.0 + 1e-6, e.what());
    }
  }

  void maxNumStepsExceeded() {
    for (const char* m : {"rk45", "bdf"}) {
      const Error e = runError({{"rhs", List{"v", "-x"}},
                                {"states", List{"x", "v"}},
                                {"y0", List{1, 0}},
                                {"t_span", List{0, 100}},
                                {"rtol", 1e-10},
                                {"max_num_steps", 50},
                                {"method", m}});
      QCOMPARE(e.code(), ErrorCode::RunFailed);
      QVERIFY2(contains(e.what(), "max_num_steps = 50"), e.what());
    }
  }

  void constantsFromALinkedStep() {
    const char* wf =
        "{\"sciagents\": 1, \"steps\": ["
        "{\"id\": \"k\", \"agent\": \"workflow_orchestration\", \"task\": \"value\", \"params\": "
        "{\"value\": 0.5}},"
        "{\"id\": \"sim\", \"agent\": \"ode_pde\", \"task\": \"ivp\", \"params\": {\"rhs\": "
        "[\"-k*y\"], \"states\": [\"y\"],"
        " \"y0\": [1], \"t_span\": [0, 10], \"rtol\": 1e-10, \"atol\": 1e-14, \"constants\": "
        "{\"k\": {\"from\": \"k.value\"}}}}]}";
    RunOptions o;
    o.use_cache = false;
    const RunResult r = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wf), o);
    const StepResult* s = r.step("sim");
    QVERIFY(s);
    QVERIFY2(s->status == StepStatus::Succeeded, s->error.c_str());
    QVERIFY(relErr(s->outputs.at("y_final").asVector()[0], std::exp(-5.0)) < 1e-8);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestOdeIvp)

}  // namespace test_ode_ivp
#include "test_ode_ivp.moc"
