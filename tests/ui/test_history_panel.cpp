// Studio's run history (issue 19, items 4 and 6): every run Studio makes is recorded in the history
// ($SCIAGENTS_HISTORY, a file of this test's own); the History dock lists the runs newest first and
// opens (workflow as run + result), compares (param diff, one output of both runs on one plot),
// re-runs, exports a report of and deletes them; File ▸ Export Report… writes the last run's HTML
// report. A screenshot of the compare dialog at 1280×800 (docs/images/history-compare-1280x800.png
// from the Xvfb twin with SCIAGENTS_UPDATE_DOC_IMAGES=1).
#include "isolated_settings.h"
#include "screenshot_util.h"
#ifndef _WIN32
#include "loopback_server.h"
#endif

#include "core/agent/agent_registry.h"
#include "core/store/run_history.h"
#include "ui/history_panel.h"
#include "ui/line_plot.h"
#include "ui/main_window.h"
#include "ui/remote_target.h"
#include "ui/results_panel.h"
#include "ui/run_compare_dialog.h"
#include "ui/run_controller.h"
#include "ui/workflow_document.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLineSeries>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest/QtTest>

#include <memory>

#include "tests/test_main.h"

namespace test_history_panel {

using namespace sciagents::ui;
using nlohmann::json;

namespace {
void runAndWait(MainWindow& w, bool rerun_button = false) {
  QSignalSpy finished(&w, &MainWindow::runFinished);
  if (rerun_button) {
    auto* b = w.history()->findChild<QPushButton*>(QStringLiteral("HistoryRerunButton"));
    QVERIFY(b && b->isEnabled());
    QTest::mouseClick(b, Qt::LeftButton);
  } else {
    w.runAll();
  }
  QVERIFY(finished.wait(120000));
  QVERIFY(finished.at(0).at(0).toBool());
}

void clickButton(HistoryPanel* h, const char* name) {
  auto* b = h->findChild<QPushButton*>(QString::fromLatin1(name));
  QVERIFY2(b, name);
  QVERIFY2(b->isEnabled(), name);
  QTest::mouseClick(b, Qt::LeftButton);
}

int diffRow(QTableWidget* t, const QString& path) {
  for (int r = 0; r < t->rowCount(); ++r)
    if (t->item(r, RunCompareDialog::PathColumn)->text() == path) return r;
  return -1;
}

double stepOutput(const std::shared_ptr<const sciagents::core::RunResult>& r, const char* step,
                  const char* output, int i) {
  const auto* s = r ? r->step(step) : nullptr;
  return s ? s->outputs.at(output).asVector()[i] : -1e300;
}
}  // namespace

class TestHistoryPanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_history_panel"); }

  // Each case starts from an empty history of its own and a copy of the quick start.
  void init() {
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    qputenv("SCIAGENTS_HISTORY", m_tmp->filePath("history.sqlite").toUtf8());
    m_file = m_tmp->filePath("quickstart.workflow.json");
    QVERIFY(QFile::copy(MainWindow::examplesDir() + "/quickstart.workflow.json", m_file));
  }
  void cleanup() { m_tmp.reset(); }

  // The window with two runs made: b = [8, 10] (x = [0.4, 2.4]), then b = [8, 11]
  // (x = [-0.2, 2.8]), the document saved after the edit.
  void twoRuns(MainWindow& w) {
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(m_file));
    runAndWait(w);
    QTRY_COMPARE(w.history()->runCount(), 1);
    QVERIFY(w.document()->setParam("solve", "b", json::array({8, 11})));
    QVERIFY(w.saveTo(m_file));
    runAndWait(w);
    QTRY_COMPARE(w.history()->runCount(), 2);
  }

  void listsEveryRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    twoRuns(w);
    HistoryPanel* h = w.history();
    QCOMPARE(h->objectName(), QString("HistoryPanel"));
    auto* dock = w.findChild<QDockWidget*>(QStringLiteral("HistoryDock"));
    QVERIFY(dock && dock->widget() == h);
    bool in_view_menu = false;
    for (QAction* menu : w.menuBar()->actions())
      if (menu->menu() && menu->text() == "&View")
        in_view_menu = menu->menu()->actions().contains(dock->toggleViewAction());
    QVERIFY(in_view_menu);

    // Newest first, with the workflow, status and where.
    QVERIFY(h->idAt(0) > h->idAt(1));
    QStandardItemModel* m = h->model();
    for (int row = 0; row < 2; ++row) {
      QCOMPARE(m->item(row, HistoryPanel::WorkflowColumn)->text(),
               QString("Quick start: a 2x2 linear system"));
      QCOMPARE(m->item(row, HistoryPanel::StatusColumn)->text(), QString("succeeded"));
      QCOMPARE(m->item(row, HistoryPanel::WhereColumn)->text(), QString("local"));
      QVERIFY(!m->item(row, HistoryPanel::TimeColumn)->text().isEmpty());
      QVERIFY(m->item(row, HistoryPanel::DurationColumn)->text().endsWith("s"));  // ms, s, min
    }
    // The same history the CLI reads: the workflow as run, the file it came from, the result.
    const auto newest =
        sciagents::core::store::RunHistory(sciagents::core::store::RunHistory::defaultFile())
            .get(h->idAt(0));
    QVERIFY(newest);
    const json spec = json::parse(newest->workflow_json);
    QCOMPARE(spec["steps"][0]["params"]["b"], json::array({8, 11}));
    QCOMPARE(QString::fromStdString(newest->workflow_file), QFileInfo(m_file).absoluteFilePath());
    QVERIFY(newest->result_json.find("sciagents_result") != std::string::npos);
    QVERIFY(newest->agent_versions_json.find("linear_algebra") != std::string::npos);
  }

  void openRestoresWorkflowAndResult() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    twoRuns(w);
    HistoryPanel* h = w.history();
    QCOMPARE(w.document()->step("solve")->params.at("b"), json::array({8, 11}));
    QCOMPARE(stepOutput(w.runs()->lastResult(), "solve", "x", 0), -0.2);

    // The older run, opened from the keyboard (Enter on the list).
    h->selectIds({h->idAt(1)});
    h->view()->setFocus();
    QTest::keyClick(h->view(), Qt::Key_Return);
    QTRY_COMPARE(w.document()->step("solve")->params.at("b"), json::array({8, 10}));
    QCOMPARE(w.document()->filePath(), m_file);
    QVERIFY(w.document()->isModified());  // the workflow as run, not the file as saved
    QVERIFY(std::abs(stepOutput(w.runs()->lastResult(), "solve", "x", 0) - 0.4) < 1e-12);
    ResultsPanel* r = w.results();
    r->showStep("solve");
    r->showOutput("x");
    QVERIFY(r->currentValue());
    QVERIFY(std::abs(r->currentValue()->asVector()[0] - 0.4) < 1e-12);
    QVERIFY(std::abs(r->currentValue()->asVector()[1] - 2.4) < 1e-12);
  }

  void compareShowsDiffAndOverlay() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    twoRuns(w);
    HistoryPanel* h = w.history();
    h->selectIds({h->idAt(0), h->idAt(1)});
    clickButton(h, "HistoryCompareButton");
    RunCompareDialog* d = h->compareDialog();
    QVERIFY(d);
    QVERIFY(d->isVisible());
    QTableWidget* diff = d->diffTable();
    const int row = diffRow(diff, "solve.b[1]");
    QVERIFY2(row >= 0, "the changed param path is listed");
    QCOMPARE(diff->item(row, RunCompareDialog::AColumn)->text(), QString("10"));  // older run
    QCOMPARE(diff->item(row, RunCompareDialog::BColumn)->text(), QString("11"));
    QCOMPARE(diffRow(diff, "solve.b[0]"), -1);  // unchanged params are not listed
    QCOMPARE(diff->rowCount(), 1);

    d->showOutput("solve", "x");
    QCOMPARE(d->outputBox()->currentText(), QString("x"));
    LinePlot* plot = d->plot();
    QCOMPARE(plot->lineSeries().size(), 2);
    QCOMPARE(plot->curves().size(), 2);
    QVERIFY(plot->curves()[0].name.contains(QString::number(h->idAt(1))));
    QVERIFY(plot->curves()[1].name.contains(QString::number(h->idAt(0))));
    QVERIFY(std::abs(plot->curves()[0].points[0].y() - 0.4) < 1e-12);
    QVERIFY(std::abs(plot->curves()[1].points[0].y() + 0.2) < 1e-12);

    // Compare needs exactly two runs.
    h->selectIds({h->idAt(0)});
    QVERIFY(!h->compareAction()->isEnabled());
  }

  void rerunAddsAnEntry() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    twoRuns(w);
    HistoryPanel* h = w.history();
    const qint64 older = h->idAt(1);
    h->selectIds({older});
    runAndWait(w, true);
    QTRY_COMPARE(h->runCount(), 3);
    QVERIFY(h->idAt(0) > older);
    // The older run's workflow ran again: b = [8, 10].
    QVERIFY(std::abs(stepOutput(w.runs()->lastResult(), "solve", "x", 0) - 0.4) < 1e-12);
    QString error;
    const auto rec = h->record(h->idAt(0), &error);
    QVERIFY2(rec, qPrintable(error));
    QCOMPARE(json::parse(rec->workflow_json)["steps"][0]["params"]["b"], json::array({8, 10}));
  }

  void exportReportHasEveryStep() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QString error;
    QVERIFY(!w.exportReport(m_tmp->filePath("none.html"), &error));  // no run yet
    QVERIFY(!error.isEmpty());
    twoRuns(w);
    auto* action = w.findChild<QAction*>(QStringLiteral("ExportReportAction"));
    QVERIFY(action);
    QCOMPARE(defaultReportFileName("Quick start: a 2x2 linear system"),
             QString("Quick-start-a-2x2-linear-system-report.html"));

    const auto check = [](const QString& path) {
      QFile f(path);
      QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
      const QByteArray html = f.readAll();
      QVERIFY(html.contains("<html"));
      for (const char* step : {"solve", "cond"})
        QVERIFY2(html.contains(QByteArray("id=\"step-") + step + "\""), step);
    };
    // The last run carries the workflow as run and how it ran, as the report shows them.
    const auto as_run = w.runs()->lastRunWithProvenance();
    QVERIFY(as_run && as_run->workflow_spec.is_object() && as_run->run_info.is_object());
    QCOMPARE(as_run->run_info.value("where", std::string()), std::string("local"));
    QCOMPARE(as_run->workflow_spec["steps"][0]["params"]["b"], json::array({8, 11}));
    // File ▸ Export Report…: the last run.
    const QString last = m_tmp->filePath("last.html");
    QVERIFY2(w.exportReport(last, &error), qPrintable(error));
    check(last);
    // The History dock's Export report…: a run of the history.
    const QString older = m_tmp->filePath("older.html");
    QVERIFY2(w.history()->exportReport(w.history()->idAt(1), older, &error), qPrintable(error));
    check(older);
    // A folder that does not exist: an error naming the file.
    const QString bad = m_tmp->filePath("missing/folder/r.html");
    QVERIFY(!w.exportReport(bad, &error));
    QVERIFY(error.contains("r.html"));
  }

  void deleteRemovesAnEntry() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    twoRuns(w);
    HistoryPanel* h = w.history();
    const qint64 gone = h->idAt(1);
    const qint64 kept = h->idAt(0);
    h->selectIds({gone});
    QVERIFY(h->deleteAction()->isEnabled());
    // The Delete key on the list, then Yes in the confirmation.
    QTimer::singleShot(0, this, [] {
      QTRY_VERIFY(qobject_cast<QMessageBox*>(QApplication::activeModalWidget()));
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    });
    h->view()->setFocus();
    QTest::keyClick(h->view(), Qt::Key_Delete);
    QTRY_COMPARE(h->runCount(), 1);
    QCOMPARE(h->idAt(0), kept);
    QVERIFY(!h->record(gone));
    QVERIFY(h->record(kept));
    QVERIFY(w.document()->step("solve"));  // the canvas's Delete did not take the key
  }

  // A result too large for the history's row is kept in a file of Studio's own next to the
  // history: it opens like the others and goes with its row.
  void largeResultIsKeptInAFile() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/ode-oscillator.workflow.json"));
    QVERIFY(w.document()->setParam("osc", "t_eval",
                                   json::parse(R"({"linspace": [0, 62.83185307179586, 20000]})")));
    runAndWait(w);
    HistoryPanel* h = w.history();
    QTRY_COMPARE(h->runCount(), 1);
    QString error;
    const auto rec = h->record(h->idAt(0), &error);
    QVERIFY2(rec, qPrintable(error));
    QVERIFY(rec->result_json.empty());
    const QString file = QString::fromStdString(rec->result_file);
    QVERIFY2(file.startsWith(m_tmp->filePath("studio-results/")), qPrintable(file));
    QVERIFY(QFile::exists(file));
    QCOMPARE(QFile(file).permissions() & (QFile::ReadOther | QFile::ReadGroup),
             QFile::Permissions());
    const auto result = HistoryPanel::resultOf(*rec, &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(result->step("osc")->outputs.at("t").asVector().size(), Eigen::Index(20000));
    h->selectIds({h->idAt(0)});
    QVERIFY(h->deleteSelected(false));
    QCOMPARE(h->runCount(), 0);
    QVERIFY(!QFile::exists(file));
  }

#ifndef _WIN32
  // A run on a server (a real `sciagents serve` on loopback) is recorded the same way, with the
  // server's URL as where it ran and the server's own account of how it ran.
  void remoteRunIsRecorded() {
    studio_test::LoopbackServer server;
    server.start("history-test");
    if (QTest::currentTestFailed()) return;
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(m_file));
    w.remoteTarget()->setSettings({server.url(), server.token()});
    w.setExecutionTarget(w.remoteTarget());
    QCOMPARE(w.executionTarget(), static_cast<ExecutionTarget*>(w.remoteTarget()));
    runAndWait(w);
    HistoryPanel* h = w.history();
    QTRY_COMPARE(h->runCount(), 1);
    QCOMPARE(h->model()->item(0, HistoryPanel::WhereColumn)->text(), server.url().toString());
    QString error;
    const auto rec = h->record(h->idAt(0), &error);
    QVERIFY2(rec, qPrintable(error));
    QCOMPARE(QString::fromStdString(rec->workflow_file), QFileInfo(m_file).absoluteFilePath());
    QVERIFY(rec->agent_versions_json.find("linear_algebra") != std::string::npos);
    QCOMPARE(json::parse(rec->workflow_json)["steps"][0]["params"]["b"], json::array({8, 10}));
    // Its result opens like a local one.
    const auto result = HistoryPanel::resultOf(*rec, &error);
    QVERIFY2(result, qPrintable(error));
    QVERIFY(std::abs(stepOutput(result, "solve", "x", 1) - 2.4) < 1e-12);
    w.setExecutionTarget(nullptr);
    server.stop();
  }
#endif

  // docs/images/history-compare-1280x800.png (Xvfb, SCIAGENTS_UPDATE_DOC_IMAGES=1).
  void compareScreenshot() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/ode-oscillator.workflow.json"));
    runAndWait(w);
    QTRY_COMPARE(w.history()->runCount(), 1);
    QVERIFY(w.document()->setParam("osc", "y0", json::array({0.6, 0.3})));
    runAndWait(w);
    QTRY_COMPARE(w.history()->runCount(), 2);
    HistoryPanel* h = w.history();
    h->selectIds({h->idAt(0), h->idAt(1)});
    // The dock itself, for the build's screenshots only (not the user guide).
    w.findChild<QDockWidget*>(QStringLiteral("HistoryDock"))->raise();
    QTest::qWait(50);
    QVERIFY(w.grab().toImage().save(studio_test::screenshotDir() + "/history-dock" +
                                    studio_test::platformSuffix() + ".png"));
    RunCompareDialog* d = h->compareSelected();
    QVERIFY(d);
    d->resize(1280, 800);
    QVERIFY(QTest::qWaitForWindowExposed(d));
    d->showOutput("osc", "y");
    QTRY_COMPARE(d->size(), QSize(1280, 800));
    QTest::qWait(200);  // the chart lays out its axes
    QVERIFY(d->plot()->lineSeries().size() == 2);
    const QImage img = d->grab().toImage();
    QVERIFY(studio_test::hasContent(img));
    QVERIFY(studio_test::saveScreenshot(img, "history-compare-1280x800"));
  }

 private:
  std::unique_ptr<QTemporaryDir> m_tmp;
  QString m_file;
};

SCIAGENTS_TEST_MAIN(TestHistoryPanel)

}  // namespace test_history_panel
#include "test_history_panel.moc"
