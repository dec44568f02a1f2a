// Table editors for vector and matrix parameters: linear_algebra.solve's A (2 × 2) and b are set
// through the table editor of the generated form (buttons, typing into a cell, an invalid cell
// with its inline message, paste of tab/comma separated text), every change is one undo step,
// and the run's x, read from the results table, solves the system.
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/local_runner.h"
#include "ui/matrix_editor.h"
#include "ui/param_editor.h"
#include "ui/results_panel.h"

#include <QClipboard>
#include <QLineEdit>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoStack>

#include "tests/test_main.h"

namespace test_matrix_editor {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {
// JSON as text, so that failed comparisons print both sides.
QString txt(const json& j) { return QString::fromStdString(j.dump()); }
}  // namespace

class TestMatrixEditor : public QObject {
  Q_OBJECT

  static json param(const WorkflowDocument* d, const char* step, const char* name) {
    const auto* s = d->step(step);
    return s && s->params.contains(name) ? s->params[name] : json();
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_matrix_editor"); }

  // A list default is shown as a user would type it, not as the tagged JSON of the result files
  // (before: external.command's `files` showed {"$type":"list","items":[]}).
  void listDefaultsReadAsTyped() {
    auto spec = sciagents::core::ParamSpec::make("files", sciagents::core::ParamType::Any);
    spec.def(sciagents::core::List{});
    ParamEditor empty(
        spec, [](const std::string&, const json&) {}, [](const std::string&) {});
    QVERIFY(empty.lineEdit());
    QCOMPARE(empty.lineEdit()->placeholderText(), QStringLiteral("default: none"));
    spec.def(sciagents::core::List{sciagents::core::Value("a.txt")});
    ParamEditor one(
        spec, [](const std::string&, const json&) {}, [](const std::string&) {});
    QCOMPARE(one.lineEdit()->placeholderText(), QStringLiteral("[\"a.txt\"]"));
  }

  void standaloneVectorAndMatrix() {
    MatrixEditor v(MatrixEditor::Shape::Vector);
    QSignalSpy edited(&v, &MatrixEditor::edited);
    QVERIFY(v.setValue(json::array({1, 2.5})));
    QCOMPARE(v.table()->rowCount(), 2);
    QCOMPARE(v.table()->columnCount(), 1);
    QVERIFY(v.pasteText("7\t8\t9"));  // a pasted row fills a vector downwards from the current cell
    QCOMPARE(edited.count(), 1);
    QCOMPARE(txt(edited.last().at(0).value<json>()), txt(json::array({7, 8, 9})));
    v.table()->setCurrentCell(1, 0);
    v.removeRow();
    QCOMPARE(txt(v.value()), txt(json::array({7, 9})));
    QVERIFY(!v.setValue(json{{"linspace", {0, 1, 5}}}));  // a generator: not a table
    QVERIFY(!v.isEnabled());
    QVERIFY(!v.setValue(json::array({1, json{{"from", "a.x"}}})));

    MatrixEditor m(MatrixEditor::Shape::Matrix);
    QVERIFY(m.setValue(json::array({json::array({1, 2}), json::array({3, 4})})));
    QCOMPARE(m.table()->columnCount(), 2);
    QVERIFY(m.pasteText("1,5 ; 6\n7 8 9"));  // commas, semicolons and spaces; the table grows
    QCOMPARE(txt(m.value()), txt(json::parse("[[1, 5, 6], [7, 8, 9]]")));
    m.table()->setCurrentCell(0, 0);
    QVERIFY(m.pasteText("[[1, 2], [3, 4]]"));  // JSON text pastes too
    QCOMPARE(txt(m.value()), txt(json::parse("[[1, 2, 6], [3, 4, 9]]")));
    m.table()->item(1, 2)->setText("nine");
    QString problem;
    QVERIFY(m.value(&problem).is_null());
    QCOMPARE(problem, QString("row 2, column 3: 'nine' is not a number"));
    QCOMPARE(m.problemText(), problem);
    QVERIFY(!m.setValue(json{{"format", "coo"}}));  // sparse: edited as JSON text
    QVERIFY(m.setValue(json::array({1, 2})));       // a flat list: one column, written back flat
    QCOMPARE(m.table()->columnCount(), 1);
    QCOMPARE(txt(m.value()), txt(json::array({1, 2})));
    QVERIFY(m.setValue(json::parse("[[1], [2]]")));  // nested stays nested
    QCOMPARE(txt(m.value()), txt(json::parse("[[1], [2]]")));
  }

  void solveThroughTheTableEditor() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(QTest::qWaitForWindowActive(&w));
    WorkflowDocument* doc = w.document();
    QUndoStack* undo = doc->undoStack();
    const QString id = w.addTask("linear_algebra", "solve");
    QCOMPARE(id, QString("solve"));
    PropertyPanel* panel = w.properties();
    QCOMPARE(panel->stepId(), id);
    ParamEditor* a_ed = panel->editor("A");
    QVERIFY(a_ed && a_ed->matrixEditor());
    MatrixEditor* a = a_ed->matrixEditor();
    QTRY_VERIFY(a->isVisible());  // form rows are shown by a queued event
    QCOMPARE(a->table()->rowCount(), 0);

    // + Row, + Col, + Row: a 2 × 2 zero matrix, one command per click.
    const int n0 = undo->count();
    QTest::mouseClick(a->addRowButton(), Qt::LeftButton);
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[0]")));  // one column: a flat list
    QTest::mouseClick(a->addColumnButton(), Qt::LeftButton);
    QTest::mouseClick(a->addRowButton(), Qt::LeftButton);
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[0, 0], [0, 0]]")));
    QCOMPARE(undo->count(), n0 + 3);
    a = panel->editor("A")->matrixEditor();  // the form may have been rebuilt
    QCOMPARE(a->table()->rowCount(), 2);

    // Typing into a cell: select it, type, Return.
    QTableWidget* t = a->table();
    t->setFocus();
    t->setCurrentCell(0, 0);
    QTest::keyClick(t, Qt::Key_4);
    QTRY_VERIFY(QApplication::focusWidget() &&
                QApplication::focusWidget() != t);  // the cell editor
    QTest::keyClick(QApplication::focusWidget(),
                    Qt::Key_Return);  // the delegate commits by a queued call
    QTRY_COMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[4, 0], [0, 0]]")));
    QCOMPARE(undo->count(), n0 + 4);

    // Not a number: marked, message under the field, nothing written.
    t = panel->editor("A")->matrixEditor()->table();
    t->item(0, 1)->setText("1x");
    QCOMPARE(panel->editor("A")->errorText(), QString("row 1, column 2: '1x' is not a number"));
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[4, 0], [0, 0]]")));
    QCOMPARE(undo->count(), n0 + 4);
    QVERIFY(t->item(0, 1)->background().style() != Qt::NoBrush);
    t->item(0, 1)->setText("1");
    QCOMPARE(panel->editor("A")->errorText(), QString());
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[4, 1], [0, 0]]")));

    // Ctrl+V in the table pastes cells (tab separated, as from a spreadsheet), not workflow steps.
    QApplication::clipboard()->setText("4\t1\n1\t3\n");
    t = panel->editor("A")->matrixEditor()->table();
    t->setFocus();
    t->setCurrentCell(0, 0);
    QTest::keyClick(t, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[4, 1], [1, 3]]")));
    QCOMPARE(doc->stepIds(), QStringList{"solve"});
    QCOMPARE(undo->count(), n0 + 6);

    // b: comma separated lines through the Paste button; a single column is written as a vector.
    QApplication::clipboard()->setText("1,\n2\n");
    MatrixEditor* b = panel->editor("b")->matrixEditor();
    QTRY_VERIFY(b && b->isVisible());
    QTest::mouseClick(b->findChildren<QToolButton*>().last(), Qt::LeftButton);  // "Paste"
    QCOMPARE(txt(param(doc, "solve", "b")), txt(json::parse("[1, 2]")));
    QCOMPARE(undo->count(), n0 + 7);
    QCOMPARE(panel->editor("b")->lineEdit()->text(), QString("[1,2]"));

    // Undo and redo, with the tables following the document.
    undo->undo();
    QVERIFY(param(doc, "solve", "b").is_null());
    QCOMPARE(panel->editor("b")->matrixEditor()->table()->rowCount(), 0);
    undo->undo();
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[4, 1], [0, 0]]")));
    QCOMPARE(panel->editor("A")->matrixEditor()->table()->item(1, 0)->text(), QString("0"));
    undo->redo();
    undo->redo();
    QCOMPARE(txt(param(doc, "solve", "A")), txt(json::parse("[[4, 1], [1, 3]]")));
    QCOMPARE(txt(param(doc, "solve", "b")), txt(json::parse("[1, 2]")));
    QCOMPARE(panel->editor("A")->matrixEditor()->table()->item(1, 1)->text(), QString("3"));

    // Run and read x from the results table; A x = b.
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 30000);
    ResultsPanel* r = w.results();
    r->showStep("solve");
    r->showOutput("x");
    QStandardItemModel* el = r->elementsModel();
    QCOMPARE(el->rowCount(), 2);
    const double x0 = el->item(0, 1)->data(Qt::UserRole).toDouble();
    const double x1 = el->item(1, 1)->data(Qt::UserRole).toDouble();
    QVERIFY2(std::abs(4 * x0 + 1 * x1 - 1) < 1e-12 && std::abs(1 * x0 + 3 * x1 - 2) < 1e-12,
             qPrintable(QString("x = (%1, %2)").arg(x0).arg(x1)));
    QVERIFY(x0 != 0.0 && x1 != 0.0);
  }
};

SCIAGENTS_TEST_MAIN(TestMatrixEditor)

}  // namespace test_matrix_editor
#include "test_matrix_editor.moc"
