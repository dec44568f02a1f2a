// The Properties editor of external steps (ui/external_step_editor.h): every edit (program, argv
// add/remove/reorder, templates, output parser, output names, module/function) is one undoable
// command that undo and redo take back and forth; {{placeholders}} naming no input are marked;
// Test run runs the example projectile program once off the GUI thread and shows its parsed
// outputs, and a failing program shows the error (naming step and parameter) and its stderr;
// the same for an external.python function.
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/workflow_json.h"
#include "ui/external_step_editor.h"
#include "ui/external_test_run.h"
#include "ui/local_runner.h"
#include "ui/placeholder_highlighter.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>

#include "tests/test_main.h"

namespace test_external_step_editor {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {

const char* kShot =
    R"({"sciagents": 1, "steps": [{"id": "shot", "agent": "external", "task": "command",
  "params": {"command": ["prog.py"], "inputs": {"v0": 30, "angle": 45},
             "outputs": {"file": "results.json"}, "output_names": ["range"]}}]})";

json params(const WorkflowDocument& d, const char* step = "shot") { return d.step(step)->params; }

// The value of output `name` in the Test run's table ("" when not there).
QString tableValue(const QTableWidget* t, const QString& name) {
  for (int r = 0; r < t->rowCount(); ++r)
    if (t->item(r, 0) && t->item(r, 0)->text() == name) return t->item(r, 1)->text();
  return {};
}

void writeFile(const QString& path, const QByteArray& text, bool executable = false) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(text);
  f.close();
  if (executable) f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeUser);
}

}  // namespace

class TestExternalStepEditor : public QObject {
  Q_OBJECT

  // Checks one edit: `edit` changes param `name` from its value to `after`; undo restores it,
  // redo applies it again, and the editor's widgets follow (`shown` reads what they show).
  static void roundTrip(WorkflowDocument& d, const char* name, const std::function<void()>& edit,
                        const json& after, const std::function<QString()>& shown = {}) {
    const json before = params(d).value(name, json());
    const QString shown_before = shown ? shown() : QString();
    const int count = d.undoStack()->count();
    edit();
    QCOMPARE(params(d).value(name, json()), after);
    QCOMPARE(d.undoStack()->count(), count + 1);
    const QString shown_after = shown ? shown() : QString();
    d.undoStack()->undo();
    QCOMPARE(params(d).value(name, json()), before);
    if (shown) QCOMPARE(shown(), shown_before);
    d.undoStack()->redo();
    QCOMPARE(params(d).value(name, json()), after);
    if (shown) QCOMPARE(shown(), shown_after);
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_external_step_editor"); }

  void dedicatedEditorReplacesGenericFields() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    d.setFile(sciagents::core::parseWorkflowFile(kShot));
    PropertyPanel p(&d);
    p.setStep("shot");
    ExternalStepEditor* e = p.externalEditor();
    QVERIFY(!e->isHidden());
    for (const char* name : {"command", "templates", "outputs", "output_names"})
      QVERIFY(!p.editor(name));
    QVERIFY(p.editor("inputs") && p.editor("timeout_s") && p.editor("keep"));
    QCOMPARE(e->programEdit()->text(), QString("prog.py"));
    QCOMPARE(e->outputModeBox()->currentIndex(), 1);  // JSON file
    QCOMPARE(e->outputFileEdit()->text(), QString("results.json"));
    QCOMPARE(e->outputNamesEdit()->text(), QString("range"));
    // Another task: the generic form only.
    d.setFile(sciagents::core::parseWorkflowFile(
        R"({"sciagents": 1, "steps": [{"id": "v", "agent": "workflow_orchestration", "task": "value", "params": {"value": 1}}]})"));
    p.setStep("v");
    QVERIFY(e->isHidden());
  }

  void commandEditsAreUndoable() {
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    d.setFile(sciagents::core::parseWorkflowFile(kShot));
    PropertyPanel p(&d);
    p.setStep("shot");
    ExternalStepEditor* e = p.externalEditor();
    auto argv = [e] {
      QStringList a{e->programEdit()->text()};
      for (int i = 0; i < e->argsList()->count(); ++i) a << e->argsList()->item(i)->text();
      return a.join('|');
    };
    // The program, typed.
    roundTrip(
        d, "command",
        [&] {
          e->programEdit()->clear();
          QTest::keyClicks(e->programEdit(), "sim/solver");
          QTest::keyClick(e->programEdit(), Qt::Key_Return);
        },
        json::array({"sim/solver"}), argv);
    // argv: add, edit, add, reorder, remove.
    roundTrip(
        d, "command", [&] { e->addArgButton()->click(); }, json::array({"sim/solver", "arg"}),
        argv);
    roundTrip(
        d, "command", [&] { e->argsList()->item(0)->setText("--v0={{v0}}"); },
        json::array({"sim/solver", "--v0={{v0}}"}), argv);
    roundTrip(
        d, "command", [&] { e->addArgButton()->click(); },
        json::array({"sim/solver", "--v0={{v0}}", "arg"}), argv);
    e->argsList()->setCurrentRow(1);
    roundTrip(
        d, "command", [&] { e->argUpButton()->click(); },
        json::array({"sim/solver", "arg", "--v0={{v0}}"}), argv);
    e->argsList()->setCurrentRow(0);
    roundTrip(
        d, "command", [&] { e->argDownButton()->click(); },
        json::array({"sim/solver", "--v0={{v0}}", "arg"}), argv);
    e->argsList()->setCurrentRow(1);
    roundTrip(
        d, "command", [&] { e->removeArgButton()->click(); },
        json::array({"sim/solver", "--v0={{v0}}"}), argv);
    // A template, as the file dialog would choose it (absolute: the document has no file).
    roundTrip(
        d, "templates", [&] { e->addTemplate("/data/case.in.tpl"); },
        json::array({"/data/case.in.tpl"}),
        [e] {
          return e->templatesList()->count() ? e->templatesList()->item(0)->text() : QString();
        });
    QCOMPARE(e->templatesList()->item(0)->text(), QString("case.in.tpl  →  case.in"));
    QCOMPARE(e->templatesList()->item(0)->toolTip(), QString("/data/case.in.tpl"));
    // The output parser: regex rows, CSV, stdout JSON.
    auto mode = [e](int i) {
      e->outputModeBox()->setCurrentIndex(i);
      emit e->outputModeBox()->activated(i);
    };
    auto shownMode = [e] {
      return QString::number(e->outputModeBox()->currentIndex()) + e->outputFileEdit()->text();
    };
    roundTrip(
        d, "outputs", [&] { mode(3); },
        json::parse(R"J({"file": "results.json", "regex": {"y": "y = (\\S+)"}})J"), shownMode);
    roundTrip(
        d, "outputs", [&] { e->regexTable()->item(0, 1)->setText("range: (\\S+)"); },
        json::parse(R"J({"file": "results.json", "regex": {"y": "range: (\\S+)"}})J"),
        [e] { return e->regexTable()->item(0, 1)->text(); });
    roundTrip(
        d, "outputs", [&] { mode(2); }, json::parse(R"({"file": "results.csv"})"), shownMode);
    roundTrip(
        d, "outputs", [&] { mode(0); }, json("stdout_json"), shownMode);
    // Output names, comma or space separated.
    roundTrip(
        d, "output_names",
        [&] {
          e->outputNamesEdit()->clear();
          QTest::keyClicks(e->outputNamesEdit(), "range, t_flight max_height");
          QTest::keyClick(e->outputNamesEdit(), Qt::Key_Return);
        },
        json::array({"range", "t_flight", "max_height"}),
        [e] { return e->outputNamesEdit()->text(); });
    QCOMPARE(e->outputNamesEdit()->text(), QString("range, t_flight, max_height"));
    // Everything back to the start in order, then forward again.
    while (d.undoStack()->canUndo()) d.undoStack()->undo();
    QCOMPARE(params(d), json::parse(kShot)["steps"][0]["params"]);
    QCOMPARE(argv(), QString("prog.py"));
    while (d.undoStack()->canRedo()) d.undoStack()->redo();
    QCOMPARE(params(d)["command"], json::array({"sim/solver", "--v0={{v0}}"}));
    QCOMPARE(params(d)["outputs"], json("stdout_json"));
  }

  void pythonModuleAndFunction() {
    QTemporaryDir dir;
    writeFile(dir.filePath("model.py"),
              "import math\n\ndef area(r):\n    return math.pi * r * r\n\n"
              "def volume(r):\n    return 4 / 3 * math.pi * r ** 3\n");
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    d.setFile(sciagents::core::parseWorkflowFile(
        R"({"sciagents": 1, "steps": [{"id": "py", "agent": "external", "task": "python",
            "params": {"module": "m.py", "function": "f", "inputs": {"r": 2}}}]})"));
    PropertyPanel p(&d);
    p.setStep("py");
    ExternalStepEditor* e = p.externalEditor();
    QVERIFY(!p.editor("module") && !p.editor("function") && p.editor("vectorized"));
    QVERIFY(!e->argsList()->isVisibleTo(e) && !e->templatesList()->isVisibleTo(e));
    const QString module = dir.filePath("model.py");
    auto step = [&] { return params(d, "py"); };
    const int count = d.undoStack()->count();
    e->setProgram(module);  // the module picker's choice
    QCOMPARE(step()["module"], json(module.toStdString()));
    QCOMPARE(e->functionBox()->count(), 2);  // the module's top-level functions
    QCOMPARE(e->functionBox()->itemText(1), QString("volume"));
    e->functionBox()->setCurrentIndex(1);
    emit e->functionBox()->activated(1);
    QCOMPARE(step()["function"], json("volume"));
    e->outputNamesEdit()->setText("v");
    emit e->outputNamesEdit()->editingFinished();
    QCOMPARE(step()["outputs"], json::array({"v"}));
    QCOMPARE(d.undoStack()->count(), count + 3);
    d.undoStack()->undo();
    d.undoStack()->undo();
    QCOMPARE(step()["function"], json("f"));
    QCOMPARE(e->functionBox()->currentText(), QString("f"));
    d.undoStack()->undo();
    QCOMPARE(step()["module"], json("m.py"));
    QCOMPARE(e->programEdit()->text(), QString("m.py"));
    d.undoStack()->redo();
    QCOMPARE(e->programEdit()->text(), module);
  }

  void placeholdersAreHighlighted() {
    // The parser: names, formats, indices, problems.
    const auto ph = findPlaceholders("a {{ v0 }} b {{drag:%.10g}} {{v[-1]:%q}} {{x");
    QCOMPARE(int(ph.size()), 4);
    QCOMPARE(ph[0].name, QString("v0"));
    QCOMPARE(ph[0].start, 2);
    QCOMPARE(ph[0].length, 8);
    QVERIFY(ph[0].problem.isEmpty() && ph[1].problem.isEmpty());
    QCOMPARE(ph[2].name, QString("v"));
    QVERIFY(!ph[2].problem.isEmpty());  // %q is no number format
    QVERIFY(ph[3].problem.contains("closing"));
    QCOMPARE(unknownPlaceholderNames("{{a}} {{b}} {{a}} {{c:%d}}", {"b"}), (QStringList{"a", "c"}));

    // The example template in the editor, with an input missing: {{drag...}} is marked, the
    // others are not, and the editor says which name and which inputs there are.
    QTemporaryDir dir;
    const QString tpl = QStringLiteral(SCIAGENTS_SOURCE_DIR "/examples/external/projectile.in.tpl");
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    d.setFile(sciagents::core::parseWorkflowFile(
        R"({"sciagents": 1, "steps": [{"id": "shot", "agent": "external", "task": "command",
            "params": {"command": ["prog.py"], "inputs": {"v0": 30, "angle": 45}}}]})"));
    PropertyPanel p(&d);
    p.setStep("shot");
    ExternalStepEditor* e = p.externalEditor();
    e->addTemplate(tpl);
    const QString text = e->templateText()->toPlainText();
    QVERIFY2(text.contains("drag = {{drag:%.10g}}"), qPrintable(text));
    const QStringList lines = text.split('\n');
    int v0_line = -1, drag_line = -1;
    for (int i = 0; i < lines.size(); ++i) {
      if (lines[i].contains("{{v0}}")) v0_line = i;
      if (lines[i].contains("{{drag")) drag_line = i;
    }
    QVERIFY(v0_line >= 0 && drag_line >= 0);
    QVERIFY(e->highlighter()->isMarkedUnknown(drag_line, int(lines[drag_line].indexOf("{{"))));
    QVERIFY(!e->highlighter()->isMarkedUnknown(v0_line, int(lines[v0_line].indexOf("{{"))));
    QVERIFY(!e->placeholderIssues()->isHidden());
    QVERIFY2(e->placeholderIssues()->text().contains("drag") &&
                 e->placeholderIssues()->text().contains("angle, v0"),
             qPrintable(e->placeholderIssues()->text()));
    // Adding the input clears the mark (the inputs come from the generic form).
    typeParam(&p, "inputs", R"({"v0": 30, "angle": 45, "drag": 0})");
    QCOMPARE(params(d)["inputs"]["drag"], json(0));
    QVERIFY(!e->highlighter()->isMarkedUnknown(drag_line, int(lines[drag_line].indexOf("{{"))));
    QVERIFY(e->placeholderIssues()->isHidden());
    // An unknown name in an argv entry is reported too.
    e->addArgButton()->click();
    e->argsList()->item(0)->setText("--speed={{speed}}");
    QVERIFY2(e->placeholderIssues()->text().contains("arguments: speed"),
             qPrintable(e->placeholderIssues()->text()));
  }

  void testRunShowsParsedOutputs() {
    // The shipped sweep example: the Test run ignores the sweep and runs its base inputs once
    // (v0 = 30, angle = 45, no drag), resolving the program and template against the file's folder.
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    QString error;
    QVERIFY2(d.load(QStringLiteral(SCIAGENTS_SOURCE_DIR "/examples/external-sweep.workflow.json"),
                    &error),
             qPrintable(error));
    PropertyPanel p(&d);
    p.show();
    p.setStep("shot");
    ExternalTestRun* t = p.externalEditor()->testRun();
    QSignalSpy done(t, &ExternalTestRun::finished);
    t->button()->click();
    QVERIFY(t->isRunning() || done.size() == 1);
    QVERIFY(!t->button()->isEnabled() || done.size() == 1);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QCOMPARE(done.at(0).at(0).toString(), QString("shot"));
    QVERIFY2(done.at(0).at(1).toBool(), qPrintable(t->statusLabel()->text()));
    QVERIFY(t->button()->isEnabled());
    QVERIFY2(t->statusLabel()->text().startsWith("Succeeded") &&
                 t->statusLabel()->text().contains("exit status 0"),
             qPrintable(t->statusLabel()->text()));
    QVERIFY(t->statusLabel()->text().contains("wall time"));
    // external-sweep.expected.json, point 1 (angle 45, drag 0): range 91.7431..., about v0² / g.
    const json expected = 91.74311926605482;
    const QString range = tableValue(t->outputsTable(), "range");
    QVERIFY2(!range.isEmpty(), "no range in the outputs table");
    QVERIFY2(std::abs(range.toDouble() - expected.get<double>()) < 1e-3, qPrintable(range));
    QVERIFY(!tableValue(t->outputsTable(), "t_flight").isEmpty());
    QVERIFY(!tableValue(t->outputsTable(), "max_height").isEmpty());
    QVERIFY(!tableValue(t->outputsTable(), "track").isEmpty());  // a vector output, summarised
    QCOMPARE(t->outputsTable()->rowCount(), 4);
    QVERIFY(d.undoStack()->count() == 0);  // a test run is no edit
  }

  void testRunShowsFailure() {
    QTemporaryDir dir;
    writeFile(dir.filePath("bad.py"),
              "#!/usr/bin/python3\nimport sys\nsys.stderr.write('reading input\\n"
              "solver diverged at x = 3\\n')\nsys.exit(3)\n",
              true);
    const QString wf = dir.filePath("bad.workflow.json");
    writeFile(wf,
              R"({"sciagents": 1, "steps": [{"id": "sim", "agent": "external", "task": "command",
                    "params": {"command": ["./bad.py"], "inputs": {"x": 3}, "keep": "none"}}]})");
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    QString error;
    QVERIFY2(d.load(wf, &error), qPrintable(error));
    PropertyPanel p(&d);
    p.show();
    p.setStep("sim");
    ExternalTestRun* t = p.externalEditor()->testRun();
    QSignalSpy done(t, &ExternalTestRun::finished);
    t->button()->click();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QCOMPARE(done.at(0).at(1).toBool(), false);
    const QString status = t->statusLabel()->text();
    QVERIFY2(status.startsWith("Failed") && status.contains("'sim'") &&
                 status.contains("command") && status.contains("status 3"),
             qPrintable(status));
    QVERIFY2(t->stderrView()->toPlainText().contains("solver diverged at x = 3"),
             qPrintable(t->stderrView()->toPlainText()));
    QVERIFY(!t->stderrView()->isHidden());
    QCOMPARE(t->outputsTable()->rowCount(), 0);
    // An unknown placeholder in argv fails before anything runs, naming the parameter.
    d.setParam("sim", "command", json::array({"./bad.py", "{{nope}}"}));
    t->button()->click();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
    QVERIFY2(
        t->statusLabel()->text().contains("command") && t->statusLabel()->text().contains("nope"),
        qPrintable(t->statusLabel()->text()));
  }
  void testRunOfPythonFunction() {
    QTemporaryDir dir;
    writeFile(dir.filePath("model.py"),
              "def shot(v0, angle):\n    import math\n"
              "    return {'range': v0 * v0 * math.sin(2 * math.radians(angle)) / 9.81}\n");
    const QString wf = dir.filePath("py.workflow.json");
    writeFile(wf, R"({"sciagents": 1, "steps": [{"id": "py", "agent": "external", "task": "python",
                    "params": {"module": "model.py", "function": "shot",
                               "inputs": {"v0": 30, "angle": 45}}}]})");
    WorkflowDocument d(sciagents::core::AgentRegistry::builtin());
    QString error;
    QVERIFY2(d.load(wf, &error), qPrintable(error));
    PropertyPanel p(&d);
    p.show();
    p.setStep("py");
    QCOMPARE(p.externalEditor()->functionBox()->itemText(0), QString("shot"));
    ExternalTestRun* t = p.externalEditor()->testRun();
    QSignalSpy done(t, &ExternalTestRun::finished);
    t->button()->click();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QVERIFY2(done.at(0).at(1).toBool(), qPrintable(t->statusLabel()->text()));
    const QString range = tableValue(t->outputsTable(), "range");
    QVERIFY2(std::abs(range.toDouble() - 900.0 / 9.81) < 1e-6, qPrintable(range));
    // A function that raises: the error names the step and the exception.
    d.setParam("py", "function", "missing");
    t->button()->click();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
    QCOMPARE(done.at(1).at(1).toBool(), false);
    QVERIFY2(
        t->statusLabel()->text().contains("'py'") && t->statusLabel()->text().contains("missing"),
        qPrintable(t->statusLabel()->text()));
  }
  // Run All of an opened example resolves external/projectile.py and its template against the
  // file's folder, not the current directory (the same base directory as the Test run).
  void runAllResolvesPathsAgainstTheFile() {
    QTemporaryDir elsewhere;
    const QString cwd = QDir::currentPath();
    QVERIFY(QDir::setCurrent(elsewhere.path()));
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/external-sweep.workflow.json"));
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
    QVERIFY(QDir::setCurrent(cwd));
    const auto r = w.runner()->lastResult();
    QVERIFY2(r->status == sciagents::core::StepStatus::Succeeded,
             r->steps.empty() ? "no steps" : r->steps[0].error.c_str());
    QCOMPARE(r->step("shot")->points, std::size_t(6));
  }
};

SCIAGENTS_TEST_MAIN(TestExternalStepEditor)

}  // namespace test_external_step_editor
#include "test_external_step_editor.moc"
