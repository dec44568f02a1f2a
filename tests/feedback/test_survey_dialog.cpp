// Studio's survey UI on the offscreen platform: every shipped survey renders with the right widget
// per question type; Submit with required answers missing is blocked with inline messages; a
// complete submission queues one response whose JSON the core validates; the triggers (welcome
// after a tutorial, mid-point after N successful runs, Later / Never persisted), the Help menu,
// and the privacy dialog (analytics off on a fresh profile, viewer, delete-all), including a real
// run whose expression text never reaches the queue.
#include "../ui/isolated_settings.h"
#include "survey_fill.h"

#include "core/agent/agent_registry.h"
#include "core/feedback/survey.h"
#include "core/store/feedback_outbox.h"
#include "core/util/clock.h"
#include "ui/feedback/feedback_controller.h"
#include "ui/feedback/privacy_dialog.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"

#include <QCheckBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "tests/test_main.h"

namespace test_survey_dialog {

using namespace sciagents;
using namespace sciagents::ui;
using core::feedback::QuestionType;
using nlohmann::json;

class TestSurveyDialog : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  int m_n = 0;
  std::string outboxFile() {
    return m_dir.filePath(QStringLiteral("outbox%1.db").arg(++m_n)).toStdString();
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_survey_dialog"); }
  void init() {
    QSettings().clear();  // a fresh profile for every test
    QFile::remove(FeedbackController::defaultOutboxFile());
  }

  void everySurveyRendersEachType_data() {
    QTest::addColumn<QString>("survey");
    for (const auto& s : core::feedback::builtinSurveys())
      QTest::newRow(s.id.c_str()) << QString::fromStdString(s.id);
  }
  void everySurveyRendersEachType() {
    QFETCH(QString, survey);
    const auto* s =
        core::feedback::findSurvey(core::feedback::builtinSurveys(), survey.toStdString());
    core::store::FeedbackOutbox box(outboxFile());
    SurveyDialog d(*s, &box, true);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    for (const auto& q : s->questions) {
      const std::string n = "q_" + q.id;
      QVERIFY2(d.questionWidget(QString::fromStdString(q.id)), n.c_str());
      switch (q.type) {
        case QuestionType::SingleChoice:
          for (const auto& o : q.options)
            QVERIFY(survey_fill::child<QRadioButton>(&d, n + "_" + o.id));
          break;
        case QuestionType::MultipleChoice:
          for (const auto& o : q.options)
            QVERIFY(survey_fill::child<QCheckBox>(&d, n + "_" + o.id));
          break;
        case QuestionType::Ranking:
          QCOMPARE(survey_fill::child<QListWidget>(&d, n)->count(), int(q.options.size()));
          QCOMPARE(survey_fill::child<QListWidget>(&d, n)->dragDropMode(),
                   QAbstractItemView::InternalMove);
          break;
        case QuestionType::Stars:
          QVERIFY(survey_fill::child<QToolButton>(&d, n + "_1") &&
                  survey_fill::child<QToolButton>(&d, n + "_5"));
          QVERIFY(!survey_fill::child<QToolButton>(&d, n + "_0"));
          break;
        case QuestionType::Nps:
          QVERIFY(survey_fill::child<QToolButton>(&d, n + "_0") &&
                  survey_fill::child<QToolButton>(&d, n + "_10"));
          break;
        case QuestionType::YesNo:
          QVERIFY(survey_fill::child<QRadioButton>(&d, n + "_yes"));
          QCOMPARE(survey_fill::child<QLineEdit>(&d, n + "_details") != nullptr, q.details);
          break;
        case QuestionType::Text:
          QVERIFY(survey_fill::child<QPlainTextEdit>(&d, n));
          break;
      }
    }
    QVERIFY(d.findChild<QPushButton*>("never"));
    // Nothing answered: Submit is blocked, each required question shows its message.
    QVERIFY(!d.submit());
    QVERIFY(d.isVisible());
    QVERIFY(d.findChild<QLabel*>("surveyStatus")->isVisible());
    int required = 0;
    for (const auto& q : s->questions) {
      auto* w = d.questionWidget(QString::fromStdString(q.id));
      const bool needs = q.required && q.type != QuestionType::Ranking;
      required += needs;
      QCOMPARE(w->issue().isEmpty(), !needs);
      if (needs) QCOMPARE(w->issue(), QStringLiteral("an answer is required"));
    }
    QVERIFY(required > 0);
    QCOMPARE(box.pending().size(), std::size_t(0));
    // Answering clears the messages; the response carries exactly the answers given.
    const json expected = survey_fill::answerAll(&d, true);
    for (const auto& q : s->questions)
      QVERIFY(d.questionWidget(QString::fromStdString(q.id))->issue().isEmpty());
    QCOMPARE(d.answers(), expected);
    QVERIFY(d.submit());
    QCOMPARE(d.result(), int(SurveyDialog::Submitted));
    const auto items = box.pending();
    QCOMPARE(items.size(), std::size_t(1));
    const json doc = json::parse(items[0].body);
    QCOMPARE(doc["answers"], expected);
    QCOMPARE(doc["survey"].get<std::string>(), survey.toStdString());
    QCOMPARE(doc["response_id"].get<std::string>(), items[0].id);
    const auto issues = core::feedback::validateResponse(doc, core::feedback::builtinSurveys());
    QVERIFY2(issues.empty(), core::feedback::describe(issues).c_str());
  }

  void allQuestionsAnswered() {
    const auto* s = core::feedback::findSurvey(core::feedback::builtinSurveys(), "final");
    core::store::FeedbackOutbox box(outboxFile());
    SurveyDialog d(*s, &box, false);
    d.show();
    QVERIFY(!d.findChild<QPushButton*>("never"));
    const json expected = survey_fill::answerAll(&d, false, QStringLiteral("a, \"quoted\" answer"));
    QCOMPARE(d.answers(), expected);
    QCOMPARE(expected["satisfaction"].get<int>(), 4);
    QCOMPARE(expected["production_use"]["details"].get<std::string>(),
             std::string("a, \"quoted\" answer"));
    // Stars fill up to the chosen one.
    QCOMPARE(survey_fill::child<QToolButton>(&d, "q_satisfaction_4")->text(), QStringLiteral("★"));
    QCOMPARE(survey_fill::child<QToolButton>(&d, "q_satisfaction_5")->text(), QStringLiteral("☆"));
    // A picture of the answered survey for people to look at: <build>/screenshots/.
    QDir().mkpath(SCIAGENTS_BINARY_DIR "/screenshots");
    const QString png = QStringLiteral(SCIAGENTS_BINARY_DIR "/screenshots/survey-final-%1.png")
                            .arg(QGuiApplication::platformName());
    QVERIFY(d.grab().save(png));
    qInfo("saved %s", qPrintable(png));
    QVERIFY(d.submit());
    QCOMPARE(json::parse(box.pending().at(0).body)["answers"], expected);
  }

  void triggersRespectLaterAndNever() {
    QSettings().setValue("feedback/midpoint_after_runs", 2);
    // The counts and states alone; the one-offer-a-day limit has its own test below.
    QSettings().setValue("feedback/min_hours_between_offers", 0);
    QWidget window;
    FeedbackController c(&window, QString::fromStdString(outboxFile()));
    QCOMPARE(c.midpointRuns(), 2);
    c.onRunFinished(true, nullptr);
    QVERIFY(!c.currentSurvey());
    c.onRunFinished(false, nullptr);  // failures do not count
    QVERIFY(!c.currentSurvey());
    c.onRunFinished(true, nullptr);
    QVERIFY(c.currentSurvey());
    QCOMPARE(c.currentSurvey()->survey().id, std::string("midpoint"));
    c.currentSurvey()->findChild<QPushButton*>("later")->click();
    QTRY_VERIFY(!c.currentSurvey());
    QCOMPARE(c.surveyState("midpoint"), QStringLiteral("later"));
    c.onRunFinished(true, nullptr);  // 3 runs: asked again only after 2 more
    QVERIFY(!c.currentSurvey());
    c.onRunFinished(true, nullptr);
    QVERIFY(c.currentSurvey());
    c.currentSurvey()->findChild<QPushButton*>("never")->click();
    QTRY_VERIFY(!c.currentSurvey());
    QCOMPARE(c.surveyState("midpoint"), QStringLiteral("never"));
    for (int i = 0; i < 5; ++i) c.onRunFinished(true, nullptr);
    QVERIFY(!c.currentSurvey());  // never again (and the final survey waits for 20 runs / 14 days)
    QCOMPARE(c.successfulRuns(), 9);
    // Welcome: after the first tutorial is finished or skipped; submitted means done.
    c.onTutorialFinishedOrSkipped();
    QVERIFY(!c.currentSurvey());  // not the instant the tutorial ends
    QTRY_VERIFY(c.currentSurvey());
    QCOMPARE(c.currentSurvey()->survey().id, std::string("welcome"));
    survey_fill::answerAll(c.currentSurvey(), true);
    c.currentSurvey()->findChild<QPushButton*>("submit")->click();
    QTRY_VERIFY(!c.currentSurvey());
    QCOMPARE(c.surveyState("welcome"), QStringLiteral("done"));
    c.onTutorialFinishedOrSkipped();
    QVERIFY(!c.currentSurvey());
    // Persisted: a new controller (a restarted Studio) sees the same states.
    FeedbackController again(&window, QString::fromStdString(outboxFile()));
    QCOMPARE(again.surveyState("midpoint"), QStringLiteral("never"));
    again.onTutorialFinishedOrSkipped();
    QVERIFY(!again.currentSurvey());
    for (int i = 0; i < 11; ++i) again.onRunFinished(true, nullptr);  // 20 runs: the final survey
    QVERIFY(again.currentSurvey());
    QCOMPARE(again.currentSurvey()->survey().id, std::string("final"));
    again.currentSurvey()->close();
  }

  void surveysWaitForAPauseAndADay() {
    QSettings().setValue("feedback/midpoint_after_runs", 1);
    QWidget window;
    FeedbackController c(&window, QString::fromStdString(outboxFile()));
    bool busy = true;  // a run or a tutorial step is active
    c.setBusyCheck([&] { return busy; });
    QSignalSpy thanks(&c, &FeedbackController::thanked);
    c.onRunFinished(true, nullptr);  // the trigger fires mid-tutorial: kept, not shown
    QVERIFY(!c.currentSurvey());
    QCOMPARE(c.pendingSurvey(), QStringLiteral("midpoint"));
    c.offerWhenIdle();  // a pause that turns out not to be one: still busy when it ends
    QTest::qWait(2000);
    QVERIFY(!c.currentSurvey());
    QCOMPARE(c.pendingSurvey(), QStringLiteral("midpoint"));
    busy = false;
    c.offerWhenIdle();
    QVERIFY(!c.currentSurvey());  // not the instant the work stops
    QTRY_VERIFY(c.currentSurvey());
    QCOMPARE(c.currentSurvey()->survey().id, std::string("midpoint"));
    QVERIFY(c.pendingSurvey().isEmpty());
    survey_fill::answerAll(c.currentSurvey(), true);
    c.currentSurvey()->findChild<QPushButton*>("submit")->click();
    QTRY_VERIFY(!c.currentSurvey());
    QCOMPARE(thanks.size(), 1);  // Studio shows the thank-you in its status bar
    // The same day, the welcome survey is not offered when the tutorial ends...
    c.onTutorialFinishedOrSkipped();
    QCOMPARE(c.pendingSurvey(), QStringLiteral("welcome"));
    QTRY_VERIFY(c.pendingSurvey().isEmpty());  // the pause ended and the offer was decided...
    QVERIFY(!c.currentSurvey());               // ...against showing it
    // ...a day after the last offer it is.
    QSettings().setValue("feedback/last_offer_us",
                         qint64(sciagents::core::unixMicros() - 25LL * 3600 * 1000000));
    c.onTutorialFinishedOrSkipped();
    QTRY_VERIFY(c.currentSurvey());
    QCOMPARE(c.currentSurvey()->survey().id, std::string("welcome"));
    c.currentSurvey()->close();
  }

  void helpMenuAndPrivacyWithARealRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QMenu* help = w.helpMenu();
    QCOMPARE(help, w.helpMenu());  // created once
    QCOMPARE(w.menuBar()->findChildren<QMenu*>("helpMenu").size(), 1);
    QStringList names;
    for (auto* a : help->actions()) names << a->objectName();
    QVERIFY2(names.contains("actionSendFeedback") && names.contains("actionPrivacy"),
             qPrintable(names.join("|")));
    FeedbackController* c = w.feedback();
    QVERIFY(!c->analyticsEnabled());  // fresh profile: off

    // A run with an expression that must never reach the queue.
    const QString wf = m_dir.filePath("secret.workflow.json");
    {
      std::ofstream f(wf.toStdString());
      f << R"({"sciagents": 1, "name": "secret", "steps": [{"id": "odd_step_name", "agent": "ode_pde", "task": "ivp",
             "params": {"rhs": ["-2.5*y*zeta_secret"], "states": ["y"], "y0": [1.0], "t_span": [0, 1],
                        "constants": {"zeta_secret": 1.0}}}]})";
    }
    QVERIFY(w.openFile(wf));
    QSignalSpy finished(&w, &MainWindow::runFinished);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 60000);
    QVERIFY(finished.at(0).at(0).toBool());
    QCOMPARE(c->outbox().pending().size(), std::size_t(0));  // analytics off: nothing recorded

    c->showPrivacy();
    auto* d = w.findChild<PrivacyDialog*>();
    QVERIFY(d);
    QVERIFY(!d->analyticsToggle()->isChecked());
    d->analyticsToggle()->click();
    QVERIFY(c->analyticsEnabled());
    QVERIFY(QSettings().value("feedback/analytics_enabled").toBool());
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 60000);
    const auto items = c->outbox().pending();
    QCOMPARE(items.size(), std::size_t(1));
    QCOMPARE(items[0].kind, core::store::OutboxKind::Analytics);
    const json ev = json::parse(items[0].body)["event"];
    QCOMPARE(ev["agent"].get<std::string>(), std::string("ode_pde"));
    QCOMPARE(ev["task"].get<std::string>(), std::string("ivp"));
    QCOMPARE(ev["outcome"].get<std::string>(), std::string("succeeded"));
    QVERIFY(ev["duration_ms"].is_number_integer());
    for (const char* secret : {"zeta_secret", "-2.5", "odd_step_name", "secret.workflow"})
      QVERIFY2(items[0].body.find(secret) == std::string::npos, secret);
    // The viewer lists exactly what is queued.
    d->refresh();
    QVERIFY(d->queueView()->toPlainText().contains(QString::fromStdString(items[0].id)));
    QVERIFY(d->queueView()->toPlainText().contains("\"agent\": \"ode_pde\""));
    // Turning it off stops recording.
    d->analyticsToggle()->click();
    QVERIFY(!c->analyticsEnabled());
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 3, 60000);
    QCOMPARE(c->outbox().pending().size(), std::size_t(1));
    // Delete all: analytics go; an unsent survey answer stays unless asked.
    c->outbox().enqueue("00112233445566778899aabbccddeeff", core::store::OutboxKind::Response,
                        "{}");
    d->findChild<QPushButton*>("deleteAll")->click();
    QCOMPARE(c->outbox().pending().size(), std::size_t(1));
    d->findChild<QCheckBox*>("includeAnswers")->click();
    d->findChild<QPushButton*>("deleteAll")->click();
    QCOMPARE(c->outbox().pending().size(), std::size_t(0));
    QVERIFY(d->queueView()->toPlainText().isEmpty());
    d->close();
  }
};

SCIAGENTS_TEST_MAIN(TestSurveyDialog)

}  // namespace test_survey_dialog
#include "test_survey_dialog.moc"
