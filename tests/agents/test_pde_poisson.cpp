// ode_pde.poisson: reference problems (2-D/3-D sine), observed order, every solver, Neumann faces,
// hooks and bad input.
#include "test_pde_util.h"

#include "core/agent/agent_registry.h"
#include "core/agents/ode_pde/pde_common.h"
#include "core/workflow/workflow_engine.h"

#include <vector>

#include "tests/test_main.h"

namespace test_pde_poisson {

using namespace pde_test;

namespace {
const char* kSin2 = "sin(pi*x)*sin(pi*y)";
const char* kSin3 = "sin(pi*x)*sin(pi*y)*sin(pi*z)";

Map sine2(std::int64_t n, const char* solver = "auto") {
  return {{"dim", 2},
          {"n", n},
          {"f", "2*pi^2*sin(pi*x)*sin(pi*y)"},
          {"exact", kSin2},
          {"solver", solver}};
}
Map sine3(std::int64_t n, const char* solver = "auto") {
  return {{"dim", 3},
          {"n", n},
          {"f", "3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)"},
          {"exact", kSin3},
          {"solver", solver}};
}
}  // namespace

class TestPdePoisson : public QObject {
  Q_OBJECT

 private slots:
  void reference2dGridFieldAndAxes() {
    const Result r = run("poisson", sine2(63));
    const GridField& u = r.out("u").asGrid();
    QCOMPARE(u.axes.size(), std::size_t(2));
    QCOMPARE(u.axes[0].size(), 65);
    QCOMPARE(u.values.size(), 65 * 65);
    QCOMPARE(r.out("x").asVector().size(), 65);
    QVERIFY(std::abs(u.values[32 * 65 + 32] - 1.0) < 1e-3);  // centre node (0.5, 0.5)
    QVERIFY(r.out("error_max").asDouble() < 3e-4);
    QVERIFY(r.out("residual").asDouble() < 1e-12);
    QCOMPARE(QString::fromStdString(r.method()), QString("direct"));
    QVERIFY2(r.rationale().find("3969 unknowns") != std::string::npos, r.rationale().c_str());
  }

  void observedOrderTwoIn2dOverThreeRefinements() {
    std::vector<double> h, e;
    for (std::int64_t n : {15, 31, 63, 127}) {
      h.push_back(1.0 / static_cast<double>(n + 1));
      e.push_back(run("poisson", sine2(n)).out("error_max").asDouble());
    }
    const double p = sciagents::core::agents::ode::pde::observedOrder(h, e);
    QVERIFY2(std::abs(p - 2.0) <= 0.1, std::to_string(p).c_str());
  }

  void observedOrderTwoIn3dWithMultigrid() {
    std::vector<double> h, e;
    for (std::int64_t n : {7, 15, 31}) {
      h.push_back(1.0 / static_cast<double>(n + 1));
      const Result r = run("poisson", sine3(n));
      QCOMPARE(QString::fromStdString(r.method()), QString("mg_cg"));
      e.push_back(r.out("error_max").asDouble());
    }
    const double p = sciagents::core::agents::ode::pde::observedOrder(h, e);
    QVERIFY2(std::abs(p - 2.0) <= 0.1, std::to_string(p).c_str());
  }

  void everySolverAgrees() {
    // n even exercises the non-aligned multigrid coarsening.
    for (std::int64_t n : {40, 41}) {
      const Vector ref = run("poisson", sine2(n, "direct")).out("u").asGrid().values;
      for (const char* s : {"cg", "mg_cg"}) {
        const Result r = run("poisson", sine2(n, s));
        QVERIFY2((r.out("u").asGrid().values - ref).cwiseAbs().maxCoeff() < 1e-8, s);
        QVERIFY(r.diagnostics.at("iterations").asInt() > 0);
      }
    }
    // Multigrid keeps the iteration count flat under refinement.
    const auto it1 = run("poisson", sine2(127, "mg_cg")).diagnostics.at("iterations").asInt();
    const auto it2 = run("poisson", sine2(511, "mg_cg")).diagnostics.at("iterations").asInt();
    QVERIFY2(it2 <= it1 + 3 && it2 <= 20,
             (std::to_string(it1) + " " + std::to_string(it2)).c_str());
  }

  void largeGridAutoUsesMultigrid() {
    const Result r = run("poisson", sine2(511));
    QCOMPARE(QString::fromStdString(r.method()), QString("mg_cg"));
    QVERIFY(r.out("error_max").asDouble() < 5e-6);
    QVERIFY(r.out("residual").asDouble() < 1e-10);
  }

  void neumannFacesExactForQuadratic() {
    // u = x^2 + y^2: -lap u = -4; du/dn = 2 on x1, 0 on x0; Dirichlet on y faces. FD is exact.
    Map bnd{{"x0", Map{{"type", "neumann"}, {"value", 0.0}}},
            {"x1", Map{{"type", "neumann"}, {"value", "2*x"}}},
            {"y0", "x^2 + y^2"},
            {"y1", "x^2 + y^2"}};
    for (const char* s : {"direct", "cg", "auto"}) {
      const Result r =
          run("poisson",
              {{"n", 20}, {"f", "-4"}, {"boundary", bnd}, {"exact", "x^2 + y^2"}, {"solver", s}});
      QVERIFY2(r.out("error_max").asDouble() < 1e-9, s);
    }
    // On a non-unit domain, in 3-D.
    Map b3{{"z1", Map{{"type", "neumann"}, {"value", "2*z"}}},
           {"x0", "x^2+y^2+z^2"},
           {"x1", "x^2+y^2+z^2"},
           {"y0", "x^2+y^2+z^2"},
           {"y1", "x^2+y^2+z^2"},
           {"z0", "x^2+y^2+z^2"}};
    const Result r3 = run("poisson", {{"dim", 3},
                                      {"n", 9},
                                      {"f", "-6"},
                                      {"boundary", b3},
                                      {"exact", "x^2+y^2+z^2"},
                                      {"domain", List{List{0, 2}, List{-1, 1}, List{0.5, 1.5}}}});
    QVERIFY(r3.out("error_max").asDouble() < 1e-9);
  }

  void nonZeroDirichletAndConstants() {
    // u = 1 + a x - y: harmonic; boundary from the expression with a constant.
    const Result r = run("poisson", {{"n", 30},
                                     {"f", "0"},
                                     {"boundary", "1 + a*x - y"},
                                     {"constants", Map{{"a", 2.5}}},
                                     {"exact", "1 + a*x - y"}});
    QVERIFY(r.out("error_max").asDouble() < 1e-10);
  }

  void hooks() {
    const TaskSpec& t = task("poisson");
    const Map p = t.resolveParams(sine3(31));
    TaskContext ctx(t, p);
    const Map a = t.analyze(ctx);
    QCOMPARE(a.at("unknowns").asDouble(), 29791.0);
    QVERIFY(a.at("memory_bytes_mg_cg").asDouble() > 0);
    const MethodChoice c = t.select(ctx);
    QCOMPARE(QString::fromStdString(c.method), QString("mg_cg"));
    QVERIFY(c.rationale.find("29791") != std::string::npos);
    const Result r = run("poisson", sine3(31));
    const auto checks = validate("poisson", sine3(31), r.outputs);
    QVERIFY(!checks.empty());
    for (const auto& ch : checks)
      QVERIFY2(ch.passed, (ch.name + " " + std::to_string(ch.value)).c_str());
    // A wrong field fails the independent residual check.
    Map bad = r.outputs;
    GridField g = r.out("u").asGrid();
    g.values[g.values.size() / 2] += 0.01;
    bad["u"] = g;
    QVERIFY(!validate("poisson", sine3(31), bad)[0].passed);
  }

  void badInput() {
    QVERIFY(failure("poisson", {{"f", "q*x"}}, ErrorCode::InvalidInput).starts_with("f:"));
    const std::string inf = failure("poisson", {{"n", 9}, {"f", "1/x"}}, ErrorCode::InvalidInput);
    QVERIFY2(inf.starts_with("f:") && inf.find("finite") != std::string::npos, inf.c_str());
    const std::string mem =
        failure("poisson", {{"dim", 3}, {"n", 5000}, {"f", "1"}}, ErrorCode::InvalidInput);
    QVERIFY2(mem.starts_with("n:") && mem.find("MB") != std::string::npos, mem.c_str());
    Map allN;
    for (const char* f : {"x0", "x1", "y0", "y1"})
      allN[f] = Map{{"type", "neumann"}, {"value", 0.0}};
    const std::string sing =
        failure("poisson", {{"f", "1"}, {"boundary", allN}}, ErrorCode::InvalidInput);
    QVERIFY2(sing.starts_with("boundary:") && sing.find("constant") != std::string::npos,
             sing.c_str());
    Map oneN{{"x0", Map{{"type", "neumann"}, {"value", 0.0}}}};
    QVERIFY(failure("poisson", {{"f", "1"}, {"boundary", oneN}, {"solver", "mg_cg"}},
                    ErrorCode::InvalidInput)
                .starts_with("solver:"));
    QVERIFY(
        failure("poisson", {{"f", "1"}, {"boundary", Map{{"w0", 1.0}}}}, ErrorCode::InvalidInput)
            .starts_with("boundary:"));
    QVERIFY(failure("poisson", {{"f", "1"}, {"domain", List{List{1, 0}, List{0, 1}}}},
                    ErrorCode::InvalidInput)
                .starts_with("domain:"));
    const TaskSpec& t = task("poisson");
    QVERIFY_THROWS_EXCEPTION(Error, t.resolveParams({{"f", "1"}, {"dim", 4}}));
  }

  void throughTheEngine() {
    using namespace sciagents::core;
    const std::string wf =
        "{\"sciagents\": 1, \"name\": \"p\", \"steps\": [{\"id\": \"p\", \"agent\": \"ode_pde\", "
        "\"task\": \"poisson\", "
        "\"params\": {\"n\": 31, \"f\": \"2*pi^2*sin(pi*x)*sin(pi*y)\", \"exact\": "
        "\"sin(pi*x)*sin(pi*y)\"}}]}";
    RunOptions opts;
    opts.use_cache = false;
    const auto res = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wf), opts);
    const StepResult* step = res.step("p");
    QVERIFY(step && step->status == StepStatus::Succeeded);
    QVERIFY(step->outputs.at("error_max").asDouble() < 2e-3);
    QCOMPARE(step->outputs.at("u").kind(), ValueKind::GridField);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestPdePoisson)

}  // namespace test_pde_poisson
#include "test_pde_poisson.moc"
