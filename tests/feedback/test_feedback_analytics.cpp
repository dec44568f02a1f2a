// core/feedback/analytics: off by default and then records nothing; on, it records only agent and
// task ids, durations and error kinds (a run's expressions, parameters and error messages never
// reach the queue); turning it off stops recording; delete-all empties the queue.
#include "core/feedback/analytics.h"
#include "core/workflow/run_result.h"

#include <QTemporaryDir>
#include <QtTest>

#include "tests/test_main.h"

namespace test_feedback_analytics {

using namespace sciagents::core;
using namespace sciagents::core::feedback;
using namespace sciagents::core::store;
using nlohmann::json;

namespace {
RunResult sampleRun() {
  RunResult run;
  run.status = StepStatus::Failed;
  StepResult ok;
  ok.id = "secret_step_name";
  ok.agent = "ode_pde";
  ok.task = "ivp";
  ok.status = StepStatus::Succeeded;
  ok.wall_seconds = 0.0123;
  ok.params = Map{};
  ok.provenance = {{"rhs", "-2*y + sin(t)"}};
  StepResult bad;
  bad.id = "fit";
  bad.agent = "optimization";
  bad.task = "minimize";
  bad.status = StepStatus::Failed;
  bad.error_code = ErrorCode::InvalidInput;
  bad.error = "parameter 'objective': cannot parse '(exp(-5*k) - 0.1)^2 +' at position 20";
  bad.wall_seconds = 1.5;
  run.steps = {ok, bad};
  return run;
}
}  // namespace

class TestFeedbackAnalytics : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

 private slots:
  void offByDefaultRecordsNothing() {
    FeedbackOutbox box(m_dir.filePath("a.db").toStdString());
    Analytics a(box);
    QVERIFY(!a.enabled());
    QCOMPARE(a.recordRun(sampleRun()), std::size_t(0));
    QCOMPARE(box.pending().size(), std::size_t(0));
  }

  void enabledRecordsIdsDurationsAndErrorKindsOnly() {
    FeedbackOutbox box(m_dir.filePath("b.db").toStdString());
    Analytics a(box, true);
    QCOMPARE(a.recordRun(sampleRun()), std::size_t(2));
    const auto items = box.pending();
    QCOMPARE(items.size(), std::size_t(2));
    std::string all;
    for (const auto& it : items) {
      QCOMPARE(it.kind, OutboxKind::Analytics);
      const json doc = json::parse(it.body);
      QVERIFY2(checkAnalyticsEvent(doc).empty(), checkAnalyticsEvent(doc).c_str());
      QCOMPARE(doc["response_id"].get<std::string>(), it.id);
      all += it.body;
    }
    const json e0 = json::parse(items[0].body)["event"];
    const json e1 = json::parse(items[1].body)["event"];
    QCOMPARE(e0, json({{"type", "step_run"},
                       {"agent", "ode_pde"},
                       {"task", "ivp"},
                       {"duration_ms", 12},
                       {"outcome", "succeeded"}}));
    QCOMPARE(e1, json({{"type", "step_run"},
                       {"agent", "optimization"},
                       {"task", "minimize"},
                       {"duration_ms", 1500},
                       {"outcome", "failed"},
                       {"error_kind", "invalid_input"}}));
    // Nothing of the run's content: no expressions, parameters, messages or step names.
    for (const char* secret :
         {"exp(", "-2*y", "sin(t)", "objective", "cannot parse", "secret_step_name", "position"})
      QVERIFY2(all.find(secret) == std::string::npos, secret);
  }

  void disablingStopsAndDeleteAllEmpties() {
    FeedbackOutbox box(m_dir.filePath("c.db").toStdString());
    box.enqueue("0123456789abcdef0123456789abcdef", OutboxKind::Response, "{}");
    Analytics a(box, true);
    a.recordRun(sampleRun());
    QCOMPARE(box.pending().size(), std::size_t(3));
    a.setEnabled(false);
    QCOMPARE(a.recordRun(sampleRun()), std::size_t(0));
    QCOMPARE(box.pending().size(), std::size_t(3));
    QCOMPARE(a.deleteQueued(), std::size_t(2));  // analytics only; the survey answer stays
    QCOMPARE(box.pending().size(), std::size_t(1));
    a.setEnabled(true);
    a.recordRun(sampleRun());
    QCOMPARE(a.deleteQueued(true), std::size_t(3));  // and with responses_too, everything pending
    QCOMPARE(box.pending().size(), std::size_t(0));
  }

  void eventsWithNonIdentifiersAreRefused() {
    QVERIFY_THROWS_EXCEPTION(
        Error, makeStepEvent("0123456789abcdef0123", 0, "ode_pde", "-2*y", 1, "succeeded", ""));
    json doc = makeStepEvent("0123456789abcdef0123", 0, "ode_pde", "ivp", 1, "succeeded", "");
    doc["event"]["params"] = {{"rhs", "-2*y"}};
    QVERIFY(checkAnalyticsEvent(doc).find("unknown event field 'params'") != std::string::npos);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestFeedbackAnalytics)

}  // namespace test_feedback_analytics
#include "test_feedback_analytics.moc"
