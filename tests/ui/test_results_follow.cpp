// The Results panel follows the work (issue 18, item 6): a re-run keeps the step and the output
// the user was looking at; the first run of a step just added opens on that step; an ODE's y table
// has a t column and one column per state, named by the states.
#include "isolated_settings.h"

#include "core/agent/agent_registry.h"
#include "ui/main_window.h"
#include "ui/results_panel.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_results_follow {

using namespace sciagents::ui;
using nlohmann::json;

namespace {
void runAndWait(MainWindow& w) {
  QSignalSpy finished(&w, &MainWindow::runFinished);
  w.runAll();
  QVERIFY(finished.wait(120000));
  QVERIFY(finished.at(0).at(0).toBool());
}

// Selects output `name` as a click in the outputs table would.
void clickOutput(ResultsPanel* r, const QString& name) {
  const int row = r->outputRow(name);
  QVERIFY(row >= 0);
  QTableView* v = r->outputsView();
  const QRect cell = v->visualRect(r->outputsModel()->index(row, 0));
  QTest::mouseClick(v->viewport(), Qt::LeftButton, {}, cell.center());
  QCOMPARE(r->currentOutput(), name);
}
}  // namespace

class TestResultsFollow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_results_follow"); }

  void followsTheWork() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/ode-oscillator.workflow.json"));
    runAndWait(w);
    ResultsPanel* r = w.results();
    QCOMPARE(r->currentStep(), QString("osc"));

    // The y table: t, then the states x and v.
    clickOutput(r, "y");
    QStandardItemModel* el = r->elementsModel();
    QCOMPARE(el->columnCount(), 3);
    QCOMPARE(el->horizontalHeaderItem(0)->text(), QString("t"));
    QCOMPARE(el->horizontalHeaderItem(1)->text(), QString("x"));
    QCOMPARE(el->horizontalHeaderItem(2)->text(), QString("v"));
    QCOMPARE(el->item(0, 0)->data(Qt::UserRole).toDouble(), 0.0);  // t0
    QCOMPARE(el->item(0, 1)->data(Qt::UserRole).toDouble(), 1.0);  // x(0)
    QCOMPARE(el->item(0, 2)->data(Qt::UserRole).toDouble(), 0.0);  // v(0)
    const double t_last = el->item(el->rowCount() - 1, 0)->data(Qt::UserRole).toDouble();
    QVERIFY2(std::abs(t_last - 62.83185307179586) < 1e-9, qPrintable(QString::number(t_last)));

    // A re-run keeps the step and the output.
    runAndWait(w);
    QCOMPARE(r->currentStep(), QString("osc"));
    QCOMPARE(r->currentOutput(), QString("y"));
    QCOMPARE(r->elementsModel()->horizontalHeaderItem(1)->text(), QString("x"));

    // A Sobol step just added (and selected): its first run opens on it.
    const QString id = w.addTask("uq", "sobol");
    QVERIFY(!id.isEmpty());
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{id});
    WorkflowDocument* doc = w.document();
    QVERIFY(doc->setParam(id, "model", "x1 + 2*x2"));
    QVERIFY(doc->setParam(id, "inputs",
                          json::parse(R"([{"name": "x1", "dist": "uniform", "a": 0, "b": 1},
                                                       {"name": "x2", "dist": "uniform", "a": 0, "b": 1}])")));
    QVERIFY(doc->setParam(id, "n", 256));
    QVERIFY(doc->setParam(id, "bootstrap", 0));
    QVERIFY(doc->validate().empty());
    runAndWait(w);
    QCOMPARE(r->currentStep(), id);

    // Back on the ODE step (a canvas click), the output chosen there is still the one shown.
    w.scene()->selectSteps({"osc"});
    QCOMPARE(r->currentStep(), QString("osc"));
    QCOMPARE(r->currentOutput(), QString("y"));
  }
};

SCIAGENTS_TEST_MAIN(TestResultsFollow)

}  // namespace test_results_follow
#include "test_results_follow.moc"
