// Onboarding and the tutorial engine's controls on the real window: shipped tutorials load and
// their conditions are well formed; resume after a restart (a new MainWindow on the same
// settings); Skip; Back; "Show me" performs a step through undoable commands; the welcome only on
// the first run (and its Skip counts as skipping the quick start); Help ▸ Tutorials; the examples
// gallery; F1 opens the selected agent's page; "What's new" once per version.
#include "isolated_settings.h"
#include "tutorial_test_util.h"

#include "core/agent/agent_registry.h"
#include "core/util/version.h"
#include "ui/canvas_view.h"
#include "ui/example_catalog.h"
#include "ui/sweep_editor.h"
#include "ui/tutorial/agent_docs.h"
#include "ui/tutorial/example_card_delegate.h"
#include "ui/tutorial/help_dock.h"
#include "ui/tutorial/tutorial_condition.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QUndoStack>

#include "tests/test_main.h"

namespace test_onboarding {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {
QList<QDialog*> visibleDialogs(QWidget* w, const QString& name) {
  QList<QDialog*> out;
  for (QDialog* d : w->findChildren<QDialog*>(name))
    if (d->isVisible()) out << d;
  return out;
}
}  // namespace

class TestOnboarding : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_onboarding"); }
  void init() { clearSettings(); }

  void shippedTutorialsLoad() {
    const auto all = loadTutorials();
    QStringList ids;
    for (const auto& t : all) {
      ids << t.id;
      QVERIFY2(QFile::exists(MainWindow::examplesDir() + "/" + t.example),
               qPrintable(t.id + ": example " + t.example));
      for (const auto& s : t.steps) QCOMPARE(checkCondition(s.condition), QString());
    }
    QCOMPARE(ids, (QStringList{"quick-start", "chain-steps", "sweeps", "uncertainty", "remote",
                               "validate-profile", "own-simulator"}));
    // Bad tutorials are refused with the file, the step and the problem.
    const auto bad = json::parse(
        R"({"id": "x", "title": "X", "steps": [{"text": "a"}, {"text": "b", "condition": {"type": "nope"}}]})");
    try {
      tutorialFromJson(bad, "x.json");
      QFAIL("accepted an unknown condition");
    } catch (const std::exception& e) {
      QVERIFY2(QString(e.what()).contains("x.json: step 2, condition: unknown type 'nope'"),
               e.what());
    }
    QVERIFY(!checkCondition(json::parse(R"({"type": "link", "from_task": "a.b"})")).isEmpty());
  }

  void resumeAfterRestart() {
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      w.onboarding()->startup();  // the first run: the welcome starts the quick start
      const auto welcome = visibleDialogs(&w, "WelcomeDialog");
      QCOMPARE(welcome.size(), 1);
      welcome[0]->findChild<QPushButton*>("StartQuickStart")->click();
      TutorialDriver t(w);
      QCOMPARE(t.c->activeId(), QString("quick-start"));
      t.read(0);
      t.complete(1, {t.add("ode_pde", "ivp")});
      QCOMPARE(t.c->currentStep(), 2);
    }
    MainWindow w(sciagents::core::AgentRegistry::builtin());  // "restart": same settings
    TutorialController* c = w.onboarding()->tutorials();
    QCOMPARE(c->activeId(), QString("quick-start"));
    QCOMPARE(c->currentStep(), 2);
    QCOMPARE(c->progress("quick-start"), TutorialController::Progress::InProgress);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.onboarding()->startup();
    QVERIFY(w.onboarding()->overlay()->isVisible());
    QCOMPARE(w.onboarding()->overlay()->progressLabel()->text(), QString("Step 3 of 10"));
    QVERIFY(visibleDialogs(&w, "WelcomeDialog").isEmpty());  // not a first run
    // Help ▸ Tutorials shows the progress; Restart begins again at step 1.
    QDialog* d = w.onboarding()->showTutorials();
    auto* list = d->findChild<QListWidget*>("TutorialList");
    QVERIFY(list->item(0)->text().contains("step 3 of 10"));
    QVERIFY(list->item(5)->text().contains("not in this build yet") ||
            !sciagents::core::AgentRegistry::builtin()
                 .task("performance_profiler", "profile")
                 ->planned());
    list->setCurrentRow(0);
    d->findChild<QPushButton*>("RestartTutorial")->click();
    QCOMPARE(c->currentStep(), 0);
  }

  void skipAndBack() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QSignalSpy ended(t.c, &TutorialController::tutorialFinishedOrSkipped);
    QSignalSpy skipped(t.c, &TutorialController::tutorialSkipped);
    QVERIFY(t.c->start("quick-start"));
    QVERIFY(!t.overlay->backButton()->isEnabled());
    t.read(0);
    t.complete(1, {t.add("ode_pde", "ivp")});
    // Back: the previous step is already met, so Next is enabled and nothing fires again.
    QSignalSpy completed(t.c, &TutorialController::stepCompleted);
    t.overlay->backButton()->click();
    QCOMPARE(t.c->currentStep(), 1);
    QVERIFY(t.c->currentStepMet());
    QVERIFY(t.overlay->nextButton()->isEnabled());
    QVERIFY(!t.overlay->showMeButton()->isEnabled());
    t.overlay->nextButton()->click();
    QCOMPARE(t.c->currentStep(), 2);
    QVERIFY(!t.overlay->nextButton()->isEnabled());  // rhs not set yet
    t.overlay->nextButton()->click();                // (ignored while disabled)
    t.c->next();                                     // nor can the controller be pushed on
    QCOMPARE(t.c->currentStep(), 2);
    QCOMPARE(completed.size(), 0);
    // Skip leaves the tutorial, says so once, and keeps it listed as skipped.
    t.overlay->skipButton()->click();
    QCOMPARE(t.c->currentStep(), -1);
    QVERIFY(!t.overlay->isVisible());
    QCOMPARE(ended.size(), 1);
    QCOMPARE(skipped.size(), 1);
    QCOMPARE(ended.at(0).at(0).toString(), QString("quick-start"));
    QCOMPARE(t.c->progress("quick-start"), TutorialController::Progress::Skipped);
    QVERIFY(w.onboarding()
                ->showTutorials()
                ->findChild<QListWidget*>("TutorialList")
                ->item(0)
                ->text()
                .contains("skipped"));
  }

  void showMeIsUndoable() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QUndoStack* undo = w.document()->undoStack();
    QVERIFY(t.c->start("sweeps"));
    t.read(0);
    // Show me adds the step: one undoable command; undo removes it (and the step is not met again).
    QSignalSpy completed(t.c, &TutorialController::stepCompleted);
    QVERIFY(t.overlay->showMeButton()->isEnabled());
    t.overlay->showMeButton()->click();
    QCOMPARE(completed.size(), 1);
    QCOMPARE(w.document()->stepIds(), QStringList{"ivp"});
    QCOMPARE(t.c->currentStep(), 2);
    // Six parameters in one go, one undo entry.
    const int before = undo->count();
    t.overlay->showMeButton()->click();
    QCOMPARE(completed.size(), 2);
    QCOMPARE(undo->count(), before + 1);
    QCOMPARE(docJson(w.document())["steps"][0]["params"]["constants"], json::parse(R"({"k": 1})"));
    // The sweep through the same command as the sweep editor's.
    t.overlay->showMeButton()->click();
    QCOMPARE(completed.size(), 3);
    QCOMPARE(t.c->currentStep(), 4);
    QVERIFY(w.document()->step("ivp")->sweep);
    QCOMPARE(w.properties()->sweepEditor()->valuesEdit()->text(),
             QString(R"({"linspace":[0.5,2,4]})"));
    undo->undo();
    QVERIFY(!w.document()->step("ivp")->sweep);
    undo->undo();
    QVERIFY(!w.document()->step("ivp")->params.contains("rhs"));
    undo->undo();
    QVERIFY(w.document()->stepIds().isEmpty());
    QCOMPARE(t.c->currentStep(), 4);  // undoing does not rewind the tutorial: Back does
  }

  // A run's result counts only while the document is unchanged since the run.
  void resultsGoStaleOnEdit() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialDriver t(w);
    QVERIFY(t.c->start("sweeps"));
    t.read(0);
    for (int k = 1; k <= 3; ++k) t.overlay->showMeButton()->click();
    QCOMPARE(t.c->currentStep(), 4);
    t.complete(4, {t.run()});
    QVERIFY(!QTest::currentTestFailed());
    t.overlay->backButton()->click();
    QCOMPARE(t.c->currentStep(), 4);
    QVERIFY(t.c->currentStepMet());
    QVERIFY(w.document()->setParam("ivp", "rtol",
                                   1e-6));  // the result no longer describes the workflow
    QVERIFY(!t.c->currentStepMet());
    QVERIFY(!t.overlay->nextButton()->isEnabled());
    w.document()->undoStack()->undo();  // nor after undoing: only a new run counts
    QVERIFY(!t.c->currentStepMet());
  }

  void welcomeOnFirstRunOnly() {
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      QSignalSpy ended(w.onboarding()->tutorials(), &TutorialController::tutorialFinishedOrSkipped);
      w.onboarding()->startup();
      const auto welcome = visibleDialogs(&w, "WelcomeDialog");
      QCOMPARE(welcome.size(), 1);
      QVERIFY(visibleDialogs(&w, "WhatsNewDialog").isEmpty());  // nothing is "new" on a first run
      welcome[0]->findChild<QPushButton*>("SkipWelcome")->click();
      QVERIFY(visibleDialogs(&w, "WelcomeDialog").isEmpty());
      QCOMPARE(ended.size(), 1);
      QCOMPARE(ended.at(0).at(0).toString(), QString("quick-start"));
      // Never lost: Help ▸ Welcome… and Help ▸ Tutorials… are in the menu.
      QStringList help;
      for (QAction* a : w.helpMenu()->actions()) help << a->text();
      QVERIFY2(help.contains("&Tutorials…") && help.contains("&Welcome…"),
               qPrintable(help.join(", ")));
      QVERIFY(w.menuBar()->actions().last()->menu() == w.helpMenu());
    }
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.onboarding()->startup();
    QVERIFY(visibleDialogs(&w, "WelcomeDialog").isEmpty());
    QVERIFY(visibleDialogs(&w, "WhatsNewDialog").isEmpty());
    // Starting the quick start from the welcome (opened again from the Help menu).
    QDialog* again = w.onboarding()->showWelcome();
    again->findChild<QPushButton*>("StartQuickStart")->click();
    QCOMPARE(w.onboarding()->tutorials()->activeId(), QString("quick-start"));
    QVERIFY(w.onboarding()->overlay()->isVisible());
  }

  void whatsNewOncePerVersion() {
    QSettings().setValue("onboarding/welcomeShown", true);
    QSettings().setValue("onboarding/lastVersion", "0.0.0-older");
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      w.onboarding()->startup();
      const auto news = visibleDialogs(&w, "WhatsNewDialog");
      QCOMPARE(news.size(), 1);
      QVERIFY(news[0]->windowTitle().contains(sciagents::kVersion));
      const QString text = news[0]->findChild<QTextBrowser*>("WhatsNewText")->toPlainText();
      QVERIFY2(text.contains("Guided tutorials"), qPrintable(text));
      QVERIFY(visibleDialogs(&w, "WelcomeDialog").isEmpty());
    }
    QCOMPARE(QSettings().value("onboarding/lastVersion").toString(), QString(sciagents::kVersion));
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.onboarding()->startup();
    QVERIFY(visibleDialogs(&w, "WhatsNewDialog").isEmpty());
  }

  void f1OpensTheAgentPage() {
    // F1 shows the page in Studio's Help dock; the desktop's opener is used only on request (it
    // printed "Unable to detect a launcher" and showed nothing where no browser is installed).
    QList<QUrl> opened;
    setUrlOpener([&](const QUrl& u) {
      opened << u;
      return true;
    });
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(!addFromPalette(w, "ode_pde", "ivp").isEmpty());
    // F1 in the step's property form.
    QLineEdit* rhs = w.properties()->editor("rhs")->lineEdit();
    rhs->setFocus();
    QTest::keyClick(rhs, Qt::Key_F1);
    HelpDock* help = w.findChild<HelpDock*>("HelpDock");
    QVERIFY(help);
    QTRY_VERIFY(help->isVisible());
    QVERIFY(opened.isEmpty());
    const QUrl page = help->page();
    QVERIFY2(page.isLocalFile() && page.toLocalFile().endsWith("/docs/agents/ode_pde.md"),
             qPrintable(page.toString()));
    QVERIFY(QFile::exists(page.toLocalFile()));
    // The markdown is rendered (headings, no raw "#"), and it is the ode_pde page.
    const QString text = help->browser()->toPlainText();
    QVERIFY2(text.contains("ivp") && !text.startsWith("#"), qPrintable(text.left(200)));
    QVERIFY(help->browser()->document()->blockCount() > 10);
    // "Open in Browser" hands the same page to the desktop.
    QTest::mouseClick(help->findChild<QPushButton*>("HelpOpenExternal"), Qt::LeftButton);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened[0], page);
    // F1 on a selected node of an assistant agent: its family page.
    QVERIFY(!addFromPalette(w, "executor_validator", "validate").isEmpty());
    w.view()->setFocus();
    QTest::keyClick(w.view()->viewport(), Qt::Key_F1);
    QVERIFY2(help->page().toLocalFile().endsWith("/docs/agents/assistants.md"),
             qPrintable(help->page().toString()));
    QVERIFY(help->browser()->toPlainText().contains("validate"));
    // Nothing selected: the generated reference.
    w.scene()->selectSteps({});
    w.properties()->setStep({});
    QCOMPARE(w.onboarding()->openAgentDocs().fileName(), QString("agents.md"));
    QCOMPARE(help->page().fileName(), QString("agents.md"));
    QVERIFY(!help->browser()->toPlainText().isEmpty());
    // Links: a page of docs/ opens in the dock (relative to the page shown, Back returns); a web
    // link goes to the desktop opener.
    const QUrl la = QUrl::fromLocalFile(docsDir() + "/agents/linear_algebra.md");
    help->showPage(la);
    emit help->browser()->anchorClicked(QUrl("../agents.md#linear_algebra"));
    QCOMPARE(help->page().adjusted(QUrl::RemoveFragment | QUrl::NormalizePathSegments),
             QUrl::fromLocalFile(QDir(docsDir()).absoluteFilePath("agents.md")));
    QVERIFY(help->findChild<QPushButton*>("HelpBack")->isEnabled());
    QTest::mouseClick(help->findChild<QPushButton*>("HelpBack"), Qt::LeftButton);
    QCOMPARE(help->page(), la);
    emit help->browser()->anchorClicked(QUrl("https://example.org/x"));
    QCOMPARE(opened.size(), 2);
    QCOMPARE(opened[1], QUrl("https://example.org/x"));
    QCOMPARE(help->page(), la);
    setUrlOpener(nullptr);
  }

  // Issue 18 item 10: the gallery as cards under category headers (tutorials first, in order),
  // every offered example in exactly one category, no test case; a category list that jumps to a
  // section; a search that filters as you type; File > Examples as one submenu per category.
  void examplesGallery() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QDialog* d = w.onboarding()->showExamplesGallery();
    QVERIFY(QTest::qWaitForWindowExposed(d));
    QCOMPARE(d->objectName(), QString("ExamplesGallery"));
    auto* cards = d->findChild<QListWidget*>("ExampleCards");
    auto* categories = d->findChild<QListWidget*>("ExampleCategories");
    QVERIFY(cards && categories);
    QCOMPARE(d->findChild<QListWidget*>(), cards);  // what older tests find first

    // Headers are the items without a file; every card lies under one.
    QStringList headers;
    QHash<QString, QString> categoryOf;  // file -> header
    QStringList tutorials;
    for (int i = 0; i < cards->count(); ++i) {
      QListWidgetItem* item = cards->item(i);
      const QString path = item->data(ExampleCardDelegate::PathRole).toString();
      if (path.isEmpty()) {
        QVERIFY(!(item->flags() & Qt::ItemIsSelectable));
        QVERIFY2(!headers.contains(item->text()), qPrintable(item->text()));  // one section each
        headers << item->text();
        continue;
      }
      QVERIFY(!headers.isEmpty());
      const QString file = QFileInfo(path).fileName();
      QCOMPARE(item->toolTip(), file);
      QCOMPARE(item->data(ExampleCardDelegate::CategoryRole).toString(), headers.last());
      QVERIFY2(!categoryOf.contains(file), qPrintable(file));
      categoryOf.insert(file, headers.last());
      QVERIFY(!item->data(ExampleCardDelegate::AgentsRole).toStringList().isEmpty());
      if (headers.last() == "Tutorials") {
        QVERIFY2(file.startsWith("tutorial-"), qPrintable(file));
        tutorials << item->data(ExampleCardDelegate::TagRole).toString();
        QVERIFY(item->text().startsWith(tutorials.last() + ":"));
      }
    }
    QVERIFY2(headers.size() >= 8, qPrintable(headers.join(", ")));
    QCOMPARE(headers.first(), QString("Tutorials"));
    QVERIFY(tutorials.size() >= 6);  // tutorial-*.workflow.json (the seventh opens its own file)
    for (int k = 0; k < tutorials.size(); ++k)
      QCOMPARE(tutorials[k], QString("Tutorial %1").arg(k + 1));

    // Cards sit side by side as far as the width allows, filling the row; a header has its own.
    d->resize(1200, 700);
    const auto rect = [&](int row) { return cards->visualItemRect(cards->item(row)); };
    QTRY_VERIFY(cards->viewport()->width() >= 3 * (ExampleCardDelegate::kMinCardWidth + 12));
    QTRY_COMPARE(rect(2).top(), rect(1).top());  // relaid out 100 ms after the resize
    QCOMPARE(rect(3).top(), rect(1).top());
    QVERIFY(rect(3).right() < cards->viewport()->width());
    QVERIFY(rect(3).right() > cards->viewport()->width() - 30);
    QVERIFY(rect(0).bottom() < rect(1).top());
    QVERIFY(qAbs(rect(0).right() - rect(3).right()) <= 6);  // the row is as wide as its header

    // Every example is offered except the test cases ("ui": {"gallery": false}).
    const QDir dir(MainWindow::examplesDir());
    int testCases = 0;
    for (const QString& f : dir.entryList({"*.workflow.json"})) {
      QFile file(dir.filePath(f));
      QVERIFY(file.open(QIODevice::ReadOnly));
      const json j = json::parse(file.readAll().toStdString());
      const bool testCase = j.contains("ui") && j["ui"].value("gallery", true) == false;
      testCases += testCase;
      QVERIFY2(categoryOf.contains(f) != testCase, qPrintable(f));
    }
    QVERIFY(testCases >= 6);
    QVERIFY(!categoryOf.contains("opt-bad-nan.workflow.json"));
    QCOMPARE(categoryOf.value("ode-decay.workflow.json"), QString("ODE & PDE"));
    QCOMPARE(categoryOf.value("opt-rosenbrock.workflow.json"), QString("Optimisation & fitting"));
    QCOMPARE(categoryOf.value("uq-ode-sobol.workflow.json"), QString("Uncertainty & sensitivity"));
    QCOMPARE(categoryOf.value("external-sobol.workflow.json"), QString("External programs"));
    QCOMPARE(categoryOf.value("diamond.workflow.json"), QString("Workflows"));  // its own "ui"

    // The category list names the same sections with their counts; a click jumps there.
    QCOMPARE(categories->count(), int(headers.size()));
    for (int k = 0; k < categories->count(); ++k)
      QCOMPARE(categories->item(k)->text(),
               QString("%1  (%2)").arg(headers[k]).arg(categoryOf.keys(headers[k]).size()));
    const int opt = int(headers.indexOf("Optimisation & fitting"));
    QTest::mouseClick(categories->viewport(), Qt::LeftButton, {},
                      categories->visualItemRect(categories->item(opt)).center());
    QCOMPARE(cards->currentItem()->data(ExampleCardDelegate::CategoryRole).toString(),
             headers[opt]);
    QCOMPARE(categories->currentRow(), opt);
    QVERIFY(cards->visualItemRect(cards->item(0)).bottom() < 0);  // Tutorials scrolled away
    cards->scrollToTop();  // and the list follows the scrolling
    QCOMPARE(categories->currentRow(), 0);

    // The search filters cards (and the empty sections) as you type.
    auto* search = d->findChild<QLineEdit*>("ExampleSearch");
    QVERIFY(search);
    QTest::keyClicks(search, "lorenz");
    QStringList shown, shownHeaders;
    for (int i = 0; i < cards->count(); ++i)
      if (!cards->item(i)->isHidden())
        (cards->item(i)->data(ExampleCardDelegate::PathRole).toString().isEmpty() ? shownHeaders
                                                                                  : shown)
            << cards->item(i)->toolTip();
    QCOMPARE(shown, QStringList({"ode-lorenz.workflow.json", "inverse-enkf-lorenz.workflow.json"}));
    QCOMPARE(shownHeaders.size(), 2);
    QVERIFY(!cards->currentItem()->isHidden());
    QVERIFY(d->findChild<QLabel*>("ExampleHint")->text().startsWith("Double-click"));
    QTest::keyClicks(search, "x-no-such-example");
    QCOMPARE(d->findChild<QLabel*>("ExampleHint")->text(),
             QString("No example matches “lorenzx-no-such-example”."));
    QVERIFY(!d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Open)->isEnabled());
    search->clear();
    for (int i = 0; i < cards->count(); ++i) QVERIFY(!cards->item(i)->isHidden());

    // File > Examples: one submenu per category, in the gallery's order, names not file slugs.
    const QList<QAction*> menu = w.examplesMenu()->actions();
    QCOMPARE(menu.size(), int(headers.size()));
    for (int k = 0; k < menu.size(); ++k) {
      QVERIFY(menu[k]->menu());
      QCOMPARE(menu[k]->text().replace("&&", "&"), headers[k]);
      QStringList files;
      for (QAction* a : menu[k]->menu()->actions()) {
        QVERIFY(!a->text().endsWith(".workflow.json"));
        QCOMPARE(categoryOf.value(a->toolTip()), headers[k]);
        files << a->toolTip();
      }
      QCOMPARE(files.size(), int(categoryOf.keys(headers[k]).size()));
    }
    QVERIFY(menu[0]->menu()->actions()[0]->text().startsWith("Tutorial 1"));

    // Double-clicking a card opens its file.
    QListWidgetItem* quick = nullptr;
    for (int i = 0; i < cards->count(); ++i)
      if (cards->item(i)->text().startsWith("Tutorial 1: quick start")) quick = cards->item(i);
    QVERIFY(quick);
    QCOMPARE(quick->data(ExampleCardDelegate::TitleRole).toString(), QString("Quick start"));
    QVERIFY(quick->data(ExampleCardDelegate::DescriptionRole).toString().contains("e^(-2t)"));
    cards->scrollToItem(quick);
    const QPoint at = cards->visualItemRect(quick).center();
    QSignalSpy dbl(cards, &QListWidget::itemDoubleClicked);
    QTest::mouseClick(cards->viewport(), Qt::LeftButton, {},
                      at);  // a double click is a click, then the second press
    QTest::mouseDClick(cards->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(dbl.size(), 1);
    QVERIFY(!d->isVisible());
    QVERIFY(w.document()->filePath().endsWith("tutorial-quick-start.workflow.json"));
    QCOMPARE(w.document()->stepIds(), QStringList{"ivp"});

    // Open with a searched-for card opens that one; the menu opens the file it names.
    d = w.onboarding()->showExamplesGallery();
    QVERIFY(QTest::qWaitForWindowExposed(d));
    search = d->findChild<QLineEdit*>("ExampleSearch");
    QTest::keyClicks(search, "rosenbrock 100-d");
    cards = d->findChild<QListWidget*>("ExampleCards");
    QCOMPARE(cards->currentItem()->toolTip(), QString("opt-rosenbrock-100d.workflow.json"));
    QTest::keyClick(search, Qt::Key_Down);  // from the search to the cards
    QTRY_VERIFY(cards->hasFocus());
    // The arrow keys step over the category headers.
    search->clear();
    const int firstOde =
        int(cards->row(cards->findItems("Exponential decay", Qt::MatchExactly)[0]));
    QVERIFY(cards->item(firstOde - 1)->data(ExampleCardDelegate::PathRole).toString().isEmpty());
    cards->setCurrentRow(firstOde);
    QTest::keyClick(cards, Qt::Key_Left);
    QCOMPARE(cards->currentRow(), firstOde - 2);  // Tutorial 6, not the ODE & PDE header
    QTest::keyClick(cards, Qt::Key_Right);
    QCOMPARE(cards->currentRow(), firstOde);
    search->setText("rosenbrock 100-d");
    d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Open)->click();
    QVERIFY(w.document()->filePath().endsWith("opt-rosenbrock-100d.workflow.json"));
    for (QAction* a : menu[1]->menu()->actions())
      if (a->toolTip() == "ode-decay.workflow.json") a->trigger();
    QVERIFY(w.document()->filePath().endsWith("ode-decay.workflow.json"));
  }

  // The category of an example without its own: the most specific agent of its steps.
  void exampleCategoryFromAgents() {
    QCOMPARE(exampleCategories().first(), QString("Tutorials"));
    QCOMPARE(exampleCategoryForAgents({"ode_pde"}), QString("ODE & PDE"));
    QCOMPARE(exampleCategoryForAgents({"ode_pde", "uq"}), QString("Uncertainty & sensitivity"));
    QCOMPARE(exampleCategoryForAgents({"ode_pde", "inverse"}), QString("Inverse problems"));
    QCOMPARE(exampleCategoryForAgents({"linear_algebra", "workflow_orchestration"}),
             QString("Workflows"));
    QCOMPARE(exampleCategoryForAgents({"external", "uq"}), QString("External programs"));
    QCOMPARE(exampleCategoryForAgents({"surrogate", "uq"}), QString("Surrogates & ML"));
    QCOMPARE(exampleCategoryForAgents({"optimization"}), QString("Optimisation & fitting"));
    QCOMPARE(exampleCategoryForAgents({"no_such_agent"}), QString("Workflows"));
    for (const char* agents : {"integration", "special_functions", "linear_algebra",
                               "physics_informed_ml", "performance_profiler"})
      QVERIFY2(exampleCategories().contains(exampleCategoryForAgents({agents})),
               qPrintable(agents));
    // A file's own "ui": {"category"} wins; a tutorial is always under Tutorials.
    QTemporaryDir dir;
    auto write = [&](const QString& name, const QByteArray& text) {
      QFile f(dir.filePath(name));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(text);
    };
    write("a.workflow.json",
          R"({"sciagents": 1, "name": "A", "ui": {"category": "Linear algebra"},
              "steps": [{"id": "s", "agent": "uq", "task": "sobol"}]})");
    write("b.workflow.json",
          R"({"sciagents": 1, "name": "B", "steps": [{"id": "s", "agent": "integration",
              "task": "quad"}, {"id": "t", "agent": "uq", "task": "sobol"}]})");
    write(
        "tutorial-x.workflow.json",
        R"({"sciagents": 1, "name": "Tutorial 2: do it", "steps": [{"id": "s", "agent": "uq"}]})");
    write("c.workflow.json", R"({"sciagents": 1, "name": "C", "ui": {"gallery": false}})");
    const QList<ExampleEntry> all = exampleCatalog(dir.path());
    QCOMPARE(all.size(), 3);
    QCOMPARE(all[0].file, QString("tutorial-x.workflow.json"));
    QCOMPARE(all[0].category, QString("Tutorials"));
    QCOMPARE(all[0].tutorialNumber, 2);
    QCOMPARE(all[0].title, QString("Do it"));
    QCOMPARE(all[1].file, QString("b.workflow.json"));
    QCOMPARE(all[1].category, QString("Uncertainty & sensitivity"));
    QCOMPARE(all[1].agents, QStringList({"integration", "uq"}));
    QCOMPARE(all[2].category, QString("Linear algebra"));
  }
};

SCIAGENTS_TEST_MAIN(TestOnboarding)

}  // namespace test_onboarding
#include "test_onboarding.moc"
