// workflow_orchestration.run: nested workflows (inline and from files) with inputs, published
// outputs, seeds, cancellation, progress, the cache, failures, the nesting limit and the policy
// for files. Before: the task was "planned" (every run failed with "not built yet").
#include "core/agent/agent_registry.h"
#include "core/agent/external_policy.h"
#include "core/util/error.h"
#include "core/workflow/workflow_engine.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <string>

#include "tests/test_main.h"

namespace test_nested_workflow {

using namespace sciagents::core;

namespace {

const char* kOscillator = R"({"sciagents":1,"name":"oscillator","steps":[
  {"id":"osc","agent":"ode_pde","task":"ivp","params":{"rhs":["v","-k*x - c*v"],"states":["x","v"],
   "y0":[1,0],"t_span":[0,5],"constants":{"k":1,"c":0.2},"method":"dop853","rtol":1e-10,"atol":1e-12}}]})";

double closedForm(double c) {
  const double w = std::sqrt(1 - c * c / 4);
  return std::exp(-2.5 * c) * (std::cos(5 * w) + c / (2 * w) * std::sin(5 * w));
}

std::string status(const StepResult* s) { return std::string(stepStatusName(s->status)); }

}  // namespace

class TestNestedWorkflow : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path) << text;
    return path;
  }
  RunOptions options(bool cache = false) {
    RunOptions o;
    o.use_cache = cache;
    o.cache_dir = m_dir.filePath("cache").toStdString();
    o.threads = 2;
    o.base_dir = m_dir.path().toStdString();
    return o;
  }
  static RunResult run(const std::string& json, const RunOptions& o) {
    return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(json), o);
  }

 private slots:
  void inlineWorkflowPublishesItsLastStepsOutputs() {
    const RunResult r =
        run(std::string(R"({"sciagents":1,"steps":[{"id":"n","agent":"workflow_orchestration",)"
                        R"("task":"run","params":{"workflow":)") +
                kOscillator + "}}]}",
            options());
    const StepResult* n = r.step("n");
    QVERIFY2(status(n) == "succeeded", n->error.c_str());
    const Vector y = n->outputs.at("y_final").asVector();
    QVERIFY2(std::abs(y[0] - closedForm(0.2)) < 1e-8, std::to_string(y[0]).c_str());
    QVERIFY(n->outputs.at("steps").asMap().at("osc").asMap().count("y_final"));
    QCOMPARE(n->diagnostics.at("nested_source").asString(), std::string("inline"));
    QCOMPARE(n->diagnostics.at("nesting_depth").asInt(), std::int64_t(1));
  }

  void fileWithInputsSweptAndLinkedEqualsTheClosedForm() {
    write("osc.workflow.json", kOscillator);
    const std::string wf = R"({"sciagents":1,"steps":[
      {"id":"d","agent":"workflow_orchestration","task":"run",
       "params":{"file":"osc.workflow.json","inputs":{"osc":{"constants":{"c":0.5}}},
                 "outputs":{"x_end":"osc.y_final[0]"}},
       "sweep":{"param":"inputs.osc.constants.c","values":[0,0.5,1]}},
      {"id":"c","agent":"workflow_orchestration","task":"value","params":{"value":1}},
      {"id":"linked","agent":"workflow_orchestration","task":"run",
       "params":{"file":"osc.workflow.json","inputs":{"osc":{"constants":{"c":{"from":"c.value"}}}},
                 "outputs":{"x_end":"osc.y_final[0]"}}}]})";
    const RunResult r = run(wf, options());
    QVERIFY2(r.status == StepStatus::Succeeded, r.step("d")->error.c_str());
    const Value& xs = r.step("d")->outputs.at("x_end");
    const double cs[] = {0, 0.5, 1};
    for (int i = 0; i < 3; ++i) {
      const double x =
          xs.kind() == ValueKind::Vector ? xs.asVector()[i] : xs.asList()[i].asDouble();
      QVERIFY2(std::abs(x - closedForm(cs[i])) < 1e-8, std::to_string(x).c_str());
    }
    QVERIFY(std::abs(r.step("linked")->outputs.at("x_end").asDouble() - closedForm(1)) < 1e-8);
    QVERIFY(r.step("linked")->diagnostics.at("nested_file_sha256").asString().size() == 64);
  }

  void seedsFollowTheRunAndNotTheThreadCount() {
    const std::string wf =
        R"({"sciagents":1,"steps":[{"id":"n","agent":"workflow_orchestration","task":"run",
      "params":{"workflow":{"sciagents":1,"steps":[{"id":"mc","agent":"uq","task":"monte_carlo",
        "params":{"model":"x1 + x2^2","inputs":[{"name":"x1","dist":"normal","mu":0,"sigma":1},
                                                 {"name":"x2","dist":"uniform","a":0,"b":1}],"n":2000}}]}}}]})";
    RunOptions o = options();
    o.seed = 11;
    const double a = run(wf, o).step("n")->outputs.at("mean").asDouble();
    o.threads = 1;
    const double b = run(wf, o).step("n")->outputs.at("mean").asDouble();
    o.seed = 12;
    const double c = run(wf, o).step("n")->outputs.at("mean").asDouble();
    QCOMPARE(a, b);  // bit for bit
    QVERIFY(a != c);
  }

  void cancelStopsTheNestedRunAndProgressReachesTheOuterStep() {
    struct Listener : RunListener {
      CancelFlag flag = std::make_shared<std::atomic<bool>>(false);
      std::mutex m;
      std::vector<std::string> messages;
      void progress(std::string_view step, double, std::string_view message) override {
        std::lock_guard<std::mutex> lock(m);
        messages.push_back(std::string(step) + "|" + std::string(message));
        if (message.find("long:") != std::string_view::npos)
          flag->store(true);  // the nested ODE runs
      }
    } listener;
    RunOptions o = options();
    o.cancel = listener.flag;
    o.listener = &listener;
    const RunResult r =
        run(R"({"sciagents":1,"steps":[{"id":"outer","agent":"workflow_orchestration","task":"run",
      "params":{"workflow":{"sciagents":1,"steps":[{"id":"long","agent":"ode_pde","task":"ivp",
        "params":{"rhs":["y2","-y1"],"states":["y1","y2"],"y0":[1,0],"t_span":[0,1e9],"method":"dop853",
                  "rtol":1e-13,"atol":1e-13,"max_num_steps":2000000000}}]}}}]})",
            o);
    QCOMPARE(status(r.step("outer")), std::string("cancelled"));
    QVERIFY(!listener.messages.empty());
    QVERIFY2(listener.messages.front().rfind("outer|long:", 0) == 0,
             listener.messages.front().c_str());
  }

  void cacheServesAnUnchangedNestedFileAndNotAChangedOne() {
    write("cached.workflow.json", kOscillator);
    const std::string wf =
        R"({"sciagents":1,"steps":[{"id":"n","agent":"workflow_orchestration","task":"run",
      "params":{"file":"cached.workflow.json"}}]})";
    const RunOptions o = options(true);
    QVERIFY(!run(wf, o).step("n")->cached);
    QVERIFY(run(wf, o).step("n")->cached);
    std::string changed = kOscillator;
    changed.replace(changed.find("\"c\":0.2"), 7, "\"c\":0.3");
    write("cached.workflow.json", changed);
    const RunResult r = run(wf, o);
    QVERIFY(!r.step("n")->cached);
    QVERIFY(std::abs(r.step("n")->outputs.at("y_final").asVector()[0] - closedForm(0.3)) < 1e-8);
  }

  void failuresAndBadSetUpsNameTheStepAndParam() {
    struct Case {
      std::string params, text;
    };
    write("self.workflow.json",
          R"({"sciagents":1,"steps":[{"id":"again","agent":"workflow_orchestration",
      "task":"run","params":{"file":"self.workflow.json"}}]})");
    const std::string osc = kOscillator;
    const Case cases[] = {
        {R"({})", "param 'workflow': give exactly one of"},
        {R"({"workflow":)" + osc + R"(,"file":"x.json"})", "give exactly one of"},
        {R"({"file":"missing.workflow.json"})", "param 'file'"},
        {R"({"workflow":)" + osc + R"(,"inputs":{"nope":{"a":1}}})",
         "has no step 'nope' (its steps: osc)"},
        {R"({"workflow":)" + osc + R"(,"outputs":{"z":"osc.nothing"}})",
         "step 'osc' has no output 'nothing'"},
        {R"({"workflow":{"sciagents":1,"steps":[{"id":"a","agent":"nope","task":"x"}]}})",
         "param 'workflow': the nested workflow is invalid"},
        {R"({"workflow":)" + osc + R"(,"inputs":{"osc":{"rhs":["v","-x*q"]}}})",
         "nested workflow 'oscillator': "},
        {R"({"file":"self.workflow.json"})", "nested more than 8 deep"},
    };
    for (const Case& c : cases) {
      const RunResult r =
          run(R"({"sciagents":1,"steps":[{"id":"n","agent":"workflow_orchestration","task":"run",
        "params":)" +
                  c.params + "}]}",
              options());
      const StepResult* n = r.step("n");
      QCOMPARE(status(n), std::string("failed"));
      QVERIFY2(n->error.find("step 'n'") != std::string::npos &&
                   n->error.find(c.text) != std::string::npos,
               (c.text + " not in: " + n->error).c_str());
    }
  }

  void filesFollowThePolicy() {
    write("inside.workflow.json", kOscillator);
    QTemporaryDir other;
    const std::string outside = other.filePath("outside.workflow.json").toStdString();
    std::ofstream(outside) << kOscillator;
    auto policy = std::make_shared<ExternalPolicy>();
    policy->allowed_roots = {m_dir.path().toStdString()};
    RunOptions o = options();
    o.external = policy;
    auto runFile = [&](const std::string& file) {
      return run(R"({"sciagents":1,"steps":[{"id":"n","agent":"workflow_orchestration","task":"run",
        "params":{"file":")" +
                     file + R"("}}]})",
                 o);
    };
    QCOMPARE(status(runFile("inside.workflow.json").step("n")), std::string("succeeded"));
    RunResult r = runFile(outside);
    QCOMPARE(status(r.step("n")), std::string("failed"));
    QVERIFY2(r.step("n")->error.find("outside the folders") != std::string::npos,
             r.step("n")->error.c_str());
    // Escapes through .. and a symlink resolve first.
    r = runFile("../" + other.path().section('/', -1).toStdString() + "/outside.workflow.json");
    QCOMPARE(status(r.step("n")), std::string("failed"));
    QVERIFY(QFile::link(QString::fromStdString(outside), m_dir.filePath("link.workflow.json")));
    r = runFile("link.workflow.json");
    QCOMPARE(status(r.step("n")), std::string("failed"));
    QVERIFY2(r.step("n")->error.find("outside the folders") != std::string::npos,
             r.step("n")->error.c_str());
    // Disabled (a server without --allow-external): files refused, inline workflows run.
    policy->enabled = false;
    policy->allowed_roots.clear();
    policy->disabled_reason = "enable with --allow-external DIR";
    r = runFile("inside.workflow.json");
    QVERIFY2(r.step("n")->error.find("--allow-external") != std::string::npos,
             r.step("n")->error.c_str());
    r = run(
        std::string(
            R"({"sciagents":1,"steps":[{"id":"n","agent":"workflow_orchestration","task":"run",)"
            R"("params":{"workflow":)") +
            kOscillator + "}}]}",
        o);
    QCOMPARE(status(r.step("n")), std::string("succeeded"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestNestedWorkflow)

}  // namespace test_nested_workflow
#include "test_nested_workflow.moc"
