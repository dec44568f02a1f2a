// Issue 18 item 8: the uq tasks' inputs are edited in a table (name, distribution, parameters
// such as "a = -pi, b = pi"), not as a 170-character JSON list in a one-line field. The widget
// alone (round trip, + Input, a new distribution's parameters, messages naming the row), then in
// the generated form of uq.sobol: each change is one undo step and the uncertainty tutorial's
// inputs step is met through the table.
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/distribution_table.h"
#include "ui/param_editor.h"
#include "ui/tutorial/tutorial_condition.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoStack>

#include <cmath>
#include <numbers>

#include "tests/test_main.h"

namespace test_distribution_table {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {
QString txt(const json& j) { return QString::fromStdString(j.dump()); }

// Edits a cell as a user does from the keyboard: select it, F2, replace the text, Tab.
void typeCell(QTableWidget* t, int row, int col, const QString& text) {
  t->setCurrentCell(row, col);
  t->setFocus();
  QTest::keyClick(t, Qt::Key_F2);
  auto* line = qobject_cast<QLineEdit*>(QApplication::focusWidget());
  QVERIFY2(line, "no cell editor");
  line->selectAll();
  QTest::keyClick(line, Qt::Key_Backspace);
  QTest::keyClicks(line, text);
  QTest::keyClick(line, Qt::Key_Tab);  // commits the cell and moves on
}

const json kPiInputs = json::array(
    {json{{"name", "x1"}, {"dist", "uniform"}, {"a", -std::numbers::pi}, {"b", std::numbers::pi}},
     json{{"name", "x2"}, {"dist", "uniform"}, {"a", -std::numbers::pi}, {"b", std::numbers::pi}},
     json{{"name", "x3"}, {"dist", "uniform"}, {"a", -std::numbers::pi}, {"b", std::numbers::pi}}});
}  // namespace

class TestDistributionTable : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_distribution_table"); }

  void roundTripAndEdits() {
    DistributionTable d;
    d.show();
    QVERIFY(QTest::qWaitForWindowActive(&d));
    QSignalSpy edited(&d, &DistributionTable::edited);
    QSignalSpy problem(&d, &DistributionTable::problem);
    const json given =
        json::array({json{{"name", "k"}, {"dist", "normal"}, {"mu", 2}, {"sigma", 0.5}},
                     json{{"name", "c"}, {"dist", "uniform"}, {"a", 0}, {"b", 1}}});
    QVERIFY(d.setValue(given));
    QCOMPARE(d.table()->rowCount(), 2);
    QVERIFY2(d.value() == given, qPrintable(txt(d.value())));  // (1 and 1.0 are equal)
    QCOMPARE(edited.count(), 0);                               // showing a value is no edit

    d.addInput();  // x3, uniform on [0, 1]
    QCOMPARE(edited.count(), 1);
    QVERIFY(edited.last().at(0).value<json>()[2] ==
            (json{{"name", "x3"}, {"dist", "uniform"}, {"a", 0}, {"b", 1}}));
    typeCell(d.table(), 2, 2, "a = -pi, b = 2*pi");
    QCOMPARE(d.value()[2]["a"].get<double>(), -std::numbers::pi);
    QCOMPARE(d.value()[2]["b"].get<double>(), 2 * std::numbers::pi);

    // Another distribution: its parameters, keeping the shared ones (a and b of truncnormal).
    d.setDistribution(2, "truncnormal");
    const json t = d.value()[2];
    QCOMPARE(t["dist"].get<std::string>(), std::string("truncnormal"));
    QCOMPARE(t["mu"].get<double>(), 0.0);
    QCOMPARE(t["a"].get<double>(), -std::numbers::pi);
    QVERIFY(!t.contains("c"));

    // A bad parameter: the row and the text are named, and nothing is committed.
    const int before = edited.count();
    typeCell(d.table(), 0, 2, "mu = 2, sigma = wide");
    QCOMPARE(edited.count(), before);
    QVERIFY2(problem.last().at(0).toString().contains("input 1 (k)") &&
                 problem.last().at(0).toString().contains("sigma = 'wide'"),
             qPrintable(problem.last().at(0).toString()));
    typeCell(d.table(), 0, 0, "");
    QVERIFY(problem.last().at(0).toString().contains("input 1: enter a name"));

    // What a table cannot show.
    QVERIFY(!d.setValue(json("x")));
    QVERIFY(!d.setValue(json::array({json{{"dist", "uniform"}}})));
    QVERIFY(d.setValue(json()));
    QCOMPARE(d.table()->rowCount(), 0);
  }

  // In uq.sobol's form: three clicks on + Input and three parameter cells give the tutorial's
  // inputs (the step's condition is met), every change one undo step; the text field follows.
  void sobolInputsThroughTheTable() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    const QString id = addFromPalette(w, "uq", "sobol");
    QVERIFY(!id.isEmpty());
    ParamEditor* ed = w.properties()->editor("inputs");
    QVERIFY(ed);
    DistributionTable* table = ed->distributionTable();
    QVERIFY(table);
    QTRY_VERIFY(table->isVisible());
    QVERIFY(ed->lineEdit() && ed->lineEdit()->isVisible());  // JSON stays possible
    QUndoStack* undo = w.document()->undoStack();
    for (int i = 0; i < 3; ++i) {
      const int steps = undo->count();
      QTest::mouseClick(table->addButton(), Qt::LeftButton);
      QCOMPARE(undo->count(), steps + 1);
      table = w.properties()->editor("inputs")->distributionTable();  // (the form may rebuild)
    }
    for (int r = 0; r < 3; ++r) {
      table = w.properties()->editor("inputs")->distributionTable();
      typeCell(table->table(), r, 2, "a = -pi, b = pi");
    }
    const auto* step = w.document()->step(id);
    QVERIFY(step);
    QCOMPARE(txt(step->params["inputs"]), txt(kPiInputs));
    QVERIFY(w.properties()->editor("inputs")->lineEdit()->text().contains("\"x3\""));
    // The tutorial's condition for this step (resources/tutorials/04-uncertainty.json).
    const json condition = {{"type", "param"},
                            {"task", "uq.sobol"},
                            {"param", "inputs"},
                            {"tolerance", 1e-6},
                            {"value", kPiInputs}};
    QVERIFY(checkCondition(condition).isEmpty());
    TutorialState state;
    state.workflow = &w.document()->workflow();
    state.registry = &sciagents::core::AgentRegistry::builtin();
    QVERIFY(conditionMet(condition, state));
    undo->undo();
    QVERIFY(txt(w.document()->step(id)->params["inputs"]) != txt(kPiInputs));
  }
};

SCIAGENTS_TEST_MAIN(TestDistributionTable)

}  // namespace test_distribution_table
#include "test_distribution_table.moc"
