// The assistant agents against real tasks: linear_algebra.solve's hooks through the engine, and
// convergence on a test task whose order is known (composite trapezoid rule: order 2).
#include "core/agent/agent_registry.h"
#include "core/agents/assistants/assistant_agents.h"
#include "core/util/error.h"
#include "core/workflow/workflow_engine.h"

#include <QtTest>

#include <cmath>

#include "tests/test_main.h"

namespace test_assistants {

using namespace sciagents::core;

namespace {
AgentRegistry trapezoidRegistry() {
  AgentRegistry r;
  AgentSpec a;
  a.id = "toy";
  a.version = "1";
  TaskSpec t;
  t.id = "trapezoid";  // integral of sin on [0, pi] with n intervals: error ~ pi^3/(12 n^2)
  t.params = {ParamSpec::make("n", ParamType::Integer).req().range(1, 1e7)};
  t.outputs = {{"value", ValueKind::Scalar, ""}};
  t.run = [](TaskContext& ctx) {
    const auto n = ctx.integer("n");
    const double h = M_PI / static_cast<double>(n);
    double s = 0.0;
    for (std::int64_t i = 1; i < n; ++i) s += std::sin(static_cast<double>(i) * h);
    ctx.output("value", h * s);
  };
  a.tasks = {t};
  r.add(a);
  return r;
}

RunResult runWorkflow(const std::string& json) {
  RunOptions o;
  o.use_cache = false;
  o.threads = 2;
  return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(json), o);
}
}  // namespace

class TestAssistants : public QObject {
  Q_OBJECT

 private slots:
  void analyzeSelectValidateThroughTheEngine() {
    auto r = runWorkflow(R"({"sciagents":1,"steps":[
      {"id":"s","agent":"linear_algebra","task":"solve","params":{"A":[[4,1],[1,3]],"b":[1,2]}},
      {"id":"n","agent":"linear_algebra","task":"solve","params":{"A":[[0,1],[1,0]],"b":[1,2]}},
      {"id":"an","agent":"problem_analyzer","task":"analyze","params":{"problem":{"step":"s"}}},
      {"id":"se","agent":"algorithm_selector","task":"select","params":{"problem":{"step":"n"}}},
      {"id":"ge","agent":"algorithm_selector","task":"select",
       "params":{"problem":{"agent":"linear_algebra","task":"solve","params":{"A":[[1,2],[3,4]],"b":[1,1]}}}},
      {"id":"va","agent":"executor_validator","task":"validate","params":{"target":{"step":"s"}}}]})");
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    QCOMPARE(r.step("an")->outputs.at("problem_class").asString(),
             std::string("linear_system/dense/spd"));
    QVERIFY(r.step("an")->outputs.at("facts").find("condition_2") != nullptr);
    QCOMPARE(r.step("se")->outputs.at("method").asString(),
             std::string("ldlt"));  // symmetric indefinite
    QCOMPARE(r.step("n")->diagnostics.at("method").asString(),
             std::string("ldlt"));  // the run agrees
    QCOMPARE(r.step("ge")->outputs.at("method").asString(), std::string("lu"));
    QVERIFY(r.step("va")->outputs.at("passed").asBool());
    QVERIFY(r.step("va")->end_us >= r.step("s")->end_us);  // the step reference is a dependency
  }

  void validateCatchesAWrongAnswer() {
    const TaskSpec* v = AgentRegistry::builtin().task("executor_validator", "validate");
    Map target = {
        {"agent", "linear_algebra"},
        {"task", "solve"},
        {"id", "fake"},
        {"params", Map{{"A", Matrix(Matrix::Identity(2, 2))}, {"b", Vector(Vector::Ones(2))}}},
        {"outputs", Map{{"x", Vector(Vector::Constant(2, 1.5))}}}};
    TaskContext ctx(*v, v->resolveParams({{"target", target}}));
    ctx.setRegistry(&AgentRegistry::builtin());
    v->run(ctx);
    QVERIFY(!ctx.outputs().at("passed").asBool());
    QVERIFY(ctx.diagnostics().find("warnings") != ctx.diagnostics().end());
    TaskContext strict(*v, v->resolveParams({{"target", target}, {"strict", true}}));
    strict.setRegistry(&AgentRegistry::builtin());
    QVERIFY_THROWS_EXCEPTION(Error, v->run(strict));
  }

  void convergenceFindsTheOrder() {
    const AgentRegistry reg = trapezoidRegistry();
    const TaskSpec* c = AgentRegistry::builtin().task("executor_validator", "convergence");
    Map problem = {
        {"agent", "toy"}, {"task", "trapezoid"}, {"params", Map{{"n", std::int64_t{4}}}}};
    Vector levels(4);
    levels << 8, 16, 32, 64;
    TaskContext exact(*c, c->resolveParams({{"problem", problem},
                                            {"refine", "n"},
                                            {"values", levels},
                                            {"output", "value"},
                                            {"exact", "2"}}));
    agents::assist::runConvergence(reg, exact);
    QVERIFY2(std::fabs(exact.outputs().at("observed_order").asDouble() - 2.0) < 0.01,
             std::to_string(exact.outputs().at("observed_order").asDouble()).c_str());
    TaskContext richardson(
        *c, c->resolveParams(
                {{"problem", problem}, {"refine", "n"}, {"values", levels}, {"output", "value"}}));
    agents::assist::runConvergence(reg, richardson);
    QCOMPARE(richardson.outputs().at("orders").asVector().size(), Eigen::Index(2));
    QVERIFY(std::fabs(richardson.outputs().at("observed_order").asDouble() - 2.0) < 0.01);
  }

  // The engine hands its registry to the tasks (TaskContext::registry()): an assistant finds an
  // agent that only the run's registry has, and a task run without one says so.
  void assistantsUseTheRunsRegistry() {
    AgentRegistry reg = AgentRegistry::builtin();
    const AgentRegistry toy = trapezoidRegistry();
    for (const auto& a : toy.agents()) reg.add(a);
    RunOptions o;
    o.use_cache = false;
    o.threads = 2;
    const auto r = WorkflowEngine(reg).run(parseWorkflow(R"({"sciagents":1,"steps":[
      {"id":"c","agent":"executor_validator","task":"convergence",
       "params":{"problem":{"agent":"toy","task":"trapezoid","params":{"n":4}},"refine":"n",
                 "values":[8,16,32,64],"output":"value","exact":"2"}}]})"),
                                           o);
    QVERIFY2(r.step("c")->status == StepStatus::Succeeded, r.step("c")->error.c_str());
    QVERIFY(std::fabs(r.step("c")->outputs.at("observed_order").asDouble() - 2.0) < 0.01);
    // The built-in registry has no agent "toy".
    const auto b = WorkflowEngine(AgentRegistry::builtin())
                       .run(parseWorkflow(R"({"sciagents":1,"steps":[
      {"id":"c","agent":"executor_validator","task":"convergence",
       "params":{"problem":{"agent":"toy","task":"trapezoid","params":{"n":4}},"refine":"n",
                 "values":[8,16,32,64],"output":"value","exact":"2"}}]})"),
                            o);
    QVERIFY(b.step("c")->status == StepStatus::Failed);
    QVERIFY2(b.step("c")->error.find("unknown agent 'toy'") != std::string::npos,
             b.step("c")->error.c_str());
    // Outside a run, a task that needs the registry and was given none names the problem.
    const TaskSpec* c = reg.task("executor_validator", "convergence");
    TaskContext none(*c,
                     c->resolveParams({{"problem", Map{{"agent", "toy"}, {"task", "trapezoid"}}},
                                       {"refine", "n"},
                                       {"values", Vector(Vector::LinSpaced(3, 4, 16))},
                                       {"output", "value"}}));
    try {
      c->run(none);
      QFAIL("no error without a registry");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("needs the agent registry") != std::string::npos,
               e.what());
    }
  }

  void badProblemsAreClearErrors() {
    const TaskSpec* a = AgentRegistry::builtin().task("problem_analyzer", "analyze");
    auto expectParamError = [&](const Map& problem, const std::string& needle) {
      TaskContext ctx(*a, a->resolveParams({{"problem", problem}}));
      ctx.setRegistry(&AgentRegistry::builtin());
      try {
        a->run(ctx);
        QFAIL("no error");
      } catch (const Error& e) {
        QCOMPARE(e.param(), std::string("problem"));
        QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
      }
    };
    expectParamError({{"agent", "nope"}, {"task", "solve"}}, "unknown agent 'nope'");
    expectParamError({{"agent", "linear_algebra"}, {"task", "nope"}}, "has no task 'nope'");
    expectParamError({{"agent", "linear_algebra"}, {"task", "solve"}, {"params", Map{{"A", "x"}}}},
                     "'A'");
    expectParamError(
        {{"agent", "workflow_orchestration"}, {"task", "run"}, {"params", Map{{"workflow", "x"}}}},
        "'workflow'");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestAssistants)

}  // namespace test_assistants
#include "test_assistants.moc"
