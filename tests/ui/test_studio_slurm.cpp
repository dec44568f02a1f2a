// Studio's "Slurm (through server)" target (docs/studio.md): the job body RemoteTarget sends
// carries "backend": "slurm" and the Slurm options of the remote settings (saved with them, edited
// in the connection dialog); Run ▸ Target ▸ Slurm switches the status bar to "Slurm via <server>";
// and a sweep of 8 values run from the window on a private single-node cluster
// (tests/slurm/slurm_cluster.h) through a real `sciagents serve` on loopback comes back merged from
// 4 array tasks, into the results table, with the shards in the run log; Run ▸ Cancel of a long one
// leaves nothing in the Slurm queue.
#include "../slurm/slurm_cluster.h"
#include "core/agent/agent_registry.h"
#include "isolated_settings.h"
#include "loopback_server.h"
#include "ui/connection_dialog.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/remote_settings.h"
#include "ui/remote_target.h"
#include "ui/results_panel.h"
#include "ui/workflow_scene.h"

#include "core/value/value_json.h"
#include "core/workflow/workflow_json.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include "tests/test_main.h"

namespace test_studio_slurm {

using namespace sciagents::ui;
using nlohmann::json;

namespace {
// x = A^-1 b for b = (k, k), k = 1..8: x = (k/2, k/4).
const char* kSweep8 =
    "{\"sciagents\": 1, \"name\": \"Sweep 8 right-hand sides\", \"steps\": ["
    " {\"id\": \"solve\", \"agent\": \"linear_algebra\", \"task\": \"solve\","
    "  \"params\": {\"A\": [[2, 0], [0, 4]], \"b\": [1, 1]},"
    "  \"sweep\": {\"param\": \"b\", \"values\": "
    "[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7],[8,8]]}}]}";

RemoteSettings slurmSettings(const QUrl& url, const QString& token) {
  RemoteSettings s{url, token};
  s.slurm.partition = QStringLiteral("debug");
  s.slurm.account = QStringLiteral("proj42");
  s.slurm.tasks = 4;
  s.slurm.time_limit_min = 30;
  s.slurm.cpus = 2;
  s.slurm.mem_mb = 500;
  return s;
}

QAction* slurmAction(MainWindow& w) {
  return w.findChild<QAction*>(QStringLiteral("TargetSlurmAction"));
}

QString outputJson(const sciagents::core::RunResult& r, const char* step, const char* output) {
  const auto* s = r.step(step);
  if (!s || !s->outputs.count(output)) return QStringLiteral("missing");
  return QString::fromStdString(sciagents::core::toJson(s->outputs.at(output)).dump());
}
}  // namespace

class TestStudioSlurm : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_studio_slurm"); }

  void jobBodyCarriesBackendAndSlurmOptions() {
    const auto wf = sciagents::core::parseWorkflowFile(kSweep8).workflow;
    RemoteTarget t;
    t.setSettings(slurmSettings(QUrl("http://127.0.0.1:1"), "tok"));
    t.setUseCache(false);
    // The plain remote target leaves the backend to the server.
    json body = json::parse(t.jobBody(wf).toStdString());
    QVERIFY(!body.contains("backend"));
    QVERIFY(!body.contains("slurm"));
    QCOMPARE(body["no_cache"], json(true));
    QCOMPARE(body["workflow"]["steps"][0]["id"], json("solve"));

    t.setBackend(RemoteTarget::Backend::Slurm);
    body = json::parse(t.jobBody(wf).toStdString());
    QCOMPARE(body["backend"], json("slurm"));
    const json expected = {{"partition", "debug"}, {"account", "proj42"}, {"tasks", 4},
                           {"time_limit_min", 30}, {"cpus", 2},           {"mem_mb", 500}};
    QCOMPARE(QString::fromStdString(body["slurm"].dump()), QString::fromStdString(expected.dump()));
    QCOMPARE(body["workflow"]["steps"][0]["sweep"]["param"], json("b"));

    // Unset options are left out, so the server's --slurm-* defaults apply.
    RemoteSettings partial{QUrl("http://127.0.0.1:1"), "tok"};
    partial.slurm.tasks = 3;
    partial.slurm.partition = "  ";
    t.setSettings(partial);
    body = json::parse(t.jobBody(wf).toStdString());
    QCOMPARE(QString::fromStdString(body["slurm"].dump()),
             QString::fromStdString(json({{"tasks", 3}}).dump()));
    t.setSettings(RemoteSettings{QUrl("http://127.0.0.1:1"), "tok"});
    body = json::parse(t.jobBody(wf).toStdString());
    QCOMPARE(body["backend"], json("slurm"));
    QVERIFY(!body.contains("slurm"));
  }

  void slurmOptionsSavedWithRemoteSettings() {
    const RemoteSettings s = slurmSettings(QUrl("http://127.0.0.1:8080"), "secret");
    QString error;
    QVERIFY2(s.save(&error), qPrintable(error));
    const RemoteSettings back = RemoteSettings::load();
    QCOMPARE(back.url, s.url);
    QCOMPARE(back.token, s.token);
    QVERIFY(back.slurm == s.slurm);
    // The dialog shows them and returns edits.
    ConnectionDialog d(back);
    QCOMPARE(d.slurmPartitionEdit()->text(), QString("debug"));
    QCOMPARE(d.slurmTasksBox()->value(), 4);
    d.slurmTasksBox()->setValue(8);
    d.slurmAccountEdit()->setText(" other ");
    d.slurmCpusBox()->setValue(0);
    const RemoteSettings edited = d.settings();
    QCOMPARE(edited.slurm.tasks, 8);
    QCOMPARE(edited.slurm.account, QString("other"));
    QCOMPARE(edited.slurm.cpus, 0);
    QCOMPARE(edited.slurm.time_limit_min, 30);
    QCOMPARE(edited.token, QString("secret"));
  }

  void menuSwitchesBetweenTargets() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.remoteTarget()->setSettings(RemoteSettings{QUrl("http://127.0.0.1:8123"), "tok"});
    QAction* slurm = slurmAction(w);
    QVERIFY(slurm);
    slurm->trigger();
    QVERIFY(w.executionTarget() == w.remoteTarget());
    QVERIFY(w.remoteTarget()->backend() == RemoteTarget::Backend::Slurm);
    QCOMPARE(w.targetLabel()->text(), QString("Target: Slurm via http://127.0.0.1:8123"));
    QVERIFY(slurm->isChecked());
    // Remote server: the same target, the server's backend again.
    QAction* remote = nullptr;
    for (QAction* a : w.findChildren<QAction*>())
      if (a->text() == QLatin1String("&Remote server")) remote = a;
    QVERIFY(remote);
    remote->trigger();
    QVERIFY(w.executionTarget() == w.remoteTarget());
    QVERIFY(w.remoteTarget()->backend() == RemoteTarget::Backend::Server);
    QCOMPARE(w.targetLabel()->text(), QString("Target: Remote http://127.0.0.1:8123"));
    QVERIFY(remote->isChecked() && !slurm->isChecked());
    // Back to Slurm from Local: the check mark follows.
    w.setExecutionTarget(w.runner());
    slurm->trigger();
    QVERIFY(w.executionTarget() == w.remoteTarget());
    QVERIFY(slurm->isChecked());
    QVERIFY(w.targetLabel()->text().startsWith("Target: Slurm via"));
  }

  void sweepRunsOnSlurmThroughServer() {
    const QString skip = sciagents::test::slurmSkipReason();
    if (!skip.isEmpty()) QSKIP(qPrintable(skip));
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    sciagents::test::SlurmCluster cluster(tmp.filePath("cluster"));
    std::string log;
    QVERIFY2(cluster.up(&log), log.c_str());  // exports SLURM_CONF: the server below inherits it
    studio_test::LoopbackServer server;
    server.start("studio-slurm");
    if (QTest::currentTestFailed()) return;

    // Reference: the same workflow run locally.
    const auto wf = sciagents::core::parseWorkflowFile(kSweep8).workflow;
    LocalRunner local(sciagents::core::AgentRegistry::builtin());
    local.setUseCache(false);
    QSignalSpy localDone(&local, &ExecutionTarget::finished);
    QVERIFY(local.start(wf));
    QTRY_COMPARE_WITH_TIMEOUT(localDone.size(), 1, 60000);
    QVERIFY(local.lastResult());

    QFile file(tmp.filePath("sweep8.workflow.json"));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(kSweep8) > 0);
    file.close();
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(file.fileName()));
    RemoteSettings settings{server.url(), server.token()};
    settings.slurm.tasks = 4;
    w.remoteTarget()->setSettings(settings);
    w.remoteTarget()->setUseCache(false);
    slurmAction(w)->trigger();  // the user's way: Run ▸ Target ▸ Slurm (through server)
    QCOMPARE(w.targetLabel()->text(), "Target: Slurm via " + server.url().toDisplayString());
    QSignalSpy done(w.remoteTarget(), &ExecutionTarget::finished);
    QSignalSpy shards(w.remoteTarget(), &RemoteTarget::slurmLog);
    w.runAll();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 240000);
    const QString runLog = w.runLog()->toPlainText();
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString() + "\n" + runLog));

    // It ran on Slurm: the server's job directory for it, and the milestones in the run log.
    QVERIFY(QDir(server.dataDir() + "/slurm/" + w.remoteTarget()->jobId()).exists());
    QVERIFY2(runLog.contains("Slurm: submitted Slurm job") && runLog.contains(": 4 array tasks"),
             qPrintable(runLog));
    const auto shardLines =
        runLog.split('\n').filter(QRegularExpression("Slurm: shard \\d+ of 4 succeeded"));
    QCOMPARE(shardLines.size(), 4);
    int shardSignals = 0;
    for (const auto& args : shards)
      shardSignals += args.at(0).toString().contains(" succeeded (") ? 1 : 0;
    QCOMPARE(shardSignals, 4);
    QVERIFY2(runLog.contains("(4/4 done)"), qPrintable(runLog));
    QVERIFY(runLog.contains("Run finished"));
    QCOMPARE(w.scene()->status("solve"), NodeStatus::Done);

    // The merged result equals the local run's, and fills the results table.
    const auto remote = w.remoteTarget()->lastResult();
    QVERIFY(remote);
    for (const char* out : {"x", "residual"})
      QCOMPARE(outputJson(*remote, "solve", out), outputJson(*local.lastResult(), "solve", out));
    ResultsPanel* results = w.results();
    results->showStep("solve");
    const int row = results->outputRow("x");
    QVERIFY(row >= 0);
    QVERIFY2(results->outputsModel()->item(row, ResultsPanel::ShapeColumn)->text().contains('8'),
             qPrintable(results->outputsModel()->item(row, ResultsPanel::ShapeColumn)->text()));
    results->showDetail(row);  // the Table tab: the whole list as JSON, one line per row
    QStringList table;
    for (int r = 0; r < results->elementsModel()->rowCount(); ++r)
      table << results->elementsModel()->item(r, 0)->text();
    const json xs = json::parse(table.join('\n').toStdString(), nullptr, false);
    QVERIFY2(xs.is_object() && xs.contains("items"), qPrintable(table.join('\n')));
    QCOMPARE(xs["items"].size(), std::size_t(8));
    for (int k = 1; k <= 8; ++k) {  // x = (k/2, k/4)
      QVERIFY(std::abs(xs["items"][k - 1][0].get<double>() - k / 2.0) < 1e-12);
      QVERIFY(std::abs(xs["items"][k - 1][1].get<double>() - k / 4.0) < 1e-12);
    }
    qInfo("run log:\n%s", qPrintable(runLog));

    // Cancel from the window (Run ▸ Cancel): the server runs scancel, nothing is left in the queue.
    auto lorenz =
        sciagents::test::readJson(sciagents::test::slurmData("lorenz-sweep.workflow.json"));
    QVERIFY(lorenz);
    (*lorenz)["steps"][0]["params"]["t_span"] = {0, 200000};  // far longer than the test waits
    (*lorenz)["steps"][0]["params"]["t_eval"] = {200000};
    QFile longFile(tmp.filePath("long.workflow.json"));
    QVERIFY(longFile.open(QIODevice::WriteOnly) &&
            longFile.write(QByteArray::fromStdString(lorenz->dump())) > 0);
    longFile.close();
    QVERIFY(w.openFile(longFile.fileName()));
    w.runLog()->clear();
    w.runAll();
    const QRegularExpression submitted("submitted Slurm job (\\d+)");
    QTRY_VERIFY_WITH_TIMEOUT(submitted.match(w.runLog()->toPlainText()).hasMatch(), 90000);
    const QString slurmJob = submitted.match(w.runLog()->toPlainText()).captured(1);
    QVERIFY(w.cancelAction()->isEnabled());
    w.cancelAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 120000);
    QVERIFY2(w.runLog()->toPlainText().contains("Run cancelled"),
             qPrintable(w.runLog()->toPlainText()));
    QCOMPARE(w.scene()->status("lorenz"), NodeStatus::Cancelled);
    const auto q = sciagents::test::runProgram("squeue", {"-h", "-r", "-j", slurmJob});
    QCOMPARE(QString::fromStdString(q.out).trimmed(), QString());
    server.stop();
  }
};

SCIAGENTS_TEST_MAIN(TestStudioSlurm)

}  // namespace test_studio_slurm
#include "test_studio_slurm.moc"
