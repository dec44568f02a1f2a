// Remote execution through a real `sciagents serve` on loopback: the fit -> sim workflow of
// docs/architecture.md §3 run by RemoteTarget from the main window (SSE events drive the
// canvas and the convergence chart; the results equal the local run's), cancel of a long remote
// run, the connection test and the 0600 token file (the SSE parser: tests/core/test_sse.cpp).
#include "core/agent/agent_registry.h"
#include "isolated_settings.h"
#include "loopback_server.h"
#include "ui/connection_dialog.h"
#include "ui/convergence_chart.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/node_item.h"
#include "ui/remote_settings.h"
#include "ui/remote_target.h"
#include "ui/results_panel.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include "core/value/value_json.h"
#include "core/workflow/workflow_json.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>
#include <csignal>
#include <nlohmann/json.hpp>

#include "tests/test_main.h"

namespace test_remote_target {

using namespace sciagents::ui;

namespace {
const char* kFitSim =
    "{\"sciagents\": 1, \"name\": \"fit-sim\", \"steps\": ["
    " {\"id\": \"fit\", \"agent\": \"optimization\", \"task\": \"minimize\","
    "  \"params\": {\"objective\": \"(exp(-5*k) - 0.1)^2\", \"variables\": [\"k\"], \"x0\": [1.0],"
    "             \"bounds\": [[0.01, 10]], \"method\": \"auto\"}},"
    " {\"id\": \"sim\", \"agent\": \"ode_pde\", \"task\": \"ivp\","
    "  \"params\": {\"rhs\": [\"-k*y\"], \"states\": [\"y\"], \"y0\": [1.0], \"t_span\": [0, 5],"
    "             \"constants\": {\"k\": {\"from\": \"fit.x[0]\"}},"
    "             \"t_eval\": {\"linspace\": [0, 5, 101]}, \"rtol\": 1e-8, \"atol\": 1e-10}}]}";

// Van der Pol with mu = 1e6 and an explicit method: runs until cancelled.
const char* kLong =
    "{\"sciagents\": 1, \"name\": \"long\", \"steps\": [{\"id\": \"vdp\", \"agent\": \"ode_pde\", "
    "\"task\": \"ivp\","
    " \"params\": {\"rhs\": [\"y2\", \"mu*(1 - y1^2)*y2 - y1\"], \"states\": [\"y1\", \"y2\"], "
    "\"y0\": [2, 0],"
    " \"t_span\": [0, 3000], \"t_eval\": {\"linspace\": [0, 3000, 11]}, \"constants\": {\"mu\": "
    "1000000},"
    " \"method\": \"rk45\", \"max_num_steps\": 2000000000}}]}";

}  // namespace

class TestRemoteTarget : public QObject {
  Q_OBJECT

  studio_test::LoopbackServer m_server;
  QUrl m_url;
  QString m_token;

  static bool writeFile(const QString& path, const char* text) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) > 0;
  }

  static QString valueText(const sciagents::core::RunResult& r, const char* step,
                           const char* output) {
    const auto* s = r.step(step);
    if (!s || !s->outputs.count(output)) return "missing";
    return QString::fromStdString(sciagents::core::toJson(s->outputs.at(output)).dump());
  }

 private slots:
  void initTestCase() {
    studio_test::isolateSettings("test_remote_target");
    m_server.start("studio-test");
    m_url = m_server.url();
    m_token = m_server.token();
    qInfo("server at %s", qPrintable(m_url.toString()));
  }

  void cleanupTestCase() { m_server.stop(); }

  void tokenFileIsOwnerOnly() {
    RemoteSettings s{m_url, m_token};
    QString error;
    QVERIFY2(s.save(&error), qPrintable(error));
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(RemoteSettings::tokenFilePath()).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, mode_t(0600));
    const RemoteSettings back = RemoteSettings::load();
    QCOMPARE(back.url, m_url);
    QCOMPARE(back.token, m_token);
  }

  void connectionTest() {
    RemoteTarget t;
    t.setSettings({m_url, m_token});
    QSignalSpy tested(&t, &RemoteTarget::connectionTested);
    t.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, 30000);
    QVERIFY2(tested.at(0).at(0).toBool(), qPrintable(tested.at(0).at(1).toString()));
    QCOMPARE(tested.at(0).at(2).toString(), RemoteTarget::clientVersion());
    // A wrong token is reported, with both versions.
    t.setSettings({m_url, "wrong"});
    t.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, 30000);
    QVERIFY(!tested.at(1).at(0).toBool());
    QVERIFY(tested.at(1).at(1).toString().contains(RemoteTarget::clientVersion()));
    // The dialog drives the same test.
    ConnectionDialog d(RemoteSettings{m_url, m_token});
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QTest::mouseClick(d.findChild<QPushButton*>("TestConnection"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(d.statusLabel()->text().startsWith("Connected"), 30000);
    // After the test, Enter still means OK (it used to press Cancel, the button focus moved to).
    auto* buttons = d.findChild<QDialogButtonBox*>();
    QVERIFY(buttons->button(QDialogButtonBox::Ok)->isDefault());
    QVERIFY(!buttons->button(QDialogButtonBox::Cancel)->isDefault());
    QTest::keyClick(&d, Qt::Key_Return);
    QCOMPARE(d.result(), int(QDialog::Accepted));
  }

  void runFitSimRemotely() {
    // Reference: the same workflow run locally.
    const auto wf = sciagents::core::parseWorkflowFile(kFitSim).workflow;
    LocalRunner local(sciagents::core::AgentRegistry::builtin());
    local.setUseCache(false);
    QSignalSpy localDone(&local, &ExecutionTarget::finished);
    QVERIFY(local.start(wf));
    QTRY_COMPARE_WITH_TIMEOUT(localDone.size(), 1, 60000);
    QVERIFY(local.lastResult());

    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath("fit-sim.workflow.json"), kFitSim));
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(dir.filePath("fit-sim.workflow.json")));
    w.remoteTarget()->setSettings({m_url, m_token});
    w.remoteTarget()->setUseCache(false);
    w.setExecutionTarget(w.remoteTarget());
    QVERIFY(w.targetLabel()->text().contains(m_url.toDisplayString()));
    QSignalSpy steps(w.remoteTarget(), &ExecutionTarget::stepFinished);
    QSignalSpy started(w.remoteTarget(), &ExecutionTarget::stepStarted);
    QSignalSpy done(w.remoteTarget(), &ExecutionTarget::finished);
    QSignalSpy states(w.remoteTarget(), &RemoteTarget::jobStateChanged);
    // The server replays no events of a job that has already finished, and this one takes
    // milliseconds. So the single worker is kept busy by a long job until Studio follows the
    // queued job's stream; then the long job is cancelled and every event arrives live.
    RemoteTarget blocker;
    blocker.setSettings({m_url, m_token});
    blocker.setUseCache(false);
    QSignalSpy blockerRunning(&blocker, &ExecutionTarget::stepStarted);
    QSignalSpy blockerDone(&blocker, &ExecutionTarget::finished);
    QVERIFY(blocker.start(sciagents::core::parseWorkflowFile(kLong).workflow));
    QTRY_COMPARE_WITH_TIMEOUT(blockerRunning.size(), 1, 30000);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty(), 30000);
    QCOMPARE(states.first().first().toString(), QString("queued"));
    blocker.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(blockerDone.size(), 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
    QCOMPARE(started.size(), 2);
    QCOMPARE(steps.size(), 2);
    QCOMPARE(w.scene()->status("fit"), NodeStatus::Done);
    QCOMPARE(w.scene()->status("sim"), NodeStatus::Done);
    // SSE metric events reached the chart.
    ConvergenceChart* chart = w.convergenceChart();
    QTRY_COMPARE(chart->pendingCount(), qsizetype(0));
    QVERIFY2(chart->seriesKeys().contains("fit: objective"),
             qPrintable(chart->seriesKeys().join(", ")));
    QVERIFY(chart->series("fit: objective")->count() > 0);
    // Results equal the local run's.
    const auto remote = w.remoteTarget()->lastResult();
    QVERIFY(remote);
    for (const char* out : {"x", "fun"})
      QCOMPARE(valueText(*remote, "fit", out), valueText(*local.lastResult(), "fit", out));
    for (const char* out : {"t", "y", "y_final"})
      QCOMPARE(valueText(*remote, "sim", out), valueText(*local.lastResult(), "sim", out));
    // …and fill the results panel.
    w.results()->showStep("sim");
    QVERIFY(w.results()->outputRow("y_final") >= 0);
    w.results()->showOutput("y");
    QVERIFY(w.results()->currentPlot());
  }

  void cancelRemoteRun() {
    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath("long.workflow.json"), kLong));
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(dir.filePath("long.workflow.json")));
    w.remoteTarget()->setSettings({m_url, m_token});
    w.remoteTarget()->setUseCache(false);
    w.setExecutionTarget(w.remoteTarget());
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(w.scene()->status("vdp") == NodeStatus::Running, 30000);
    QVERIFY(w.cancelAction()->isEnabled());
    w.cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.scene()->status("vdp") == NodeStatus::Cancelled, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.remoteTarget()->isRunning(), 30000);
    QVERIFY(w.runLog()->toPlainText().contains("Run cancelled"));
  }
};

SCIAGENTS_TEST_MAIN(TestRemoteTarget)

}  // namespace test_remote_target
#include "test_remote_target.moc"
