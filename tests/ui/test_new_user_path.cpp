// Issue 18: the new-user path as a first-time user meets it, at the default window size, driven
// only by the mouse and the keyboard (user_input_util.h): the welcome on a fresh profile, the quick
// start to its end (each step's target on screen and framed), an own damped oscillator from the
// palette and the Properties form, run, and the Sobol tutorial to its end. What is asserted is
// what a user sees: the callout's step, node status, the Results panel, the status bar.
//
// Adding a step: Qt Test cannot drive a QDrag offscreen, so the palette's row is selected with a
// click and added with Enter, the keyboard path the tutorial text offers next to dragging.
#include "isolated_settings.h"
#include "tutorial_test_util.h"
#include "user_input_util.h"

#include "ui/results_panel.h"

#include <QDialog>
#include <QDockWidget>
#include <QListWidget>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTableView>
#include <QToolButton>

#include <cmath>

#include "tests/test_main.h"

namespace test_new_user_path {

using namespace sciagents::ui;
using namespace studio_test;

#define STOP_ON_FAILURE(call)               \
  do {                                      \
    call;                                   \
    if (QTest::currentTestFailed()) return; \
  } while (0)

class TestNewUserPath : public QObject {
  Q_OBJECT

  // The callout's button labelled `text` (Next / Finish), clicked.
  static void clickCallout(TutorialDriver& t, const QString& text) {
    QPushButton* b = buttonLabelled(t.overlay->bubble(), text);
    QVERIFY2(b, qPrintable("the callout has no " + text));
    QVERIFY(b->isEnabled());
    click(b);
  }

  // Searches the palette for `task`, clicks its row (agent `agent`) and presses Enter: a new step,
  // selected, its form in Properties.
  static void addTask(MainWindow& w, const QString& agent, const QString& task) {
    AgentPalette* p = w.palette();
    QLineEdit* search = p->searchField();
    STOP_ON_FAILURE(click(search));
    QTest::keySequence(search, QKeySequence::SelectAll);
    QTest::keyClicks(search, task);
    const QModelIndex row = findRow(p->filterModel(), PaletteModel::TaskRole, task);
    QVERIFY2(row.isValid(), qPrintable("the palette shows no " + task));
    QCOMPARE(row.data(PaletteModel::AgentRole).toString(), agent);
    QVERIFY(row.data(Qt::DisplayRole).toString().contains(task));
    const int before = int(w.document()->stepIds().size());
    STOP_ON_FAILURE(click(p->view()->viewport(), p->view()->visualRect(row).center()));
    QCOMPARE(p->view()->currentIndex(), row);
    QTest::keyClick(p->view(), Qt::Key_Return);
    QTRY_COMPARE(int(w.document()->stepIds().size()), before + 1);
  }

  // Types `text` over the field of `param` in the Properties form and presses Return.
  static void typeParam(MainWindow& w, const QString& param, const QString& text) {
    const QString name = "ParamEditor_" + param;
    QTRY_VERIFY2(TutorialOverlay::findTarget(&w, name), qPrintable("no field " + param));
    auto* ed = qobject_cast<ParamEditor*>(TutorialOverlay::findTarget(&w, name));
    QVERIFY(ed && ed->lineEdit());
    QLineEdit* le = ed->lineEdit();
    if (!whyNotClickable(le, le->rect().center()).isEmpty()) {
      // Below the fold of the form: Tab from the first field on screen until this one has the
      // focus, as a keyboard user does (the form's scroll area brings the focused field up).
      QLineEdit* first = nullptr;
      for (ParamEditor* e : w.properties()->findChildren<ParamEditor*>())
        if (!first && e->lineEdit() &&
            whyNotClickable(e->lineEdit(), e->lineEdit()->rect().center()).isEmpty())
          first = e->lineEdit();
      STOP_ON_FAILURE(click(first));
      for (int i = 0; i < 100 && w.focusWidget() != le; ++i)
        QTest::keyClick(w.focusWidget(), Qt::Key_Tab);
      QCOMPARE(w.focusWidget(), static_cast<QWidget*>(le));
      QVERIFY2(whyNotClickable(le, le->rect().center()).isEmpty(),
               qPrintable(whyNotClickable(le, le->rect().center())));
    }
    typeOver(le, text);
  }

  // The tool bar's Run All button (what the Run steps frame), clicked.
  static void runAll(MainWindow& w) {
    auto* b = qobject_cast<QToolButton*>(TutorialOverlay::findTarget(&w, "RunAction"));
    QVERIFY2(b, "Run All is not a button on screen");
    QCOMPARE(b->text().remove('&'), QString("Run All"));
    click(b);
  }

  // The Results panel's row of output `name`, clicked.
  static void showOutput(MainWindow& w, const QString& name) {
    auto* dock = w.findChild<QDockWidget*>("ResultsDock");
    QTRY_VERIFY(dock->isVisible() && !dock->visibleRegion().isEmpty());
    ResultsPanel* r = w.results();
    QTRY_VERIFY(r->outputRow(name) >= 0);
    QTableView* v = r->outputsView();
    const QModelIndex i = v->model()->index(r->outputRow(name), ResultsPanel::NameColumn);
    click(v->viewport(), v->visualRect(i).center());
    QCOMPARE(r->currentOutput(), name);
  }

 private slots:
  void initTestCase() { isolateSettings("test_new_user_path"); }

  void welcomeQuickStartOscillatorSobol() {
    clearSettings();  // a fresh profile: never run before
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);  // every run computes, as on a first use
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.onboarding()->startup();  // what sciagents-studio's main does once the window is shown
    QCOMPARE(w.size(), QSize(1280, 800));

    // The welcome: Start the quick start.
    QDialog* welcome = nullptr;
    QTRY_VERIFY((welcome = w.findChild<QDialog*>("WelcomeDialog")) && welcome->isVisible());
    STOP_ON_FAILURE(click(buttonLabelled(welcome, "Start the quick start")));
    TutorialDriver t(w);
    QTRY_COMPARE(t.c->activeId(), QString("quick-start"));
    STOP_ON_FAILURE(quickStart(w, t));
    STOP_ON_FAILURE(ownOscillator(w));
    STOP_ON_FAILURE(sobolTutorial(w, t));
  }

 private:
  void quickStart(MainWindow& w, TutorialDriver& t) {
    QCOMPARE(int(t.c->active()->steps.size()), 10);
    STOP_ON_FAILURE(t.at(0));
    STOP_ON_FAILURE(clickCallout(t, "Next"));
    STOP_ON_FAILURE(t.at(1));
    STOP_ON_FAILURE(addTask(w, "ode_pde", "ivp"));
    QTRY_COMPARE(t.c->currentStep(), 2);
    const struct {
      const char* param;
      const char* text;
    } fields[] = {{"rhs", R"js(["-2*y", "-2*exp(-2*t)"])js"},
                  {"states", R"(["y", "exact"])"},
                  {"y0", "[1, 1]"},
                  {"t_span", "[0, 2]"},
                  {"t_eval", R"({"linspace": [0, 2, 21]})"},
                  {"rtol", "1e-8"}};
    for (int k = 2; k < 8; ++k) {
      STOP_ON_FAILURE(t.at(k));
      STOP_ON_FAILURE(typeParam(w, fields[k - 2].param, fields[k - 2].text));
      QTRY_COMPARE(t.c->currentStep(), k + 1);
    }
    STOP_ON_FAILURE(t.at(8));
    STOP_ON_FAILURE(runAll(w));
    QTRY_COMPARE_WITH_TIMEOUT(t.c->currentStep(), 9, 60000);
    QCOMPARE(w.scene()->status("ivp"), NodeStatus::Done);
    STOP_ON_FAILURE(t.at(9));
    // Step 10 asks to select the output y: its plot shows y and exact; at t = 1, e^-2.
    STOP_ON_FAILURE(showOutput(w, "y"));
    QVERIFY(w.results()->currentPlot() && w.results()->currentPlot()->isVisible());
    const auto* y = w.results()->elementsModel();
    QCOMPARE(y->rowCount(), 21);
    QCOMPARE(y->columnCount(), 3);  // t, y, exact
    QCOMPARE(y->item(10, 0)->data(Qt::UserRole).toDouble(), 1.0);
    for (int col = 1; col < 3; ++col) {
      const double v = y->item(10, col)->data(Qt::UserRole).toDouble();
      QVERIFY2(std::abs(v - std::exp(-2.0)) < 1e-6, qPrintable(QString::number(v, 'g', 12)));
    }
    STOP_ON_FAILURE(clickCallout(t, "Finish"));
    QCOMPARE(t.c->currentStep(), -1);
    QVERIFY(!t.overlay->isVisible());
    QVERIFY2(w.statusBar()->currentMessage().startsWith("Tutorial complete"),
             qPrintable(w.statusBar()->currentMessage()));
  }

  // File ▸ New (discarding the quick start's workflow), an ivp step from the palette, the damped
  // oscillator x'' + 0.2 x' + x = 0, x(0) = 1 typed into its form, Run All, its results.
  void ownOscillator(MainWindow& w) {
    bool discarded = false;
    answerNextMessageBox(QMessageBox::Discard, &discarded);
    STOP_ON_FAILURE(chooseMenu(&w, "File", "New"));
    QTRY_VERIFY(discarded);
    QTRY_VERIFY(w.document()->stepIds().isEmpty());
    STOP_ON_FAILURE(addTask(w, "ode_pde", "ivp"));
    const QString id = w.document()->stepIds().value(0);
    STOP_ON_FAILURE(typeParam(w, "rhs", R"(["v", "-x - 0.2*v"])"));
    STOP_ON_FAILURE(typeParam(w, "states", R"(["x", "v"])"));
    STOP_ON_FAILURE(typeParam(w, "y0", "[1, 0]"));
    STOP_ON_FAILURE(typeParam(w, "t_span", "[0, 10]"));
    STOP_ON_FAILURE(typeParam(w, "rtol", "1e-8"));
    STOP_ON_FAILURE(runAll(w));
    QTRY_COMPARE_WITH_TIMEOUT(w.scene()->status(id), NodeStatus::Done, 60000);
    STOP_ON_FAILURE(showOutput(w, "y_final"));
    // x(10) and v(10) of the exact solution: x = e^(-t/10) (cos wt + sin(wt) / (10 w)).
    const double wd = std::sqrt(0.99), t = 10;
    const double x = std::exp(-t / 10) * (std::cos(wd * t) + std::sin(wd * t) / (10 * wd));
    const double v = -std::exp(-t / 10) * std::sin(wd * t) / wd;
    const auto* e = w.results()->elementsModel();
    QCOMPARE(e->rowCount(), 2);
    QVERIFY2(std::abs(e->item(0, 1)->data(Qt::UserRole).toDouble() - x) < 1e-6,
             qPrintable(e->item(0, 1)->text()));
    QVERIFY2(std::abs(e->item(1, 1)->data(Qt::UserRole).toDouble() - v) < 1e-6,
             qPrintable(e->item(1, 1)->text()));
  }

  // Help ▸ Tutorials…, the uncertainty tutorial (the oscillator discarded), to its end.
  void sobolTutorial(MainWindow& w, TutorialDriver& t) {
    STOP_ON_FAILURE(chooseMenu(&w, "Help", "Tutorials…"));
    QDialog* d = nullptr;
    QTRY_VERIFY((d = w.findChild<QDialog*>("TutorialsDialog")) && d->isVisible());
    auto* list = d->findChild<QListWidget*>("TutorialList");
    QListWidgetItem* item = nullptr;
    for (int i = 0; i < list->count(); ++i)
      if (list->item(i)->text().startsWith("Uncertainty: Sobol")) item = list->item(i);
    QVERIFY(item);
    STOP_ON_FAILURE(click(list->viewport(), list->visualItemRect(item).center()));
    bool discarded = false;
    answerNextMessageBox(QMessageBox::Discard, &discarded);
    STOP_ON_FAILURE(click(buttonLabelled(d, "Start / Resume")));
    QTRY_VERIFY(discarded);
    QTRY_COMPARE(t.c->activeId(), QString("uncertainty"));
    STOP_ON_FAILURE(t.at(0));
    STOP_ON_FAILURE(clickCallout(t, "Next"));
    STOP_ON_FAILURE(t.at(1));
    STOP_ON_FAILURE(addTask(w, "uq", "sobol"));
    QTRY_COMPARE(t.c->currentStep(), 2);
    STOP_ON_FAILURE(t.at(2));
    STOP_ON_FAILURE(typeParam(w, "model", "sin(x1) + a*sin(x2)^2 + b*x3^4*sin(x1)"));
    STOP_ON_FAILURE(typeParam(w, "constants", R"({"a": 7, "b": 0.1})"));
    QTRY_COMPARE(t.c->currentStep(), 3);
    STOP_ON_FAILURE(t.at(3));
    QString inputs;
    for (int i = 1; i <= 3; ++i)
      inputs += QStringLiteral(
                    R"(%1{"name": "x%2", "dist": "uniform", "a": -3.14159265, "b": 3.14159265})")
                    .arg(i == 1 ? "" : ", ")
                    .arg(i);
    STOP_ON_FAILURE(typeParam(w, "inputs", "[" + inputs + "]"));
    QTRY_COMPARE(t.c->currentStep(), 4);
    STOP_ON_FAILURE(t.at(4));
    STOP_ON_FAILURE(typeParam(w, "seed", "2026"));
    QTRY_COMPARE(t.c->currentStep(), 5);
    STOP_ON_FAILURE(t.at(5));
    STOP_ON_FAILURE(runAll(w));
    QTRY_COMPARE_WITH_TIMEOUT(t.c->currentStep(), 6, 120000);
    QCOMPARE(w.scene()->status("sobol"), NodeStatus::Done);
    STOP_ON_FAILURE(t.at(6));
    // S1 ≈ (0.31, 0.44, 0) for the Ishigami function, a = 7, b = 0.1.
    STOP_ON_FAILURE(showOutput(w, "S1"));
    const double s1[] = {0.313905, 0.442411, 0.0};
    const auto* e = w.results()->elementsModel();
    QCOMPARE(e->rowCount(), 3);
    for (int i = 0; i < 3; ++i)
      QVERIFY2(std::abs(e->item(i, 1)->data(Qt::UserRole).toDouble() - s1[i]) < 0.05,
               qPrintable(e->item(i, 0)->text() + " " + e->item(i, 1)->text()));
    STOP_ON_FAILURE(clickCallout(t, "Finish"));
    QCOMPARE(t.c->progress("uncertainty"), TutorialController::Progress::Finished);
    QVERIFY(!t.overlay->isVisible());
    QVERIFY2(w.statusBar()->currentMessage().startsWith("Tutorial complete: Uncertainty"),
             qPrintable(w.statusBar()->currentMessage()));
  }
};

SCIAGENTS_TEST_MAIN(TestNewUserPath)

}  // namespace test_new_user_path
#include "test_new_user_path.moc"
