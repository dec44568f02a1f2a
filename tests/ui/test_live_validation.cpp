// Validation as you type, with the messages of Run (issue 18, item 5): t_eval given the Sweep
// box's shorthand "linspace 0 30 301" is flagged before Run with the run's message; a name in an
// ODE's rhs that is neither t, a state nor a constant is flagged while typing with the message the
// run fails with; messages with a "^" marker use a monospace font (the form and the run log).
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/expression_messages.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"

#include <QFontInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>

#include "tests/test_main.h"

namespace test_live_validation {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {
// The run's error of step `id` with `params`, without the "param '...': " prefix.
QString runError(MainWindow& w, const QString& id, const QString& param) {
  QSignalSpy finished(&w, &MainWindow::runFinished);
  w.runAll();
  if (!finished.wait(60000)) return "no run";
  const auto* s = w.runner()->lastResult()->step(id.toStdString());
  if (!s) return "no step";
  QString e = QString::fromStdString(s->error);
  const QString prefix = QStringLiteral("param '%1': ").arg(param);
  if (const int at = e.indexOf(prefix); at >= 0) e = e.mid(at + prefix.size());
  return e;
}
}  // namespace

class TestLiveValidation : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { isolateSettings("test_live_validation"); }

  void tEvalShorthandIsFlaggedBeforeRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString id = w.addTask("ode_pde", "ivp");
    WorkflowDocument* doc = w.document();
    QVERIFY(doc->setParam(id, "rhs", json::parse(R"(["v", "-x"])")));
    QVERIFY(doc->setParam(id, "states", json::parse(R"(["x", "v"])")));
    QVERIFY(doc->setParam(id, "y0", json::parse("[1, 0]")));
    QVERIFY(doc->setParam(id, "t_span", json::parse("[0, 30]")));
    typeParam(w.properties(), "t_eval", "linspace 0 30 301", false);  // typed, not yet committed
    const QString shown = w.properties()->editor("t_eval")->errorText();
    QVERIFY2(!shown.isEmpty(), "no message while typing");
    // The same words the run fails with.
    QVERIFY(doc->setParam(id, "t_eval", "linspace 0 30 301"));
    const QString run = runError(w, id, "t_eval");
    QVERIFY2(shown.startsWith(run), qPrintable(shown + "\n  vs run: " + run));
    QVERIFY(shown.contains(R"({"linspace": [0, 30, 301]})"));
  }

  void unknownRhsNameIsFlaggedWhileTyping() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString id = w.addTask("ode_pde", "ivp");
    WorkflowDocument* doc = w.document();
    QVERIFY(doc->setParam(id, "states", json::parse(R"(["x", "v"])")));
    QVERIFY(doc->setParam(id, "y0", json::parse("[1, 0]")));
    QVERIFY(doc->setParam(id, "t_span", json::parse("[0, 1]")));
    typeParam(w.properties(), "rhs", R"(["v", "-w*x"])", false);
    ParamEditor* rhs = w.properties()->editor("rhs");
    const QString shown = rhs->errorText();
    QVERIFY2(shown.contains("unknown variable 'w'"), qPrintable(shown));
    // Monospace, so that the "^" line points at the name.
    QVERIFY(shown.contains('^'));
    QVERIFY(QFontInfo(rhs->errorLabel()->font()).fixedPitch());
    // The "^" stands under the unknown name (position 1 of "-w*x").
    const QStringList lines = shown.split('\n');
    QVERIFY(lines.size() >= 2);
    QCOMPARE(lines[1].indexOf('^'), lines[0].indexOf("'-w*x'") + 2);
    // The run fails with the same message (the run's own caret line re-aligned the same way).
    QVERIFY(doc->setParam(id, "rhs", json::parse(R"(["v", "-w*x"])")));
    QCOMPARE(alignCaret(runError(w, id, "rhs")), shown);
    QVERIFY(QFontInfo(w.runLog()->font()).fixedPitch());
    // A constant of that name makes it fine.
    QVERIFY(doc->setParam(id, "constants", json::parse(R"({"w": 2})")));
    typeParam(w.properties(), "rhs", R"(["v", "-w*x"])", false);
    QCOMPARE(w.properties()->editor("rhs")->errorText(), QString());
  }
};

SCIAGENTS_TEST_MAIN(TestLiveValidation)

}  // namespace test_live_validation
#include "test_live_validation.moc"
