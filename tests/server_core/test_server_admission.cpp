// Admission control without the network (issue 22, findings 2 and 3): resource estimates of the
// tasks, the workflow check after resolving links known at submit, lazy sweeps, and the engine's
// before_step hook refusing a linked value known only at run time.
#include "core/agent/agent_registry.h"
#include "core/agent/resource_estimate.h"
#include "core/value/value_json.h"
#include "core/workflow/workflow.h"
#include "core/workflow/workflow_engine.h"
#include "server/job_limits.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include "tests/test_main.h"

namespace test_server_admission {

using namespace sciagents;
using namespace sciagents::server;
using nlohmann::json;

namespace {

const core::AgentRegistry& reg() { return core::AgentRegistry::builtin(); }

std::optional<LimitViolation> check(const std::string& text, const AdmissionLimits& l = {}) {
  return checkWorkflowLimits(core::parseWorkflow(text), reg(), l);
}

std::string poisson(const std::string& n, const std::string& extra = {}) {
  return R"({"id":"p","agent":"ode_pde","task":"poisson",)"
         R"("params":{"dim":2,"f":"1","n":)" +
         n + extra + "}}";
}

// A workflow_orchestration.value step "k" publishing `v`.
std::string value(const std::string& v) {
  return R"({"id":"k","agent":"workflow_orchestration","task":"value","params":{"value":)" + v +
         "}},";
}

// A linear solve "s" whose x[0] is 20000, known only once it has run.
const char* kSolve20000 =
    R"({"id":"s","agent":"linear_algebra","task":"solve","params":{"A":[[1]],"b":[20000]}},)";

std::string wf(const std::string& steps) { return R"({"sciagents":1,"steps":[)" + steps + "]}"; }

}  // namespace

class TestServerAdmission : public QObject {
  Q_OBJECT

  void expect(const std::optional<LimitViolation>& v, const std::string& step,
              const std::string& param, const std::string& limit) {
    QVERIFY2(v, "expected a violation");
    QVERIFY2(v->step == step && v->param == param && v->limit == limit,
             (v->step + " / " + v->param + " / " + v->limit + ": " + v->message).c_str());
    QVERIFY2(v->message.find("step '" + step + "'") != std::string::npos, v->message.c_str());
    QVERIFY2(v->message.find(limit) != std::string::npos, v->message.c_str());
  }

 private slots:
  void estimatesOfTheBigTasks() {
    auto est = [](const std::string& agent, const std::string& task, const json& params) {
      const core::TaskSpec* t = reg().task(agent, task);
      return core::estimateResources(reg(), agent, *t,
                                     core::knownParams(*t, core::fromJson(params).asMap(), {}));
    };
    auto e = est("ode_pde", "poisson", {{"dim", 2}, {"n", 7071}, {"f", "1"}});
    QVERIFY(e && e->memory_bytes > 6e9 && e->memory_param == "n");
    e = est("ode_pde", "heat",
            {{"dim", 1}, {"n", 100000}, {"u0", "0"}, {"t_span", {0, 1}}, {"n_out", 100000}});
    QVERIFY(e && e->memory_bytes > 7e10 && e->memory_param == "n_out");
    e = est("linear_algebra", "matrix", {{"kind", "random"}, {"n", 8000}});
    QVERIFY(e && e->memory_bytes >= 8000.0 * 8000 * 8 && e->memory_bytes < 4e9);
    e = est("linear_algebra", "eigen", {{"A", {{1, 2}, {3, 4}}}});
    QVERIFY(e && e->memory_bytes < 1e4 && e->work > 0);
    const json inputs = json::array({{{"name", "a"}, {"dist", "uniform"}, {"a", 0}, {"b", 1}},
                                     {{"name", "b"}, {"dist", "uniform"}, {"a", 0}, {"b", 1}}});
    e = est("uq", "sobol", {{"model", "a+b"}, {"inputs", inputs}, {"n", 100000000}});
    QVERIFY(e && e->memory_bytes > 1e10 && e->work >= 4e8);
    e = est("ode_pde", "ivp",
            {{"rhs", {"1"}},
             {"states", {"y"}},
             {"y0", {0}},
             {"t_span", {0, 1e300}},
             {"max_step", 1e-3},
             {"max_num_steps", 1000000000000000000LL}});
    QVERIFY(e && e->steps == 1e18 && e->steps_param == "max_num_steps");
    // With t_eval the rows are the requested times: the step budget costs time, not memory.
    e = est("ode_pde", "ivp",
            {{"rhs", {"1"}},
             {"states", {"y"}},
             {"y0", {0}},
             {"t_span", {0, 1e9}},
             {"t_eval", {{"linspace", {0, 1e9, 11}}}},
             {"max_num_steps", 2000000000}});
    QVERIFY(e && e->steps == 0 && e->memory_bytes < 1e4);
    e = est("performance_profiler", "profile",
            {{"target", {{"agent", "ode_pde"}, {"task", "poisson"}, {"params", {{"f", "1"}}}}},
             {"param", "n"},
             {"sizes", {20000, 30000}}});
    QVERIFY(e && e->memory_bytes > 1e11 && e->memory_param == "sizes");
    QVERIFY(!core::findEstimator("integration", "quad"));
  }

  void refusedAtSubmit() {
    // A literal value linked into poisson.n is resolved before the check.
    expect(check(wf(value("20000") + poisson(R"({"from":"k.value"})"))), "p", "n",
           "--max-grid-points");
    expect(check(wf(poisson("7071"))), "p", "n", "--max-job-memory-mb");
    expect(check(wf(poisson("50", R"(,"memory_limit_mb":100000)"))), "p", "memory_limit_mb",
           "--max-job-memory-mb");
    // A step's own memory_limit_mb lowers the limit for that step.
    AdmissionLimits l;
    l.max_grid_points = 0;
    expect(check(wf(poisson("2000", R"(,"memory_limit_mb":10)")), l), "p", "n",
           "--max-job-memory-mb");
    QVERIFY(!check(wf(poisson("2000")), l));
    expect(check(wf(R"({"id":"o","agent":"ode_pde","task":"ivp",
        "params":{"rhs":["1"],"states":["y"],"y0":[0],"t_span":[0,1e300],"max_step":1e-3,
        "max_num_steps":1000000000000000000}})")),
           "o", "max_num_steps", "--max-job-memory-mb");
    l = {};
    l.max_memory_mb = 0;  // the step budget alone
    expect(check(wf(R"({"id":"o","agent":"ode_pde","task":"ivp",
        "params":{"rhs":["1"],"states":["y"],"y0":[0],"t_span":[0,1e300],"max_step":1e-3,
        "max_num_steps":1000000000000000000}})"),
                 l),
           "o", "max_num_steps", "--max-solver-steps");
    // Sweeps: the largest point counts.
    expect(check(wf(R"({"id":"p","agent":"ode_pde","task":"poisson","params":{"dim":2,"f":"1"},
        "sweep":{"param":"n","values":{"linspace":[10,7071,1000]}}})")),
           "p", "n", "--max-job-memory-mb");
    // Work: sweep points x the step's estimate, summed over the job.
    l = {};
    l.max_work = 1e9;
    expect(check(wf(R"({"id":"mc","agent":"integration","task":"monte_carlo","params":{"f":"x",
        "vars":["x"],"bounds":[[0,1]],"n":1000000},
        "sweep":{"param":"seed","values":{"linspace":[1,100,100]}}})"),
                 l),
           "mc", "sweep", "--max-job-work");
  }

  void acceptedWhenSmallOrUnknown() {
    QVERIFY(!check(wf(value("30") + poisson(R"({"from":"k.value"})"))));
    // A link to a computed output is not known at submit: left to the run-time check.
    QVERIFY(!check(wf(kSolve20000 + poisson(R"({"from":"s.x[0]"})"))));
    QVERIFY(!check(wf(R"({"id":"o","agent":"ode_pde","task":"ivp","params":{"rhs":["y2","-y1"],
        "states":["y1","y2"],"y0":[1,0],"t_span":[0,1e9],"t_eval":{"linspace":[0,1e9,11]},
        "max_num_steps":2000000000}})")));
  }

  void sweepsStayLazyAndAreCapped() {
    std::string steps;
    for (int i = 0; i < 30; ++i)
      steps += std::string(i ? "," : "") +
               json{{"id", "s" + std::to_string(i)},
                    {"agent", "integration"},
                    {"task", "quad"},
                    {"params", {{"f", "k*x"}, {"a", 0}, {"b", 1}, {"constants", {{"k", 1}}}}},
                    {"sweep",
                     {{"param", "constants.k"}, {"values", {{"linspace", {0.1, 10, 1000000}}}}}}}
                   .dump();
    const auto w = core::parseWorkflow(wf(steps));
    QCOMPARE(w.steps[0].sweep->values.size(), std::size_t(1000000));
    QCOMPARE(w.steps[0].sweep->values[0].get<double>(), 0.1);
    QCOMPARE(w.steps[0].sweep->values[999999].get<double>(), 10.0);
    QVERIFY(w.toJson().dump().size() < 10000);  // stored as written, not expanded
    expect(checkWorkflowLimits(w, reg(), {}), "s0", "sweep", "--max-sweep-points");
    AdmissionLimits l;
    l.max_steps = 10;
    const auto v = checkWorkflowLimits(w, reg(), l);
    QVERIFY(v && v->param == "steps" && v->limit == "--max-steps");
  }

  void stepCountBeforeParsing() {
    std::string body = R"({"sciagents":1,"steps":[)";
    for (int i = 0; i < 100000; ++i) body += std::string(i ? "," : "") + R"({"id":"v"})";
    body += "]}";
    const auto n = stepsAbove(body, 1000);
    QVERIFY(n && *n == 1001);  // stopped at the first step past the limit
    QVERIFY(!stepsAbove(body, 100000));
    QVERIFY(stepsAbove(R"({"workflow":{"sciagents":1,"steps":[{},{},{}]},"seed":1})", 2));
    QVERIFY(!stepsAbove(R"({"workflow":{"steps":[{},{}]},"steps":3})", 2));
    // Nested "steps" keys deeper down are not the workflow's steps.
    QVERIFY(!stepsAbove(R"({"sciagents":1,"steps":[{"params":{"steps":[1,2,3,4]}}]})", 2));
    QVERIFY(!stepsAbove("{\"steps\": [1, 2, 3", 5));             // malformed: left to the parser
    QVERIFY(!stepsAbove(std::string(100000, '[') + "1", 1000));  // deep: no recursion, no growth
  }

  void engineChecksLinkedValuesBeforeTheStepRuns() {
    QTemporaryDir dir;
    AdmissionLimits limits;
    core::RunOptions o;
    o.threads = 2;
    o.use_cache = false;
    o.cache_dir = dir.filePath("cache").toStdString();
    o.before_step = [&limits](const core::Step& s, const core::TaskSpec& t, const core::Map& p) {
      enforceStepLimits(reg(), s, t, p, limits);
    };
    const auto w = core::parseWorkflow(wf(kSolve20000 + poisson(R"({"from":"s.x[0]"})")));
    QVERIFY(!checkWorkflowLimits(w, reg(), limits));  // accepted at submit
    const auto r = core::WorkflowEngine(reg()).run(w, o);
    QCOMPARE(std::string(core::stepStatusName(r.step("s")->status)), std::string("succeeded"));
    const auto* p = r.step("p");
    QCOMPARE(std::string(core::stepStatusName(p->status)), std::string("failed"));
    QVERIFY2(p->error.find("step 'p'") != std::string::npos &&
                 p->error.find("param 'n'") != std::string::npos &&
                 p->error.find("--max-grid-points") != std::string::npos,
             p->error.c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestServerAdmission)

}  // namespace test_server_admission
#include "test_server_admission.moc"
