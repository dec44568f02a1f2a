// Every shipped tutorial completed through the real UI, step by step (palette, property forms,
// the sweep editor, canvas links, the Run action with the local target): each step's completion
// condition must not fire before the real state reaches it and must fire when it does, and the
// final results are checked against exact values. Tutorial 5 (remote) is test_tutorial_remote.
#include "isolated_settings.h"
#include "tutorial_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/external_step_editor.h"
#include "ui/external_test_run.h"
#include "ui/node_item.h"
#include "ui/sweep_editor.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableWidget>
#include <QUndoStack>

#include <cmath>

#include "tests/test_main.h"

namespace test_tutorials {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

class TestTutorials : public QObject {
  Q_OBJECT

  // Issue 18 item 1: scrolling the form moves the frame with its target at once (it trailed by a
  // second), and a target scrolled out of sight is not framed at all.
  static void frameFollowsScrolling(TutorialDriver& t, int k) {
    t.at(k);
    QWidget* target = t.overlay->target();
    QScrollArea* area = nullptr;
    for (QWidget* p = target ? target->parentWidget() : nullptr; p && !area; p = p->parentWidget())
      area = qobject_cast<QScrollArea*>(p);
    QVERIFY(area);
    QScrollBar* bar = area->verticalScrollBar();
    const int before = bar->value();
    const QRect framed = t.overlay->highlightRect();
    for (int value : {bar->minimum(), bar->maximum()}) {
      if (value == before) continue;
      bar->setValue(value);  // no event loop turn: the frame must have moved already
      const QRect r(target->mapTo(&t.w, QPoint(0, 0)), target->size());
      const QRect visible =
          r & QRect(area->viewport()->mapTo(&t.w, QPoint(0, 0)), area->viewport()->size());
      QCOMPARE(t.overlay->highlightRect(),
               visible.isEmpty() ? QRect() : visible.adjusted(-4, -4, 4, 4));
    }
    bar->setValue(before);
    QCOMPARE(t.overlay->highlightRect(), framed);
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_tutorials"); }
  void init() { clearSettings(); }

  void quickStart() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QSignalSpy ended(t.c, &TutorialController::tutorialFinishedOrSkipped);
    QVERIFY(t.c->start("quick-start"));
    QCOMPARE(int(t.c->active()->steps.size()), 10);
    t.read(0);
    t.complete(1, {t.add("ode_pde", "ivp")});
    t.complete(
        2,
        {t.type("rhs", "[\"-2*y\"]"),
         t.type("rhs", "[\"-2*y\", \"-2*exp(-2*t)\"]")});  // a first, partial answer does not count
    t.complete(3, {t.type("states", "[\"y\", \"exact\"]")});
    t.complete(4, {t.type("y0", "[1, 0]"), t.type("y0", "[1, 1]")});
    frameFollowsScrolling(t, 5);
    t.complete(5, {t.type("t_span", "[0, 2]")});
    t.complete(6, {t.type("t_eval", "{\"linspace\": [0, 2, 21]}")});
    t.complete(7, {t.type("rtol", "1e-8")});
    t.complete(8, {t.run()});
    QVERIFY(!QTest::currentTestFailed());
    // y(1) = e^-2 for both the solution and the "exact" column.
    const json y = lastOutput(w.runner(), "ivp", "y");
    QCOMPARE(y.size(), std::size_t(21));
    QVERIFY2(std::abs(y[10][0].get<double>() - std::exp(-2.0)) < 1e-6, y[10].dump().c_str());
    QVERIFY2(std::abs(y[10][1].get<double>() - std::exp(-2.0)) < 1e-6, y[10].dump().c_str());
    QVERIFY(!w.runner()->isRunning());
    t.read(9);  // Finish
    QCOMPARE(t.c->currentStep(), -1);
    QCOMPARE(ended.size(), 1);
    QCOMPARE(ended.at(0).at(0).toString(), QString("quick-start"));
    QCOMPARE(t.c->progress("quick-start"), TutorialController::Progress::Finished);
    QVERIFY(!t.overlay->isVisible());
  }

  void chainSteps() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("chain-steps"));
    t.read(0);
    t.complete(1, {t.add("optimization", "curve_fit")});
    t.complete(2, {t.type("model", "A*exp(-k*x)"), t.type("params", "[\"A\", \"k\"]")});
    t.complete(3, {t.type("xdata", "[0, 0.5, 1, 1.5, 2, 2.5, 3]"),
                   t.type("ydata", "[2.02, 1.0291, 0.5551, 0.2765, 0.1535, 0.0735, 0.0435]")});
    t.complete(4, {t.add("ode_pde", "ivp")});
    t.complete(5, {t.type("rhs", "[\"-k*y\"]"), t.type("states", "[\"y\"]"), t.type("y0", "[2]"),
                   t.type("t_span", "[0, 3]"), t.type("rtol", "1e-8")});
    // A link to the wrong output does not count; the scene's link request to popt[1] does.
    t.complete(
        6,
        {[&] { QVERIFY(w.scene()->requestLink("curve_fit", "popt[0]", "ivp", "constants.k")); },
         [&] { QVERIFY(w.scene()->requestLink("curve_fit", "popt[1]", "ivp", "constants.k")); }});
    QCOMPARE(w.scene()->edges().size(), 1);
    t.complete(7, {t.run()});
    QVERIFY(!QTest::currentTestFailed());
    // SciPy's curve_fit on the same data: k = 1.3143978; y(3) = 2 exp(-3k).
    const double k = lastOutput(w.runner(), "curve_fit", "popt")[1].get<double>();
    QVERIFY2(std::abs(k - 1.3143978) < 1e-6, qPrintable(QString::number(k, 'g', 12)));
    const double y3 = lastOutput(w.runner(), "ivp", "y_final")[0].get<double>();
    QVERIFY2(std::abs(y3 - 2.0 * std::exp(-3.0 * k)) < 1e-7,
             qPrintable(QString::number(y3, 'g', 12)));
    t.read(8);
    QCOMPARE(t.c->progress("chain-steps"), TutorialController::Progress::Finished);
  }

  void sweeps() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("sweeps"));
    t.read(0);
    t.complete(1, {t.add("ode_pde", "ivp")});
    t.complete(
        2, {t.type("rhs", "[\"-k*y\"]"), t.type("states", "[\"y\"]"), t.type("y0", "[1]"),
            t.type("t_span", "[0, 1]"), t.type("rtol", "1e-8"), t.type("constants", "{\"k\": 1}")});
    // The sweep editor: pick constants.k (typed: a map entry), enter the values, press Return.
    SweepEditor* se = w.properties()->sweepEditor();
    QVERIFY(se->isVisible() && se->isEnabled());
    const int undo_before = w.document()->undoStack()->count();
    t.complete(3, {[&] {  // bad values: a message, no sweep
                     QVERIFY(se->paramBox()->isEditable());
                     se->paramBox()->lineEdit()->clear();
                     QTest::keyClicks(se->paramBox()->lineEdit(), "constants.k");
                     se->valuesEdit()->setText("linspace 0.5 2");
                     QTest::keyClick(se->valuesEdit(), Qt::Key_Return);
                     QVERIFY2(!se->errorText().isEmpty(), "no message for a malformed range");
                     QVERIFY(!w.document()->step("ivp")->sweep);
                   },
                   [&] {  // two points: a sweep, but the step asks for four
                     se->valuesEdit()->setText("[0.5, 1]");
                     QTest::keyClick(se->valuesEdit(), Qt::Key_Return);
                     QVERIFY(w.document()->step("ivp")->sweep);
                   },
                   [&] {
                     se->valuesEdit()->clear();
                     QTest::keyClicks(se->valuesEdit(), "linspace 0.5 2 4");
                     QTest::keyClick(se->valuesEdit(), Qt::Key_Return);
                   }});
    QCOMPARE(w.document()->undoStack()->count(), undo_before + 2);
    QCOMPARE(w.document()->step("ivp")->sweep->values.size(), std::size_t(4));
    QCOMPARE(docJson(w.document())["steps"][0]["sweep"],
             json::parse(R"({"param": "constants.k", "values": {"linspace": [0.5, 2, 4]}})"));
    QVERIFY(w.scene()->node("ivp")->issues().isEmpty());
    t.complete(4, {t.run()});
    QVERIFY(!QTest::currentTestFailed());
    const auto r = w.runner()->lastResult();
    QCOMPARE(r->step("ivp")->points, std::size_t(4));
    const json ends = lastOutput(w.runner(), "ivp", "y_final");
    const json items = ends.is_object() ? ends["items"] : ends;
    QCOMPARE(items.size(), std::size_t(4));
    for (int i = 0; i < 4; ++i) {
      const double k = 0.5 + 0.5 * i;
      QVERIFY2(std::abs(items[std::size_t(i)][0].get<double>() - std::exp(-k)) < 1e-6,
               items.dump().c_str());
    }
    t.read(5);
    QCOMPARE(t.c->progress("sweeps"), TutorialController::Progress::Finished);
  }

  void uncertainty() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("uncertainty"));
    t.read(0);
    t.complete(1, {t.add("uq", "sobol")});
    t.complete(2, {t.type("model", "sin(x1) + a*sin(x2)^2 + b*x3^4*sin(x1)"),
                   t.type("constants", "{\"a\": 7, \"b\": 0.1}")});
    const QString u =
        "{\"dist\": \"uniform\", \"a\": -3.141592653589793, \"b\": 3.141592653589793, \"name\": "
        "\"x%1\"}";
    t.complete(
        3, {t.type("inputs", "[" + u.arg(1) + ", " + u.arg(2) + "]"),  // two inputs are not enough
            t.type("inputs", "[" + u.arg(1) + ", " + u.arg(2) + ", " + u.arg(3) + "]")});
    // n shows its default 1024, which is what the step asks for (issue 18 item 8: the step did not
    // tick until 1024 was typed over 1024); the seed is the one thing left to do.
    QVERIFY(!w.document()->step("sobol")->params.contains("n"));
    t.complete(4, {t.type("seed", "2026")});
    t.complete(5, {t.run()});
    QVERIFY(!QTest::currentTestFailed());
    // Exact Ishigami indices (a = 7, b = 0.1); at N = 1024 within 0.05, and the 95% intervals cover
    // them.
    const double s1[] = {0.313905, 0.442411, 0.0}, st[] = {0.557589, 0.442411, 0.243684};
    const json S1 = lastOutput(w.runner(), "sobol", "S1"),
               ST = lastOutput(w.runner(), "sobol", "ST");
    const json I1 = lastOutput(w.runner(), "sobol", "S1_interval");
    for (std::size_t i = 0; i < 3; ++i) {
      QVERIFY2(std::abs(S1[i].get<double>() - s1[i]) < 0.05, S1.dump().c_str());
      QVERIFY2(std::abs(ST[i].get<double>() - st[i]) < 0.05, ST.dump().c_str());
      QVERIFY2(I1[i][0].get<double>() <= s1[i] && s1[i] <= I1[i][1].get<double>(),
               I1.dump().c_str());
    }
    t.read(6);
    QCOMPARE(t.c->progress("uncertainty"), TutorialController::Progress::Finished);
  }

  void validateAndProfile() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("validate-profile"));
    t.read(0);
    t.complete(1, {t.add("linear_algebra", "solve"), t.type("A", "[[4, 1], [1, 3]]"),
                   t.type("b", "[1, 2]")});
    t.complete(2,
               {t.add("executor_validator", "validate"), t.type("target", "{\"step\": \"solve\"}"),
                [&] { w.properties()->editor("strict")->checkBox()->click(); }});
    QVERIFY(!QTest::currentTestFailed());
    const auto* profile =
        sciagents::core::AgentRegistry::builtin().task("performance_profiler", "profile");
    QVERIFY(profile);
    if (profile->planned())
      QSKIP(
          "performance_profiler.profile is still planned in this build: steps 4-6 of the tutorial "
          "run once it lands");
    QVERIFY(t.c->missingTasks("validate-profile").isEmpty());
    t.complete(3, {t.add("performance_profiler", "profile"),
                   t.type("target", "{\"step\": \"solve\"}"), t.type("sizes", "[100, 200, 400]"),
                   t.type("generate",
                          "[{\"agent\": \"linear_algebra\", \"task\": \"matrix\", \"params\": "
                          "{\"kind\": \"random\", "
                          "\"seed\": 1}, \"size\": \"n\", \"output\": \"A\", \"to\": \"A\"}, "
                          "{\"agent\": \"linear_algebra\", "
                          "\"task\": \"matrix\", \"params\": {\"kind\": \"ones\", \"cols\": 1}, "
                          "\"size\": \"n\", "
                          "\"output\": \"A\", \"to\": \"b\"}]")});
    t.complete(4, {t.run()}, 120000);
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(lastOutput(w.runner(), "validate", "passed"), json(true));
    const json x = lastOutput(w.runner(), "solve", "x");
    QVERIFY(std::abs(x[0].get<double>() - 1.0 / 11.0) < 1e-12 &&
            std::abs(x[1].get<double>() - 7.0 / 11.0) < 1e-12);
    t.read(5);
    QCOMPARE(t.c->progress("validate-profile"), TutorialController::Progress::Finished);
  }
  // Tutorial 7: the example projectile program (installed with the examples) as an
  // external.command step built in the dedicated editor, a Test run, then the model of a Sobol
  // study; the indices equal examples/external-sobol.expected.json (same inputs, n and seed).
  void ownSimulator() {
#ifdef Q_OS_WIN
    QSKIP("external programs run through fork/exec: POSIX only (core/agents/external)");
#endif
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("own-simulator"));
    QVERIFY(t.c->missingTasks("own-simulator").isEmpty());
    const QString examples = MainWindow::examplesDir();
    ExternalStepEditor* e = w.properties()->externalEditor();
    t.read(0);
    t.complete(1, {t.add("external", "command")});
    QVERIFY(e->isVisible());
    auto typeProgram = [&](const QString& path) {
      return [&, path] {
        e->programEdit()->clear();
        QTest::keyClicks(e->programEdit(), path);
        QTest::keyClick(e->programEdit(), Qt::Key_Return);
      };
    };
    t.complete(2, {typeProgram(examples + "/external/other.py"),  // not the example program
                   typeProgram(examples + "/external/projectile.py")});
    QCOMPARE(w.document()->step("command")->params["command"],
             json::array({(examples + "/external/projectile.py").toStdString()}));
    t.complete(3, {t.type("inputs", R"({"v0": 30, "angle": 45})"),
                   t.type("inputs", R"({"v0": 30, "angle": 45, "drag": 0})")});
    // The file dialog's choice; the template's text appears with its placeholders, all known.
    t.complete(4, {[&] { e->addTemplate(examples + "/external/projectile.in.tpl"); }});
    QVERIFY(e->templateText()->toPlainText().contains("angle_deg = {{angle}}"));
    QVERIFY(e->placeholderIssues()->isHidden());
    t.complete(5, {[&] {
                     const int json_file = 1;
                     e->outputModeBox()->setCurrentIndex(json_file);
                     emit e->outputModeBox()->activated(json_file);
                   },
                   [&] {
                     e->outputNamesEdit()->clear();
                     QTest::keyClicks(e->outputNamesEdit(), "range, t_flight, max_height");
                     QTest::keyClick(e->outputNamesEdit(), Qt::Key_Return);
                   }});
    ExternalTestRun* run = e->testRun();
    t.complete(6, {[&] { run->button()->click(); }});
    QVERIFY2(run->statusLabel()->text().startsWith("Succeeded"),
             qPrintable(run->statusLabel()->text()));
    QCOMPARE(run->outputsTable()->rowCount(), 4);  // range, t_flight, max_height, track
    t.complete(7, {t.add("uq", "sobol")});
    t.complete(
        8,
        {t.type(
            "model",
            R"({"step": "command", "input": ["inputs.v0", "inputs.angle"], "output": "range"})")});
    t.complete(
        9,
        {t.type(
             "inputs",
             R"([{"name": "v0", "dist": "uniform", "a": 20, "b": 40}, {"name": "angle", "dist": "uniform", "a": 20, "b": 70}])"),
         t.type("n", "16"), t.type("seed", "7"), t.type("bootstrap", "0")});
    t.complete(10, {t.run()}, 120000);
    QVERIFY(!QTest::currentTestFailed());
    const json expected = json::parse(R"({"S1": [0.6503788560692471, -0.02608446589219088],
                                          "ST": [0.8114999497938171, 0.08168304432341125]})");
    for (const char* name : {"S1", "ST"}) {
      const json got = lastOutput(w.runner(), "sobol", name);
      QVERIFY2(got.size() == 2, got.dump().c_str());
      for (std::size_t i = 0; i < 2; ++i)
        QVERIFY2(std::abs(got[i].get<double>() - expected[name][i].get<double>()) < 1e-5,
                 got.dump().c_str());
    }
    QCOMPARE(lastOutput(w.runner(), "sobol", "evaluations"), json(64));
    t.read(11);
    QCOMPARE(t.c->progress("own-simulator"), TutorialController::Progress::Finished);
  }
  // Show me does every step of tutorial 7 by itself, the file choices with the installed
  // examples folder ("${examples}") and the Test run included.
  void ownSimulatorShowMe() {
#ifdef Q_OS_WIN
    QSKIP("external programs run through fork/exec: POSIX only (core/agents/external)");
#endif
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("own-simulator"));
    t.read(0);
    for (int k = 1; k <= 10; ++k) {
      t.at(k);
      QVERIFY2(!t.c->currentStepMet(),
               qPrintable(QString("step %1 met before Show me").arg(k + 1)));
      QVERIFY(t.overlay->showMeButton()->isEnabled());
      t.overlay->showMeButton()->click();
      QTRY_VERIFY2_WITH_TIMEOUT(t.c->currentStep() == k + 1,
                                qPrintable(QString("Show me did not do step %1").arg(k + 1)),
                                120000);
    }
    QCOMPARE(
        w.document()->step("command")->params["templates"],
        json::array({(MainWindow::examplesDir() + "/external/projectile.in.tpl").toStdString()}));
    t.read(11);
    QCOMPARE(t.c->progress("own-simulator"), TutorialController::Progress::Finished);
  }
};

SCIAGENTS_TEST_MAIN(TestTutorials)

}  // namespace test_tutorials
#include "test_tutorials.moc"
