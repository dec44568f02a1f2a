// The job browser (View ▸ Jobs on server, ui/job_browser.h) against a real `sciagents serve` on
// loopback with one worker: a blocker job from another client keeps the worker busy, so the jobs
// Studio submits stay queued until the test lets them run. Studio submits a long sweep and closes
// with "Keep running on server" (the job is remembered and not cancelled); a new window submits a
// quick job; the browser lists both with their states; Attach follows the long one (live progress
// in its row, the run log) to succeeded; Fetch result of the quick one fills the Results panel;
// Cancel (confirmed) stops a third job; a new window with the same settings lists the remembered
// jobs again. Also the screenshot docs/images/job-browser-1280x800.png (under Xvfb).
#include "core/agent/agent_registry.h"
#include "isolated_settings.h"
#include "loopback_server.h"
#include "screenshot_util.h"
#include "ui/job_browser.h"
#include "ui/main_window.h"
#include "ui/node_status.h"
#include "ui/remote_settings.h"
#include "ui/remote_target.h"
#include "ui/results_panel.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include "core/workflow/workflow_json.h"

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest/QtTest>

#include <memory>

#include "tests/test_main.h"

namespace test_job_browser {

using namespace sciagents::ui;

namespace {
// Runs until cancelled (Van der Pol, mu = 1e6, explicit method): keeps the single worker busy.
const char* kBlocker =
    "{\"sciagents\": 1, \"name\": \"blocker\", \"steps\": [{\"id\": \"vdp\", \"agent\": "
    "\"ode_pde\", \"task\": \"ivp\", \"params\": {\"rhs\": [\"y2\", \"mu*(1 - y1^2)*y2 - y1\"], "
    "\"states\": [\"y1\", \"y2\"], \"y0\": [2, 0], \"t_span\": [0, 3000], \"t_eval\": "
    "{\"linspace\": [0, 3000, 11]}, \"constants\": {\"mu\": 1000000}, \"method\": \"rk45\", "
    "\"max_num_steps\": 2000000000}}]}";

// A sweep with many points: progress events as the points finish.
const char* kSteady =
    "{\"sciagents\": 1, \"name\": \"steady\", \"steps\": [{\"id\": \"decay\", \"agent\": "
    "\"ode_pde\", \"task\": \"ivp\", \"params\": {\"rhs\": [\"-k*y\"], \"states\": [\"y\"], "
    "\"y0\": [1], \"t_span\": [0, 5], \"constants\": {\"k\": 1}, \"rtol\": 1e-10, \"atol\": "
    "1e-12}, \"sweep\": {\"param\": \"constants.k\", \"values\": {\"linspace\": [0.1, 3, "
    "400]}}}]}";

const char* kQuick =
    "{\"sciagents\": 1, \"name\": \"quick\", \"steps\": [{\"id\": \"quad\", \"agent\": "
    "\"optimization\", \"task\": \"minimize\", \"params\": {\"objective\": \"(x - 2)^2 + 1\", "
    "\"variables\": [\"x\"], \"x0\": [0.0], \"method\": \"auto\"}}]}";

bool writeJobFile(const QString& path, const char* text) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly) && f.write(text) > 0;
}
}  // namespace

class TestJobBrowser : public QObject {
  Q_OBJECT

  studio_test::LoopbackServer m_server;
  QTemporaryDir m_dir;
  QString m_steady_job, m_quick_job;

  RemoteSettings settings() const { return RemoteSettings{m_server.url(), m_server.token()}; }

  static std::unique_ptr<MainWindow> newWindow() {
    auto w = std::make_unique<MainWindow>(sciagents::core::AgentRegistry::builtin());
    w->remoteTarget()->setUseCache(false);
    return w;
  }

  // Submits the open workflow of `w` to the server through its remote target (Studio's own path).
  static QString submit(MainWindow& w) {
    w.setExecutionTarget(w.remoteTarget());
    w.runAll();
    if (!QTest::qWaitFor([&w] { return !w.remoteTarget()->jobId().isEmpty(); }, 60000)) return {};
    return w.remoteTarget()->jobId();
  }

  // Clicks `button` (object name) of the first modal dialog named `dialog` once it is open.
  static void clickInDialog(const QString& dialog, const QString& button) {
    auto* timer = new QTimer;
    timer->setInterval(50);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, dialog, button] {
      for (QWidget* top : QApplication::topLevelWidgets()) {
        if (top->objectName() != dialog || !top->isVisible()) continue;
        if (auto* b = top->findChild<QPushButton*>(button)) {
          timer->deleteLater();
          b->click();
          return;
        }
      }
    });
    timer->start();
  }

 private slots:
  void initTestCase() {
    studio_test::isolateSettings(QStringLiteral("test_job_browser") +
                                 studio_test::platformSuffix());
    QVERIFY(m_dir.isValid());
    m_server.start("job-browser-test");
    if (QTest::currentTestFailed()) return;
    QString error;
    QVERIFY2(settings().save(&error), qPrintable(error));  // every new window connects here
    for (auto [name, text] : {std::pair{"steady", kSteady}, std::pair{"quick", kQuick}})
      QVERIFY(writeJobFile(m_dir.filePath(QString::fromLatin1(name) + ".workflow.json"), text));
  }

  void cleanupTestCase() { m_server.stop(); }

  void browseAttachFetchCancelRestart() {
    // Another client's job holds the only worker.
    RemoteTarget blocker;
    blocker.setSettings(settings());
    blocker.setUseCache(false);
    QSignalSpy blockerRunning(&blocker, &ExecutionTarget::stepStarted);
    QSignalSpy blockerDone(&blocker, &ExecutionTarget::finished);
    QVERIFY(blocker.start(sciagents::core::parseWorkflowFile(kBlocker).workflow));
    QTRY_COMPARE_WITH_TIMEOUT(blockerRunning.size(), 1, 60000);

    // Studio submits the long sweep, then closes: "Keep running on server" (the default choice).
    {
      auto w = newWindow();
      QVERIFY(w->openFile(m_dir.filePath("steady.workflow.json")));
      m_steady_job = submit(*w);
      QVERIFY(!m_steady_job.isEmpty());
      QVERIFY(JobBrowser::rememberedJobs(m_server.url()).contains(m_steady_job));
      clickInDialog("CloseRemoteRunPrompt", "KeepRunningOnServer");
      QVERIFY(w->close());
    }
    // A new window (same settings) submits the quick job; it queues behind the long one.
    auto w = newWindow();
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    QVERIFY(w->openFile(m_dir.filePath("quick.workflow.json")));
    m_quick_job = submit(*w);
    QVERIFY(!m_quick_job.isEmpty());

    // View ▸ Jobs on server lists both (and the blocker, another client's), with their states.
    QAction* action = w->findChild<QAction*>("JobBrowserAction");
    QVERIFY(action);
    action->trigger();
    auto* dock = w->findChild<QDockWidget*>("JobBrowser");
    QVERIFY(dock && dock->isVisible());
    JobBrowser* b = w->jobBrowser();
    QCOMPARE(dock->widget(), b);
    QTRY_VERIFY_WITH_TIMEOUT(b->rowOf(m_steady_job) >= 0 && b->rowOf(m_quick_job) >= 0, 60000);
    QCOMPARE(b->cellText(m_steady_job, JobBrowser::ColState), QString("queued"));
    QCOMPARE(b->cellText(m_quick_job, JobBrowser::ColState), QString("queued"));
    QCOMPARE(b->cellText(m_steady_job, JobBrowser::ColName), QString("steady"));
    QCOMPARE(b->cellText(m_steady_job, JobBrowser::ColFrom), QString("Studio"));
    QVERIFY(b->rowOf(blocker.jobId()) >= 0);
    QCOMPARE(b->cellText(blocker.jobId(), JobBrowser::ColState), QString("running"));
    QCOMPARE(b->cellText(blocker.jobId(), JobBrowser::ColFrom), QString("other client"));
    // The state filter asks the server for one state only.
    b->setStateFilter("running");
    QTRY_VERIFY_WITH_TIMEOUT(!b->isRefreshing() && b->rowOf(m_steady_job) < 0, 60000);
    QVERIFY(b->rowOf(blocker.jobId()) >= 0);
    b->setStateFilter("");
    QTRY_VERIFY_WITH_TIMEOUT(b->rowOf(m_steady_job) >= 0, 60000);

    // Attach to the long job (by its button), then let it run: live progress in its row.
    QStringList progressSeen;
    connect(b->table(), &QTableWidget::itemChanged, b, [&](QTableWidgetItem* item) {
      if (item->column() == JobBrowser::ColProgress) progressSeen << item->text();
    });
    QSignalSpy results(b, &JobBrowser::resultReady);
    b->selectJob(m_steady_job);
    auto* attachButton = b->findChild<QPushButton*>("JobAttach");
    QVERIFY(attachButton->isEnabled());
    attachButton->click();
    QVERIFY(b->isAttached(m_steady_job));
    // Its stream is open before it may start (the server replays nothing of a finished job).
    QTRY_VERIFY_WITH_TIMEOUT(b->isFollowing(m_steady_job), 60000);
    blocker.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(blockerDone.size(), 1, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(b->cellText(m_steady_job, JobBrowser::ColState), QString("succeeded"),
                              120000);
    QTRY_VERIFY_WITH_TIMEOUT(!b->isAttached(m_steady_job), 60000);
    QVERIFY2(progressSeen.filter(QRegularExpression("^decay: \\d+%$")).size() > 0,
             qPrintable(progressSeen.join(" | ")));
    QVERIFY2(
        w->runLog()->toPlainText().contains(QString("job %1: decay: started").arg(m_steady_job)),
        qPrintable(w->runLog()->toPlainText()));
    // Its result went to the Results panel when it ended (the quick job's own run, which follows
    // it on the server, may have replaced it there since).
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 30000);
    const auto steady =
        results.at(0).at(0).value<std::shared_ptr<const sciagents::core::RunResult>>();
    QVERIFY(steady && steady->step("decay"));
    QVERIFY(steady->step("decay")->outputs.count("y_final"));

    // The quick job ran after it (Studio's own run follows it); Fetch result fills the panel.
    QTRY_VERIFY_WITH_TIMEOUT(!w->remoteTarget()->isRunning(), 120000);
    w->results()->clear();
    w->results()->showStep("quad");
    QCOMPARE(w->results()->outputRow("fun"), -1);
    b->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(b->cellText(m_quick_job, JobBrowser::ColState), QString("succeeded"),
                              60000);
    b->selectJob(m_quick_job);
    auto* fetchButton = b->findChild<QPushButton*>("JobFetchResult");
    QVERIFY(fetchButton->isEnabled());
    fetchButton->click();
    QTRY_COMPARE_WITH_TIMEOUT(b->lastResultJob(), m_quick_job, 60000);
    w->results()->showStep("quad");
    QVERIFY(w->results()->outputRow("fun") >= 0);
    QVERIFY(w->results()->outputRow("x") >= 0);
    // …and saves it as a result file.
    const QString saved = m_dir.filePath("quick.result.json");
    QVERIFY(b->saveLastResult(saved));
    QVERIFY(QFile(saved).size() > 0);

    // Open workflow: the workflow the job ran (its result's workflow_spec) becomes the document.
    w->newFile();
    QVERIFY(w->document()->stepIds().isEmpty());
    b->findChild<QPushButton*>("JobOpenWorkflow")->click();
    QTRY_VERIFY_WITH_TIMEOUT(w->document()->stepIds() == QStringList{"quad"}, 60000);
    QVERIFY(w->document()->filePath().endsWith(m_quick_job + ".workflow.json"));

    // A third long job, cancelled from the browser after confirming.
    RemoteTarget third;
    third.setSettings(settings());
    third.setUseCache(false);
    QSignalSpy thirdRunning(&third, &ExecutionTarget::stepStarted);
    QVERIFY(third.start(sciagents::core::parseWorkflowFile(kBlocker).workflow));
    QTRY_COMPARE_WITH_TIMEOUT(thirdRunning.size(), 1, 60000);
    const QString third_id = third.jobId();
    third.detach();  // only the browser acts on it now
    b->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(b->cellText(third_id, JobBrowser::ColState), QString("running"),
                              60000);
    // Its workflow is the open document: attached, the canvas follows the job.
    QVERIFY(writeJobFile(m_dir.filePath("blocker.workflow.json"), kBlocker));
    QVERIFY(w->openFile(m_dir.filePath("blocker.workflow.json")));
    QVERIFY(b->attach(third_id));
    QTRY_VERIFY_WITH_TIMEOUT(w->scene()->status("vdp") == NodeStatus::Running, 60000);

    // A screenshot of the browser with a running job (docs/images, from the Xvfb run).
    b->selectJob(third_id);
    dock->raise();
    QTest::qWait(200);
    const QImage shot = w->grab().toImage();
    QVERIFY(studio_test::hasContent(shot));
    QVERIFY(studio_test::saveScreenshot(shot, "job-browser-1280x800"));

    auto* cancelButton = b->findChild<QPushButton*>("JobCancel");
    QVERIFY(cancelButton->isEnabled());
    QMessageBox* confirm = nullptr;
    cancelButton->click();
    QTRY_VERIFY_WITH_TIMEOUT((confirm = b->findChild<QMessageBox*>("JobCancelConfirm")), 10000);
    confirm->button(QMessageBox::Yes)->click();
    QTRY_COMPARE_WITH_TIMEOUT(b->cellText(third_id, JobBrowser::ColState), QString("cancelled"),
                              60000);
    QTRY_VERIFY_WITH_TIMEOUT(!b->isAttached(third_id), 60000);

    // Studio closes and starts again with the same settings: the remembered jobs are listed.
    w.reset();
    auto again = newWindow();
    again->showJobBrowser();
    JobBrowser* b2 = again->jobBrowser();
    QTRY_VERIFY_WITH_TIMEOUT(b2->rowOf(m_steady_job) >= 0 && b2->rowOf(m_quick_job) >= 0, 60000);
    QCOMPARE(b2->cellText(m_steady_job, JobBrowser::ColFrom), QString("Studio"));
    QCOMPARE(b2->cellText(m_quick_job, JobBrowser::ColFrom), QString("Studio"));
    QCOMPARE(b2->cellText(m_steady_job, JobBrowser::ColState), QString("succeeded"));
    QCOMPARE(b2->cellText(third_id, JobBrowser::ColFrom), QString("other client"));
  }

  void errorsGoToTheStatusLine() {
    // A job the server does not know: 404 in the status line.
    {
      auto w = newWindow();
      w->jobBrowser()->fetchResult("0123456789abcdef");
      QTRY_VERIFY_WITH_TIMEOUT(w->jobBrowser()->statusLabel()->text().contains("not found"), 60000);
      QVERIFY(!QApplication::activeModalWidget());
      // A remembered job the server no longer knows (retention) is forgotten.
      JobBrowser::rememberJob(m_server.url(), "0123456789abcdef0123456789abcdef");
      w->showJobBrowser();
      QTRY_VERIFY_WITH_TIMEOUT(
          !JobBrowser::rememberedJobs(m_server.url()).contains("0123456789abcdef0123456789abcdef"),
          60000);
      QVERIFY(JobBrowser::rememberedJobs(m_server.url()).contains(m_steady_job));
    }
    // A wrong token: 401 in the status line, no dialog.
    RemoteSettings wrong = settings();
    wrong.token = "not-a-token";
    QVERIFY(wrong.save());
    {
      auto w = newWindow();
      w->showJobBrowser();
      QTRY_VERIFY_WITH_TIMEOUT(w->jobBrowser()->statusLabel()->text().contains("401"), 60000);
      QVERIFY(!QApplication::activeModalWidget());
    }
    // Nobody listening: unreachable, again in the status line.
    RemoteSettings gone = settings();
    gone.url = QUrl("http://127.0.0.1:1");
    QVERIFY(gone.save());
    {
      auto w = newWindow();
      w->showJobBrowser();
      QTRY_VERIFY_WITH_TIMEOUT(w->jobBrowser()->statusLabel()->text().contains("unreachable"),
                               60000);
      QVERIFY(!QApplication::activeModalWidget());
    }
    QVERIFY(settings().save());
  }
};

SCIAGENTS_TEST_MAIN(TestJobBrowser)

}  // namespace test_job_browser
#include "test_job_browser.moc"
