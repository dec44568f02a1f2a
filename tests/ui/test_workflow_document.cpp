// WorkflowDocument: every edit kind is one undoable command; undo/redo restore the exact JSON;
// "modified" follows the undo stack's clean state; cycles are refused.
#include "core/agent/agent_registry.h"
#include "ui/workflow_document.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_workflow_document {

using namespace sciagents::ui;
using nlohmann::json;

namespace {
json docJson(const WorkflowDocument& d) { return json::parse(d.toJsonText().toStdString()); }

// Undo then redo `n` commands and check both ends match.
void checkUndoRedo(WorkflowDocument& d, const json& before, const json& after, int n = 1) {
  for (int i = 0; i < n; ++i) d.undoStack()->undo();
  QCOMPARE(docJson(d), before);
  for (int i = 0; i < n; ++i) d.undoStack()->redo();
  QCOMPARE(docJson(d), after);
}
}  // namespace

class TestWorkflowDocument : public QObject {
  Q_OBJECT

  // fit (optimization.minimize) and sim (ode_pde.ivp), no links yet.
  void twoSteps(WorkflowDocument& d) {
    QString fit = d.addStep("optimization", "minimize", QPointF(0, 0));
    QString sim = d.addStep("ode_pde", "ivp", QPointF(300, 0));
    QVERIFY(d.renameStep(fit, "fit", nullptr));
    QVERIFY(d.renameStep(sim, "sim", nullptr));
  }

 private slots:
  void addStepRejectsUnknownTasks() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    QCOMPARE(d.addStep("nope", "task", {}), QString());
    QCOMPARE(d.addStep("optimization", "nope", {}), QString());
    QCOMPARE(d.undoStack()->count(), 0);
    QVERIFY(!d.isModified());
  }

  void addAndRemoveUndo() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    QSignalSpy modified(&d, &WorkflowDocument::modifiedChanged);
    const json empty = docJson(d);
    const QString id = d.addStep("optimization", "minimize", QPointF(10, 20));
    QCOMPARE(id, QString("minimize"));
    QVERIFY(d.isModified());
    QCOMPARE(modified.count(), 1);
    const json one = docJson(d);
    QCOMPARE(one["steps"][0]["ui"], json({{"x", 10.0}, {"y", 20.0}}));
    checkUndoRedo(d, empty, one);
    QCOMPARE(d.addStep("optimization", "minimize", {}), QString("minimize_2"));
    const json two = docJson(d);
    d.removeSteps({"minimize"});
    QCOMPARE(d.stepIds(), QStringList{"minimize_2"});
    checkUndoRedo(d, two, docJson(d));
  }

  void linksAndCycles() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    const json before = docJson(d);
    QString error;
    QVERIFY2(d.connectLink("sim", "constants.k", "fit.x[0]", &error), qPrintable(error));
    const json linked = docJson(d);
    QCOMPARE(linked["steps"][1]["params"]["constants"],
             json::parse("{\"k\": {\"from\": \"fit.x[0]\"}}"));
    checkUndoRedo(d, before, linked);
    // fit <- sim would close a cycle; a self link too.
    QVERIFY(!d.connectLink("fit", "x0", "sim.y_final", &error));
    QVERIFY2(error.contains("cycle"), qPrintable(error));
    QVERIFY(!d.connectLink("sim", "y0", "sim.y_final", &error));
    QVERIFY(!d.connectLink("sim", "y0", "nosuch.x", &error));
    QCOMPARE(docJson(d), linked);
    QVERIFY(d.disconnectLink("sim", "constants.k"));
    QVERIFY(!docJson(d)["steps"][1]["params"]["constants"].contains("k"));
    checkUndoRedo(d, linked, docJson(d));
  }

  void setParamAndReset() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    const json before = docJson(d);
    QVERIFY(d.setParam("fit", "objective", "(x-1)^2"));
    QVERIFY(!d.setParam("fit", "objective", "(x-1)^2"));  // unchanged: no command
    const json set = docJson(d);
    QCOMPARE(set["steps"][0]["params"]["objective"], json("(x-1)^2"));
    checkUndoRedo(d, before, set);
    QVERIFY(d.setParam("fit", "objective", json()));
    QVERIFY(!docJson(d)["steps"][0]["params"].contains("objective"));
    checkUndoRedo(d, set, docJson(d));
  }

  void renameFollowsLinks() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    QVERIFY(d.connectLink("sim", "constants.k", "fit.x[0]", nullptr));
    d.moveSteps({{"fit", QPointF(5, 6)}});
    const json before = docJson(d);
    QString error;
    QVERIFY(!d.renameStep("fit", "sim", &error));   // taken
    QVERIFY(!d.renameStep("fit", "9bad", &error));  // invalid
    QVERIFY(d.renameStep("fit", "fit_k", &error));
    const json after = docJson(d);
    QCOMPARE(after["steps"][0]["id"], json("fit_k"));
    QCOMPARE(after["steps"][0]["ui"]["x"], json(5.0));
    QCOMPARE(after["steps"][1]["params"]["constants"]["k"]["from"], json("fit_k.x[0]"));
    checkUndoRedo(d, before, after);
  }

  void moveSteps() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    const json before = docJson(d);
    d.moveSteps({{"fit", QPointF(-40, 80)}, {"sim", QPointF(400, 80)}});
    QCOMPARE(d.stepPosition("fit"), QPointF(-40, 80));
    QCOMPARE(d.undoStack()->count(), 5);  // 2 adds, 2 renames, 1 move
    checkUndoRedo(d, before, docJson(d));
  }

  void autoLayoutAndUpstream() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    QVERIFY(d.connectLink("sim", "constants.k", "fit.x[0]", nullptr));
    d.moveSteps({{"fit", QPointF(500, 500)}, {"sim", QPointF(0, 0)}});
    const json before = docJson(d);
    d.autoLayout();
    QCOMPARE(d.stepPosition("fit"), QPointF(0, 0));  // upstream in the first column
    QVERIFY(d.stepPosition("sim").x() > 0);
    checkUndoRedo(d, before, docJson(d));
    QCOMPARE(d.withUpstream({"sim"}).steps.size(), std::size_t(2));
    QCOMPARE(d.withUpstream({"fit"}).steps.size(), std::size_t(1));
    QCOMPARE(d.withUpstream({"fit"}).steps[0].id, std::string("fit"));
  }

  void removeDropsLinksIntoRemovedSteps() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    QVERIFY(d.connectLink("sim", "constants.k", "fit.x[0]", nullptr));
    QVERIFY(d.connectLink("sim", "y0", "fit.x", nullptr));
    const json before = docJson(d);
    d.removeSteps({"fit"});
    const json after = docJson(d);
    QCOMPARE(after["steps"].size(), std::size_t(1));
    QVERIFY(!after["steps"][0]["params"].contains("y0"));
    QVERIFY(!after["steps"][0]["params"]["constants"].contains("k"));
    checkUndoRedo(d, before, after);
  }

  void duplicateAndPasteRewriteInternalLinks() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    QVERIFY(d.connectLink("sim", "constants.k", "fit.x[0]", nullptr));
    const json before = docJson(d);
    const QStringList ids = d.duplicate({"fit", "sim"});
    QCOMPARE(ids, (QStringList{"fit_2", "sim_2"}));
    const json after = docJson(d);
    QCOMPARE(after["steps"][3]["params"]["constants"]["k"]["from"], json("fit_2.x[0]"));
    QCOMPARE(d.stepPosition("fit_2"), d.stepPosition("fit") + QPointF(40, 40));
    checkUndoRedo(d, before, after);
    // Pasting only the dependent step keeps its link to the original.
    const QStringList pasted = d.paste(d.copySteps({"sim"}), QPointF(0, 200));
    QCOMPARE(pasted, QStringList{"sim_3"});
    QCOMPARE(docJson(d)["steps"][4]["params"]["constants"]["k"]["from"], json("fit.x[0]"));
    QVERIFY(d.paste("not json", {}).isEmpty());
  }

  void saveLoadAndModifiedState() {
    QTemporaryDir dir;
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    twoSteps(d);
    QVERIFY(d.connectLink("sim", "constants.k", "fit.x[0]", nullptr));
    QVERIFY(d.isModified());
    const QString path = dir.filePath("two.workflow.json");
    QString error;
    QVERIFY2(d.save(path, &error), qPrintable(error));
    QVERIFY(!d.isModified());
    d.undoStack()->undo();
    QVERIFY(d.isModified());
    d.undoStack()->redo();
    QVERIFY(!d.isModified());
    WorkflowDocument e(sciagents::core::AgentRegistry::builtin());
    QVERIFY2(e.load(path, &error), qPrintable(error));
    QCOMPARE(docJson(e), docJson(d));
    QVERIFY(!e.isModified());
    QCOMPARE(e.undoStack()->count(), 0);
    QVERIFY(!e.load(dir.filePath("missing.workflow.json"), &error));
    QVERIFY(!error.isEmpty());
  }
};

SCIAGENTS_TEST_MAIN(TestWorkflowDocument)

}  // namespace test_workflow_document
#include "test_workflow_document.moc"
