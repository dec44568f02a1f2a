// RunController on its own (no window): validation against the document's registry, runs of all
// or chosen steps with their upstream, the run state of each step, log and status messages, the
// result, cancellation, and another execution target (and the fallback when it goes away).
#include "isolated_settings.h"

#include "core/agent/agent_registry.h"
#include "ui/execution_target.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/remote_target.h"
#include "ui/run_controller.h"
#include "ui/workflow_document.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_run_controller {

using namespace sciagents;
using namespace sciagents::ui;
using nlohmann::json;

namespace {
QString example(const char* name) { return MainWindow::examplesDir() + "/" + name; }

// Everything a controller said, in order.
struct Transcript {
  QStringList log, messages;
  QHash<QString, QList<NodeStatus>> statuses;
  explicit Transcript(RunController* c) {
    QObject::connect(c, &RunController::log, c, [this](const QString& l) { log << l; });
    QObject::connect(c, &RunController::message, c, [this](const QString& m) { messages << m; });
    QObject::connect(c, &RunController::stepStatusChanged, c,
                     [this](const QString& s, NodeStatus st) { statuses[s] << st; });
  }
};

// A target that runs nothing: it records the workflow and finishes when told.
class FakeTarget final : public ExecutionTarget {
 public:
  using ExecutionTarget::ExecutionTarget;
  QString displayName() const override { return QStringLiteral("Fake"); }
  QString description() const override { return QStringLiteral("records runs"); }
  bool isRunning() const override { return m_running; }
  bool start(const core::Workflow& w) override {
    m_started = w;
    m_running = true;
    emit started();
    return true;
  }
  void cancel() override { m_cancelled = true; }
  bool cancelRequested() const override { return m_cancelled; }
  std::shared_ptr<const core::RunResult> lastResult() const override { return m_result; }
  void finish(const QString& step) {
    auto r = std::make_shared<core::RunResult>();
    core::StepResult s;
    s.id = step.toStdString();
    s.status = core::StepStatus::Succeeded;
    s.cached = true;
    r->steps.push_back(s);
    r->status = core::StepStatus::Succeeded;
    m_result = r;
    m_running = false;
    emit stepFinished(step, int(core::StepStatus::Succeeded), true, {});
    emit finished(true, {});
  }
  core::Workflow m_started;
  bool m_running = false;
  bool m_cancelled = false;
  std::shared_ptr<const core::RunResult> m_result;
};
}  // namespace

class TestRunController : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_run_controller"); }

  void startsOnTheLocalRunner() {
    WorkflowDocument doc(core::AgentRegistry::builtin());
    RunController c(&doc);
    QCOMPARE(c.target(), static_cast<ExecutionTarget*>(c.localRunner()));
    QVERIFY(c.remoteTarget());
    QVERIFY(!c.isRunning());
    QCOMPARE(c.status("anything"), NodeStatus::Idle);
  }

  void runsAllStepsAndReportsEachStep() {
    WorkflowDocument doc(core::AgentRegistry::builtin());
    QVERIFY(doc.load(example("linked-steps.workflow.json"), nullptr));
    RunController c(&doc);
    Transcript t(&c);
    QSignalSpy starting(&c, &RunController::runStarting);
    QSignalSpy running(&c, &RunController::runningChanged);
    QSignalSpy results(&c, &RunController::resultReady);
    QSignalSpy finished(&c, &RunController::runFinished);
    QVERIFY(c.runAll());
    QCOMPARE(starting.count(), 1);
    QCOMPARE(running.count(), 1);
    QCOMPARE(running.at(0).at(0).toBool(), true);
    QVERIFY(c.isRunning());
    QCOMPARE(t.statuses.value("first").value(1), NodeStatus::Pending);  // Idle, then Pending
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QCOMPARE(results.count(), 1);
    QVERIFY(c.lastResult());
    QCOMPARE(c.lastResult()->steps.size(), std::size_t(2));
    for (const char* id : {"first", "second"}) {
      QVERIFY2(c.status(id) == NodeStatus::Done || c.status(id) == NodeStatus::Cached, id);
      QVERIFY(t.statuses.value(id).contains(c.status(id)));
    }
    QVERIFY(!c.isRunning());
    QCOMPARE(running.last().at(0).toBool(), false);
    QVERIFY(t.log.front().startsWith("Run started: all steps"));
    QCOMPARE(t.log.back(), QString("Run finished"));
    QCOMPARE(t.messages.back(), QString("Run finished"));
  }

  void runStepsRunsTheirUpstreamOnly() {
    WorkflowDocument doc(core::AgentRegistry::builtin());
    QVERIFY(doc.load(example("linked-steps.workflow.json"), nullptr));
    RunController c(&doc);
    Transcript t(&c);
    QVERIFY(!c.runSteps({}));
    QCOMPARE(t.messages.back(), QString("Select the steps to run first"));
    QSignalSpy finished(&c, &RunController::runFinished);
    QVERIFY(c.runSteps({"first"}));
    QVERIFY(finished.wait(60000));
    QCOMPARE(c.lastResult()->steps.size(), std::size_t(1));
    QCOMPARE(c.status("second"), NodeStatus::Idle);
    QVERIFY(c.runSteps({"second"}));
    QVERIFY(finished.wait(60000));
    QCOMPARE(c.lastResult()->steps.size(), std::size_t(2));
    QVERIFY(std::any_of(t.log.begin(), t.log.end(), [](const QString& l) {
      return l.startsWith("Run started: second and upstream");
    }));
  }

  void validatesAgainstTheDocumentsRegistry() {
    // An empty registry knows no agent: the same file that runs with the built-in one is refused.
    const core::AgentRegistry empty;
    WorkflowDocument doc(empty);
    QVERIFY(doc.load(example("linked-steps.workflow.json"), nullptr));
    RunController c(&doc);
    Transcript t(&c);
    QSignalSpy starting(&c, &RunController::runStarting);
    QVERIFY(!c.runAll());
    QCOMPARE(starting.count(), 0);
    QVERIFY(!c.isRunning());
    QVERIFY(t.log.front().startsWith("Cannot run: the workflow has"));
    QCOMPARE(t.messages.back(), QString("Cannot run: see the run log"));
    QCOMPARE(c.status("first"), NodeStatus::Idle);
  }

  void refusesAnEmptyWorkflow() {
    WorkflowDocument doc(core::AgentRegistry::builtin());
    RunController c(&doc);
    Transcript t(&c);
    QVERIFY(!c.runAll());
    QCOMPARE(t.messages.back(), QString("Nothing to run: add steps from the Agents palette"));
  }

  void cancelMarksTheStepCancelled() {
    WorkflowDocument doc(core::AgentRegistry::builtin());
    const QString id = doc.addStep("ode_pde", "ivp", {});
    // Van der Pol with mu = 1e6 and an explicit method: far longer than the test.
    doc.setParam(id, "rhs", json::parse(R"(["y2", "mu*(1 - y1^2)*y2 - y1"])"));
    doc.setParam(id, "states", json::parse(R"(["y1", "y2"])"));
    doc.setParam(id, "y0", json::parse("[2, 0]"));
    doc.setParam(id, "t_span", json::parse("[0, 3000]"));
    doc.setParam(id, "t_eval", json::parse(R"({"linspace": [0, 3000, 11]})"));
    doc.setParam(id, "constants", json::parse(R"({"mu": 1000000})"));
    doc.setParam(id, "method", "rk45");
    doc.setParam(id, "max_num_steps", 2000000000);
    QVERIFY(doc.validate().empty());
    RunController c(&doc);
    c.localRunner()->setUseCache(false);
    Transcript t(&c);
    QSignalSpy finished(&c, &RunController::runFinished);
    QVERIFY(c.runAll());
    QTRY_COMPARE_WITH_TIMEOUT(c.status(id), NodeStatus::Running, 30000);
    c.cancel();
    QCOMPARE(t.messages.back(), QString("Cancelling…"));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(c.status(id), NodeStatus::Cancelled);
    QVERIFY2(t.log.back().startsWith("Run cancelled"), qPrintable(t.log.back()));
  }

  void runsOnAnotherTargetAndFallsBackWhenItGoes() {
    WorkflowDocument doc(core::AgentRegistry::builtin());
    QVERIFY(doc.load(example("linked-steps.workflow.json"), nullptr));
    RunController c(&doc);
    QSignalSpy changed(&c, &RunController::targetChanged);
    auto* fake = new FakeTarget;
    c.setTarget(fake);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(c.target(), static_cast<ExecutionTarget*>(fake));
    QVERIFY(c.runSteps({"first"}));
    QCOMPARE(fake->m_started.steps.size(), std::size_t(1));
    QVERIFY(!c.runAll());  // one run at a time
    QSignalSpy finished(&c, &RunController::runFinished);
    fake->finish("first");
    QCOMPARE(finished.count(), 1);
    QCOMPARE(c.status("first"), NodeStatus::Cached);
    QCOMPARE(c.lastResult(), fake->lastResult());
    delete fake;
    QCOMPARE(c.target(), static_cast<ExecutionTarget*>(c.localRunner()));
    QCOMPARE(changed.count(), 2);
    c.setTarget(nullptr);  // the local runner again: no switch, still reported
    QCOMPARE(c.target(), static_cast<ExecutionTarget*>(c.localRunner()));
  }
};

SCIAGENTS_TEST_MAIN(TestRunController)

}  // namespace test_run_controller
#include "test_run_controller.moc"
