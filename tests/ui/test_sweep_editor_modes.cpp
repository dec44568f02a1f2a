// Studio's sweep editor beyond one parameter (issue 19): grid, zip and design sweeps built through
// the editor's widgets become the step's "sweep" JSON exactly as docs/workflow-format.md writes
// it, in one undoable command; a zip of unequal lists is refused with a message naming both
// parameters and changes nothing; a design from an uq.lhs step runs in Studio's local runner with
// one point per row; a grid sweep loaded from a file round-trips unchanged and can be edited and
// undone; a step without a sweep keeps the one-parameter layout.
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/run_result.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/node_item.h"
#include "ui/sweep_editor.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QUndoStack>

#include "tests/test_main.h"

namespace test_sweep_editor_modes {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {

// Adds an ode_pde.ivp step y' = -k y + c, y(0) = 1 on [0, 2], selected in the canvas.
QString addDecay(MainWindow& w) {
  const QString id = w.addTask("ode_pde", "ivp");
  WorkflowDocument* doc = w.document();
  doc->setParam(id, "rhs", json::parse(R"(["-k*y + c"])"));
  doc->setParam(id, "states", json::parse(R"(["y"])"));
  doc->setParam(id, "y0", json::parse("[1]"));
  doc->setParam(id, "t_span", json::parse("[0, 2]"));
  doc->setParam(id, "constants", json::parse(R"({"k": 1, "c": 0})"));
  return id;
}

void select(MainWindow& w, const QString& id) {
  w.scene()->clearSelection();
  w.scene()->node(id)->setSelected(true);
  QCoreApplication::processEvents();
}

// Types into a line edit as a user would (the old text replaced).
void typeInto(QLineEdit* e, const QString& text) {
  e->setFocus(Qt::OtherFocusReason);
  e->selectAll();
  e->del();
  QTest::keyClicks(e, text);
}

json stepJson(const WorkflowDocument* doc, const QString& id) {
  const json file = docJson(doc);
  for (const auto& s : file["steps"])
    if (s["id"] == id.toStdString()) return s;
  return {};
}

// Runs the whole workflow in the window's local runner; the points of step `id`, 0 on failure.
std::size_t runPoints(MainWindow& w, const QString& id) {
  QSignalSpy finished(&w, &MainWindow::runFinished);
  w.runAll();
  if (!finished.wait(60000)) return 0;
  const auto r = w.runner()->lastResult();
  const auto* s = r ? r->step(id.toStdString()) : nullptr;
  return s && s->error.empty() ? s->points : 0;
}

}  // namespace

// QCOMPARE for JSON, showing both sides.
#define COMPARE_JSON(actual, expected)                                                      \
  do {                                                                                      \
    const json a_ = (actual), e_ = (expected);                                              \
    QVERIFY2(a_ == e_,                                                                      \
             qPrintable(QString::fromStdString(a_.dump() + "\n   expected " + e_.dump()))); \
  } while (false)

class TestSweepEditorModes : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { isolateSettings("test_sweep_editor_modes"); }

  // A step without a sweep shows the one-parameter form only (the tutorials' layout).
  void oneParameterLayoutByDefault() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString id = addDecay(w);
    select(w, id);
    SweepEditor* se = w.properties()->sweepEditor();
    QVERIFY(se->isVisible() && se->isEnabled());
    QCOMPARE(se->mode(), SweepEditor::Mode::One);
    QVERIFY(se->paramBox()->isVisible() && se->valuesEdit()->isVisible());
    QVERIFY(!se->addAxisButton()->isVisible());
    QVERIFY(!se->designFromBox()->isVisible());
    QCOMPARE(se->countText(), QString());
    QCOMPARE(se->axisCount(), 0);
  }

  // Grid of two axes through the widgets: one command, the documented JSON, the node's label, a
  // run of 4 × 3 points; undo restores the previous (one-parameter) sweep, redo the grid.
  void gridOfTwoAxes() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString id = addDecay(w);
    select(w, id);
    SweepEditor* se = w.properties()->sweepEditor();
    QUndoStack* undo = w.document()->undoStack();
    // First a one-parameter sweep, as before.
    se->paramBox()->lineEdit()->clear();
    QTest::keyClicks(se->paramBox()->lineEdit(), "constants.k");
    typeInto(se->valuesEdit(), "[1, 2]");
    QTest::keyClick(se->valuesEdit(), Qt::Key_Return);
    const json one = json::parse(R"({"param": "constants.k", "values": [1, 2]})");
    COMPARE_JSON(stepJson(w.document(), id)["sweep"], one);
    const int before = undo->count();
    // Grid: the first axis starts from the one-parameter fields, the second is empty.
    se->modeBox()->setCurrentIndex(int(SweepEditor::Mode::Grid));
    QCOMPARE(se->mode(), SweepEditor::Mode::Grid);
    QVERIFY(!se->valuesEdit()->isVisible() && se->addAxisButton()->isVisible());
    QCOMPARE(se->axisCount(), 2);
    QCOMPARE(se->axisParamBox(0)->currentText(), QString("constants.k"));
    QCOMPARE(se->axisValuesEdit(0)->text(), QString("[1, 2]"));
    QCOMPARE(se->axisParamBox(1)->currentText(), QString());
    // The step's params are offered; a list element is typed.
    QVERIFY(se->axisParamBox(1)->findText("y0") >= 0);
    typeInto(se->axisValuesEdit(0), "linspace 0.5 2 4");
    typeInto(se->axisParamBox(1)->lineEdit(), "y0[0]");
    typeInto(se->axisValuesEdit(1), "[1, 2, 3]");
    QCOMPARE(se->countText(), QString("grid: 4 × 3 = 12 points"));
    // Add and remove an axis.
    se->addAxisButton()->click();
    QCOMPARE(se->axisCount(), 3);
    typeInto(se->axisParamBox(2)->lineEdit(), "constants.c");
    typeInto(se->axisValuesEdit(2), "[0, 1]");
    QCOMPARE(se->countText(), QString("grid: 4 × 3 × 2 = 24 points"));
    se->axisRemoveButton(2)->click();
    QCOMPARE(se->axisCount(), 2);
    QCOMPARE(se->countText(), QString("grid: 4 × 3 = 12 points"));
    QCOMPARE(undo->count(), before);  // nothing applied yet
    se->applyButton()->click();
    QCOMPARE(se->errorText(), QString());
    QCOMPARE(undo->count(), before + 1);
    const json grid = json::parse(R"({"grid": [
        {"param": "constants.k", "values": {"linspace": [0.5, 2, 4]}},
        {"param": "y0[0]", "values": [1, 2, 3]}]})");
    COMPARE_JSON(stepJson(w.document(), id)["sweep"], grid);
    QVERIFY(w.document()->step(id)->sweep->mode == sciagents::core::SweepSpec::Mode::Grid);
    QVERIFY2(w.scene()->node(id)->sweepText().contains("12"),
             qPrintable(w.scene()->node(id)->sweepText()));
    QVERIFY2(w.scene()->node(id)->sweepText().contains("grid"),
             qPrintable(w.scene()->node(id)->sweepText()));
    QCOMPARE(runPoints(w, id), std::size_t(12));
    // Undo: the one-parameter sweep, shown as such; redo: the grid, shown as such.
    undo->undo();
    COMPARE_JSON(stepJson(w.document(), id)["sweep"], one);
    QCOMPARE(se->mode(), SweepEditor::Mode::One);
    QCOMPARE(se->paramBox()->currentText(), QString("constants.k"));
    undo->redo();
    COMPARE_JSON(stepJson(w.document(), id)["sweep"], grid);
    QCOMPARE(se->mode(), SweepEditor::Mode::Grid);
    QCOMPARE(se->axisCount(), 2);
    QCOMPARE(se->axisParamBox(1)->currentText(), QString("y0[0]"));
    QCOMPARE(se->axisValuesEdit(0)->text(), QString(R"({"linspace":[0.5,2,4]})"));
    // Clear removes the sweep in one command; undo brings the grid back.
    se->clearButton()->click();
    QVERIFY(!w.document()->step(id)->sweep);
    QVERIFY(!stepJson(w.document(), id).contains("sweep"));
    undo->undo();
    COMPARE_JSON(stepJson(w.document(), id)["sweep"], grid);
  }

  // Zip of lists of 3 and 2 values: a message naming both parameters; the document, the undo
  // stack and the fields are unchanged. Equal lengths then apply.
  void zipOfUnequalLengthsIsRefused() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString id = addDecay(w);
    select(w, id);
    SweepEditor* se = w.properties()->sweepEditor();
    QUndoStack* undo = w.document()->undoStack();
    se->modeBox()->setCurrentIndex(int(SweepEditor::Mode::Zip));
    QCOMPARE(se->axisCount(), 2);
    typeInto(se->axisParamBox(0)->lineEdit(), "constants.k");
    typeInto(se->axisValuesEdit(0), "[0.5, 1, 2]");
    typeInto(se->axisParamBox(1)->lineEdit(), "constants.c");
    typeInto(se->axisValuesEdit(1), "[0.1, 0.2]");
    QVERIFY2(se->countText().contains("3, 2"), qPrintable(se->countText()));
    const QString text_before = w.document()->toJsonText();
    const int before = undo->count();
    QSignalSpy messages(se, &SweepEditor::message);
    QTest::keyClick(se->axisValuesEdit(1), Qt::Key_Return);
    const QString error = se->errorText();
    QVERIFY2(error.contains("'constants.k'") && error.contains("'constants.c'"), qPrintable(error));
    QVERIFY2(error.contains("as long"), qPrintable(error));
    QCOMPARE(messages.size(), 1);
    QCOMPARE(w.document()->toJsonText(), text_before);
    QCOMPARE(undo->count(), before);
    QVERIFY(!w.document()->step(id)->sweep);
    QCOMPARE(se->axisValuesEdit(1)->text(), QString("[0.1, 0.2]"));  // kept for fixing
    QCOMPARE(se->mode(), SweepEditor::Mode::Zip);
    // Editing retires the message; equal lengths apply.
    typeInto(se->axisValuesEdit(1), "linspace 0.1 0.4 3");
    QCOMPARE(se->errorText(), QString());
    QCOMPARE(se->countText(), QString("zip: 3 points"));
    QTest::keyClick(se->axisValuesEdit(1), Qt::Key_Return);
    QCOMPARE(se->errorText(), QString());
    QCOMPARE(undo->count(), before + 1);
    COMPARE_JSON(stepJson(w.document(), id)["sweep"], json::parse(R"({"zip": [
        {"param": "constants.k", "values": [0.5, 1, 2]},
        {"param": "constants.c", "values": {"linspace": [0.1, 0.4, 3]}}]})"));
    // A path whose head is not a parameter of the task is refused, naming it.
    typeInto(se->axisParamBox(1)->lineEdit(), "nope.c");
    se->applyButton()->click();
    QVERIFY2(se->errorText().contains("nope.c"), qPrintable(se->errorText()));
    QCOMPARE(undo->count(), before + 1);
  }

  // Design from an uq.lhs step: the combo offers lhs.design, the sweep is written as the format
  // says, and the workflow runs with one point per row of the design (8).
  void designFromLhs() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString lhs = w.addTask("uq", "lhs");
    QCOMPARE(lhs, QString("lhs"));
    WorkflowDocument* doc = w.document();
    QVERIFY(doc->setParam(lhs, "inputs", json::parse(R"([
        {"name": "k", "dist": "uniform", "a": 0.5, "b": 2},
        {"name": "c", "dist": "uniform", "a": 0, "b": 1}])")));
    QVERIFY(doc->setParam(lhs, "n", 8));
    QVERIFY(doc->setParam(lhs, "seed", 11));
    const QString id = addDecay(w);
    select(w, id);
    SweepEditor* se = w.properties()->sweepEditor();
    const int before = doc->undoStack()->count();
    se->modeBox()->setCurrentIndex(int(SweepEditor::Mode::Design));
    QVERIFY(se->designFromBox()->isVisible());
    QVERIFY(!se->valuesEdit()->isVisible());
    QCOMPARE(se->axisCount(), 1);
    QVERIFY(!se->axisValuesEdit(0)->isVisible());  // a design column has no values of its own
    const int at = se->designFromBox()->findText("lhs.design");
    QVERIFY2(at >= 0, "lhs.design is not offered");
    QCOMPARE(se->designFromBox()->findText(id + ".y"), -1);  // this step's own outputs are not
    se->designFromBox()->setCurrentIndex(at);
    typeInto(se->axisParamBox(0)->lineEdit(), "constants.k");
    se->addAxisButton()->click();
    QCOMPARE(se->addAxisButton()->text(), QString("Add column"));
    typeInto(se->axisParamBox(1)->lineEdit(), "constants.c");
    QVERIFY2(se->countText().contains("lhs.design"), qPrintable(se->countText()));
    se->applyButton()->click();
    QCOMPARE(se->errorText(), QString());
    QCOMPARE(doc->undoStack()->count(), before + 1);
    COMPARE_JSON(stepJson(doc, id)["sweep"], json::parse(R"({"design": {"from": "lhs.design"},
                              "params": ["constants.k", "constants.c"]})"));
    QVERIFY(w.scene()->node(id)->issues().isEmpty());
    QVERIFY2(w.scene()->node(id)->sweepText().contains("lhs.design"),
             qPrintable(w.scene()->node(id)->sweepText()));
    QCOMPARE(runPoints(w, id), std::size_t(8));
    doc->undoStack()->undo();
    QVERIFY(!doc->step(id)->sweep);
    QCOMPARE(se->mode(), SweepEditor::Mode::One);
  }

  // The shipped example's grid and design sweeps load into the editor and apply unchanged (no
  // command); an edit of the loaded grid is one command and undo restores the file's sweep.
  void existingSweepsRoundTrip() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/sweep-grid-design.workflow.json"));
    WorkflowDocument* doc = w.document();
    const json file = docJson(doc);
    const int before = doc->undoStack()->count();
    SweepEditor* se = w.properties()->sweepEditor();
    select(w, "grid");
    QCOMPARE(se->mode(), SweepEditor::Mode::Grid);
    QCOMPARE(se->axisCount(), 2);
    QCOMPARE(se->axisParamBox(0)->currentText(), QString("constants.k"));
    QCOMPARE(se->axisValuesEdit(0)->text(), QString(R"({"linspace":[0.5,2,4]})"));
    QCOMPARE(se->axisParamBox(1)->currentText(), QString("y0[0]"));
    QCOMPARE(se->axisValuesEdit(1)->text(), QString("[1,2,3]"));
    QCOMPARE(se->countText(), QString("grid: 4 × 3 = 12 points"));
    se->applyButton()->click();
    QCOMPARE(se->errorText(), QString());
    QCOMPARE(doc->undoStack()->count(), before);
    COMPARE_JSON(docJson(doc), file);
    select(w, "design");
    QCOMPARE(se->mode(), SweepEditor::Mode::Design);
    QCOMPARE(se->designFromBox()->currentText(), QString("lhs.design"));
    QCOMPARE(se->axisCount(), 2);
    QCOMPARE(se->axisParamBox(1)->currentText(), QString("constants.c"));
    se->applyButton()->click();
    QCOMPARE(doc->undoStack()->count(), before);
    COMPARE_JSON(docJson(doc), file);
    // Edit the grid: drop y0[0], k over 3 values.
    select(w, "grid");
    se->axisRemoveButton(1)->click();
    typeInto(se->axisValuesEdit(0), "[0.5, 1, 2]");
    QCOMPARE(se->countText(), QString("grid: 3 = 3 points"));
    QTest::keyClick(se->axisValuesEdit(0), Qt::Key_Return);
    QCOMPARE(doc->undoStack()->count(), before + 1);
    COMPARE_JSON(stepJson(doc, "grid")["sweep"],
                 json::parse(R"({"grid": [{"param": "constants.k", "values": [0.5, 1, 2]}]})"));
    doc->undoStack()->undo();
    COMPARE_JSON(docJson(doc), file);
    QCOMPARE(se->axisCount(), 2);
    QCOMPARE(se->countText(), QString("grid: 4 × 3 = 12 points"));
  }
};

SCIAGENTS_TEST_MAIN(TestSweepEditorModes)

}  // namespace test_sweep_editor_modes
#include "test_sweep_editor_modes.moc"
