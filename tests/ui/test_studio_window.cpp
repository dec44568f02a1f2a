// Studio end to end on real widgets: build the fit -> sim workflow of docs/architecture.md §3
// from the palette, the canvas and the property forms; undo/redo everything; save and reopen;
// run locally and read results; cancel a long run.
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/agent_palette.h"
#include "ui/canvas_view.h"
#include "ui/local_runner.h"
#include "ui/node_item.h"
#include "ui/palette_model.h"
#include "ui/port_item.h"
#include "ui/results_panel.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QUndoStack>
#include <QWheelEvent>

#include <fstream>
#include <memory>
#include <sstream>

#include "tests/test_main.h"

namespace test_studio_window {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {
// The workflow of docs/architecture.md §3 (params only; ids fit and sim).
const char* kExpected =
    "{\"sciagents\": 1, \"name\": \"Untitled\", \"steps\": ["
    " {\"id\": \"fit\", \"agent\": \"optimization\", \"task\": \"minimize\","
    "  \"params\": {\"objective\": \"(exp(-5*k) - 0.1)^2\", \"variables\": [\"k\"], \"x0\": [1.0],"
    "             \"bounds\": [[0.01, 10]], \"method\": \"auto\"}},"
    " {\"id\": \"sim\", \"agent\": \"ode_pde\", \"task\": \"ivp\","
    "  \"params\": {\"rhs\": [\"-k*y\"], \"states\": [\"y\"], \"y0\": [1.0], \"t_span\": [0, 5],"
    "             \"constants\": {\"k\": {\"from\": \"fit.x[0]\"}},"
    "             \"t_eval\": {\"linspace\": [0, 5, 101]}, \"rtol\": 1e-8, \"atol\": 1e-10}}]}";

double outputNumber(ResultsPanel* r, const QString& step, const QString& output) {
  r->showStep(step);
  const int row = r->outputRow(output);
  if (row < 0) return std::nan("");
  return r->outputsModel()->item(row, ResultsPanel::ValueColumn)->data(Qt::UserRole).toDouble();
}
}  // namespace

class TestStudioWindow : public QObject {
  Q_OBJECT

  // Drags the mouse from output port `out` of `from` to input port `in` of `to`.
  void dragLink(MainWindow& w, const QString& from, const QString& out, const QString& to,
                const QString& in) {
    NodeItem* a = w.scene()->node(from);
    NodeItem* b = w.scene()->node(to);
    QVERIFY(a && b && a->outputPort(out) && b->inputPort(in));
    CanvasView* v = w.view();
    v->ensureVisible(a);
    const QPoint p0 = v->mapFromScene(a->outputPort(out)->scenePos());
    const QPoint p1 = v->mapFromScene(b->inputPort(in)->scenePos());
    QTest::mousePress(v->viewport(), Qt::LeftButton, {}, p0);
    QTest::mouseMove(v->viewport(), (p0 + p1) / 2);
    QTest::mouseMove(v->viewport(), p1);
    QTest::mouseRelease(v->viewport(), Qt::LeftButton, {}, p1);
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_studio_window"); }

  void paletteListsOnlyRunnableTasks() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    PaletteModel* m = w.palette()->model();
    const auto tasks = m->match(m->index(0, 0), PaletteModel::TaskRole, QString(), -1,
                                Qt::MatchRecursive | Qt::MatchContains);
    QVERIFY(tasks.size() > 20);
    for (const auto& i : tasks) {
      if (i.data(PaletteModel::TaskRole).toString().isEmpty()) continue;  // family / agent rows
      const auto* t = sciagents::core::AgentRegistry::builtin().task(
          i.data(PaletteModel::AgentRole).toString().toStdString(),
          i.data(PaletteModel::TaskRole).toString().toStdString());
      QVERIFY(t && !t->planned());
    }
    w.palette()->setFilterText("curve_fit");
    QVERIFY(w.palette()->filterModel()->rowCount() >= 1);
    QVERIFY(w.palette()
                ->filterModel()
                ->mapFromSource(m->taskIndex("optimization", "curve_fit"))
                .isValid());
    QVERIFY(!w.palette()->filterModel()->mapFromSource(m->taskIndex("ode_pde", "ivp")).isValid());
    // File ▸ Examples: one submenu per category, the examples inside (test_onboarding checks
    // which).
    qsizetype examples = 0;
    for (QAction* a : w.examplesMenu()->actions())
      examples += a->menu() ? a->menu()->actions().size() : 1;
    QVERIFY2(examples > 40, qPrintable(QString::number(examples)));
    QCOMPARE(w.targetLabel()->text(), QString("Target: Local"));
  }

  void dropFromPaletteAndZoom() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // The palette's drag payload, dropped on the canvas, adds the task where it was dropped.
    PaletteModel* m = w.palette()->model();
    std::unique_ptr<QMimeData> mime(m->mimeData({m->taskIndex("integration", "quad")}));
    QVERIFY(mime);
    QWidget* vp = w.view()->viewport();
    const QPoint at = vp->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(vp, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(vp, &drop);
    QCOMPARE(w.document()->stepIds(), QStringList{"quad"});
    const QPointF expected = w.view()->mapToScene(at);
    QVERIFY((w.document()->stepPosition("quad") - expected).manhattanLength() < 1.0);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"quad"});
    // Ctrl+wheel zooms; a plain wheel does not.
    const double z0 = w.view()->zoom();
    QWheelEvent wheel(QPointF(at), vp->mapToGlobal(QPointF(at)), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(vp, &wheel);
    QVERIFY(w.view()->zoom() > z0 * 1.1);
    w.view()->fitAll();
    QVERIFY(w.view()->zoom() <= 1.0 + 1e-9);
    QVERIFY(w.view()
                ->mapToScene(w.view()->viewport()->rect())
                .boundingRect()
                .contains(w.scene()->node("quad")->sceneBoundingRect()));
  }

  void buildEditUndoSaveRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    WorkflowDocument* doc = w.document();
    PropertyPanel* panel = w.properties();

    // Two steps from the palette, renamed through the property panel's id field.
    const QString fit = addFromPalette(w, "optimization", "minimize");
    QCOMPARE(fit, QString("minimize"));
    QCOMPARE(panel->stepId(), fit);  // a new step is selected
    panel->idField()->setText("fit");
    QTest::keyClick(panel->idField(), Qt::Key_Return);
    QCOMPARE(doc->stepIds(), QStringList{"fit"});
    QVERIFY(w.windowTitle().contains("[*]"));
    QVERIFY(w.isWindowModified());

    // Form: an invalid expression shows its error and is not committed; then the right one.
    w.scene()->selectSteps({"fit"});
    QCOMPARE(panel->stepId(), QString("fit"));
    typeParam(panel, "objective", "(exp(-5*k) - 0.1^2");
    QVERIFY2(panel->editor("objective")->errorText().contains("position"),
             qPrintable(panel->editor("objective")->errorText()));
    QVERIFY(!doc->step("fit")->params.contains("objective"));
    typeParam(panel, "objective", "(exp(-5*k) - 0.1)^2");
    QCOMPARE(panel->editor("objective")->errorText(), QString());
    typeParam(panel, "variables", "[\"k\"]");
    typeParam(panel, "x0", "[1.0]");
    typeParam(panel, "x0", "[1.0, \"a\"]");  // invalid vector: message, not committed
    QVERIFY(!panel->editor("x0")->errorText().isEmpty());
    typeParam(panel, "x0", "[1.0]");
    typeParam(panel, "bounds", "[[0.01, 10]]");
    chooseParam(panel, "method", "auto");
    typeParam(panel, "tol", "-1");  // out of range
    QVERIFY2(panel->editor("tol")->errorText().contains("range"),
             qPrintable(panel->editor("tol")->errorText()));
    QVERIFY(!doc->step("fit")->params.contains("tol"));

    const QString sim = addFromPalette(w, "ode_pde", "ivp");
    QCOMPARE(panel->stepId(), sim);
    panel->idField()->setText("sim");
    QTest::keyClick(panel->idField(), Qt::Key_Return);
    w.scene()->selectSteps({"sim"});
    typeParam(panel, "rhs", "[\"-k*y\"]");
    typeParam(panel, "states", "[\"y\"]");
    typeParam(panel, "y0", "[1.0]");
    typeParam(panel, "t_span", "[0, 5]");
    typeParam(panel, "t_eval", "{\"linspace\": [0, 5, 101]}");
    typeParam(panel, "rtol", "1e-8");
    typeParam(panel, "atol", "1e-10");

    // A link by dragging on the canvas (an undoable command), then the indexed constant link.
    const int before_drag = doc->undoStack()->count();
    dragLink(w, "fit", "x", "sim", "y0");
    QCOMPARE(doc->undoStack()->count(), before_drag + 1);
    QCOMPARE(docJson(doc)["steps"][1]["params"]["y0"], json::parse("{\"from\": \"fit.x\"}"));
    QCOMPARE(w.scene()->edges().size(), 1);
    QVERIFY(panel->editor("y0")->isLinked());
    QCOMPARE(panel->editor("y0")->linkLabel()->text(), QString("← fit.x"));
    doc->undoStack()->undo();
    QCOMPARE(w.scene()->edges().size(), 0);
    QVERIFY(!panel->editor("y0")->isLinked());
    QString error;
    QVERIFY2(doc->connectLink("sim", "constants.k", "fit.x[0]", &error), qPrintable(error));
    QCOMPARE(w.scene()->edges().size(), 1);
    // A cycle is refused with a status-bar message.
    QVERIFY(!w.scene()->requestLink("sim", "y_final", "fit", "x0"));
    QVERIFY2(w.statusBar()->currentMessage().contains("cycle"),
             qPrintable(w.statusBar()->currentMessage()));

    const json built = docJson(doc);
    QCOMPARE(withoutUi(built), json::parse(kExpected));
    QVERIFY(w.scene()->node("fit")->issues().isEmpty());
    QVERIFY2(w.scene()->node("sim")->issues().isEmpty(),
             qPrintable(w.scene()->node("sim")->issues().join("\n")));

    // Move, duplicate, delete: each undoable.
    w.scene()->node("sim")->setPos(QPointF(420, 60));
    w.scene()->commitMoves();
    QCOMPARE(doc->stepPosition("sim"), QPointF(420, 60));
    w.scene()->selectSteps({"fit", "sim"});
    QCOMPARE(w.scene()->duplicateSelection(), (QStringList{"fit_2", "sim_2"}));
    QCOMPARE(docJson(doc)["steps"][3]["params"]["constants"]["k"]["from"], json("fit_2.x[0]"));
    w.scene()->selectSteps({"fit_2", "sim_2"});
    w.scene()->deleteSelection();
    QCOMPARE(doc->stepIds(), (QStringList{"fit", "sim"}));
    const json final_doc = docJson(doc);

    // Undo every edit back to the empty document, then redo all of it.
    const int n = doc->undoStack()->count();
    QVERIFY2(n >= 18, qPrintable(QString::number(n)));
    for (int i = 0; i < n; ++i) doc->undoStack()->undo();
    QVERIFY(doc->stepIds().isEmpty());
    QCOMPARE(w.scene()->nodes().size(), 0);
    QVERIFY(!w.isWindowModified());
    for (int i = 0; i < n; ++i) doc->undoStack()->redo();
    QCOMPARE(docJson(doc), final_doc);
    QCOMPARE(w.scene()->nodes().size(), 2);
    QCOMPARE(w.scene()->edges().size(), 1);

    // Save, reopen, compare.
    QTemporaryDir dir;
    const QString path = dir.filePath("decay.workflow.json");
    QVERIFY(w.saveTo(path));
    QVERIFY(!w.isWindowModified());
    w.newFile();
    QVERIFY(doc->stepIds().isEmpty());
    QVERIFY(w.openFile(path));
    QCOMPARE(docJson(doc), final_doc);
    std::ifstream in(path.toStdString());
    std::stringstream text;
    text << in.rdbuf();
    QCOMPARE(json::parse(text.str()), final_doc);

    // Run locally off the GUI thread; read the results from the results table.
    w.runAll();
    QVERIFY(w.runner()->isRunning() || w.runner()->lastResult());
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 120000);
    for (const QString id : {"fit", "sim"}) {
      const NodeStatus s = w.scene()->status(id);
      QVERIFY2(s == NodeStatus::Done || s == NodeStatus::Cached,
               qPrintable(id + ": " + nodeStatusName(s)));
    }
    QVERIFY(outputNumber(w.results(), "fit", "fun") < 1e-10);
    w.results()->showStep("sim");
    const int row = w.results()->outputRow("y_final");
    QVERIFY(row >= 0);
    w.results()->outputsView()->setCurrentIndex(w.results()->outputsModel()->index(row, 0));
    const double y_final = w.results()->elementsModel()->item(0, 1)->data(Qt::UserRole).toDouble();
    QVERIFY2(std::abs(y_final - 0.1) < 1e-6, qPrintable(QString::number(y_final, 'g', 17)));
    QVERIFY(w.runLog()->toPlainText().contains("Run finished"));
    QVERIFY(!w.isWindowModified());  // running changes no document state
  }

  void runSelectedRunsUpstreamOnly() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/linked-steps.workflow.json"));
    w.scene()->selectSteps({"first"});
    w.runSelectedAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
    QCOMPARE(w.runner()->lastResult()->steps.size(), std::size_t(1));
    QVERIFY(w.scene()->status("first") == NodeStatus::Done ||
            w.scene()->status("first") == NodeStatus::Cached);
    QCOMPARE(w.scene()->status("second"), NodeStatus::Idle);
    w.scene()->selectSteps({"second"});
    w.runSelected();
    QTRY_VERIFY_WITH_TIMEOUT(
        !w.runner()->isRunning() && w.runner()->lastResult()->steps.size() == 2, 60000);
    QVERIFY(w.scene()->status("second") == NodeStatus::Done ||
            w.scene()->status("second") == NodeStatus::Cached);
    // second solves diag(2, 5) y = x where [[4, 1], [1, 3]] x = [1, 2]: x = (1/11, 7/11).
    QVERIFY(std::abs(outputNumber(w.results(), "second", "residual")) < 1e-12);
    w.results()->showStep("second");
    const int row = w.results()->outputRow("x");
    QVERIFY(row >= 0);
    w.results()->outputsView()->setCurrentIndex(w.results()->outputsModel()->index(row, 0));
    QVERIFY(std::abs(w.results()->elementsModel()->item(1, 1)->data(Qt::UserRole).toDouble() -
                     7.0 / 55.0) < 1e-12);
  }

  void cancelLongRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    WorkflowDocument* doc = w.document();
    const QString id = addFromPalette(w, "ode_pde", "ivp");
    QVERIFY(!id.isEmpty());
    // Van der Pol with mu = 1e6 and an explicit method: hundreds of millions of steps.
    doc->setParam(id, "rhs", json::parse("[\"y2\", \"mu*(1 - y1^2)*y2 - y1\"]"));
    doc->setParam(id, "states", json::parse("[\"y1\", \"y2\"]"));
    doc->setParam(id, "y0", json::parse("[2, 0]"));
    doc->setParam(id, "t_span", json::parse("[0, 3000]"));
    doc->setParam(id, "t_eval", json::parse("{\"linspace\": [0, 3000, 11]}"));
    doc->setParam(id, "constants", json::parse("{\"mu\": 1000000}"));
    doc->setParam(id, "method", "rk45");
    doc->setParam(id, "max_num_steps", 2000000000);
    QVERIFY(doc->validate().empty());
    w.runner()->setUseCache(false);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(w.scene()->status(id) == NodeStatus::Running, 30000);
    QVERIFY(w.cancelAction()->isEnabled());
    QElapsedTimer t;
    t.start();
    w.cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.scene()->status(id) == NodeStatus::Cancelled, 30000);
    qInfo("node marked cancelled %lld ms after Cancel", static_cast<long long>(t.elapsed()));
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning(), 30000);
    QVERIFY(w.runAction()->isEnabled());
    QVERIFY(w.runLog()->toPlainText().contains("Run cancelled"));
  }
};

SCIAGENTS_TEST_MAIN(TestStudioWindow)

}  // namespace test_studio_window
#include "test_studio_window.moc"
