// Out-of-date results are marked (issue 18, item 7): after a parameter edit or an undo a step that
// has a result shows the Stale badge (and the results panel says "out of date") until it runs
// again, or until an undo restores what was run; a step it feeds is stale too. A document just
// opened shows no run state at all, even where a step of the previous document had the same id.
#include "isolated_settings.h"

#include "core/agent/agent_registry.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/node_item.h"
#include "ui/results_panel.h"
#include "ui/run_controller.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_stale_results {

using namespace sciagents::ui;
using nlohmann::json;

namespace {
bool ran(NodeStatus s) { return s == NodeStatus::Done || s == NodeStatus::Cached; }

void runAndWait(MainWindow& w) {
  QSignalSpy finished(&w, &MainWindow::runFinished);
  w.runAll();
  QVERIFY(finished.wait(60000));
  QVERIFY(finished.at(0).at(0).toBool());
}
}  // namespace

class TestStaleResults : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_stale_results"); }

  void editAndUndoMarkResultsStale() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/linked-steps.workflow.json"));
    WorkflowDocument* doc = w.document();
    runAndWait(w);
    QVERIFY(ran(w.scene()->status("first")) && ran(w.scene()->status("second")));
    w.results()->showStep("second");
    QVERIFY(!w.results()->statusText().contains("out of date"));

    // Editing the second step: only it is out of date.
    QVERIFY(doc->setParam("second", "A", json::parse("[[3, 0], [0, 5]]")));
    QCOMPARE(w.scene()->status("second"), NodeStatus::Stale);
    QCOMPARE(w.scene()->node("second")->status(), NodeStatus::Stale);
    QVERIFY(ran(w.scene()->status("first")));
    QVERIFY2(w.results()->statusText().contains("out of date"),
             qPrintable(w.results()->statusText()));

    // Undo restores what was run: current again.
    doc->undoStack()->undo();
    QVERIFY(ran(w.scene()->status("second")));
    QVERIFY(!w.results()->statusText().contains("out of date"));

    // Editing the first step makes the step it feeds stale too.
    QVERIFY(doc->setParam("first", "b", json::parse("[2, 1]")));
    QCOMPARE(w.scene()->status("first"), NodeStatus::Stale);
    QCOMPARE(w.scene()->status("second"), NodeStatus::Stale);

    // Run again: current. Moving a node changes nothing that runs.
    runAndWait(w);
    QVERIFY(ran(w.scene()->status("first")) && ran(w.scene()->status("second")));
    QVERIFY(!w.results()->statusText().contains("out of date"));
    doc->moveSteps({{"first", QPointF(-300, 200)}});
    QVERIFY(ran(w.scene()->status("first")));
    doc->undoStack()->undo();  // the move
    QVERIFY(ran(w.scene()->status("first")));
    // An undo of the edit goes back to a definition older than the results.
    doc->undoStack()->undo();
    QCOMPARE(w.scene()->status("first"), NodeStatus::Stale);
    QCOMPARE(w.scene()->status("second"), NodeStatus::Stale);
    w.results()->showStep("first");
    QVERIFY(w.results()->statusText().contains("out of date"));
  }

  void justOpenedDocumentShowsNoRunState() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    const QString path = MainWindow::examplesDir() + "/linked-steps.workflow.json";
    QVERIFY(w.openFile(path));
    runAndWait(w);
    QVERIFY(ran(w.scene()->node("first")->status()));
    // The same file again (the same step ids): nothing has run in this document yet.
    QVERIFY(w.openFile(path));
    for (const char* id : {"first", "second"}) {
      QCOMPARE(w.scene()->status(id), NodeStatus::Idle);
      QCOMPARE(w.scene()->node(id)->status(), NodeStatus::Idle);
      QCOMPARE(w.runs()->status(id), NodeStatus::Idle);
    }
  }
};

SCIAGENTS_TEST_MAIN(TestStaleResults)

}  // namespace test_stale_results
#include "test_stale_results.moc"
