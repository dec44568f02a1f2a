// Studio's feedback: owns the outbox (AppDataLocation/feedback-outbox.db), the opt-in analytics and
// the delivery to the remote server (ui/remote_settings), and decides when to offer a survey:
// welcome after the first tutorial is finished or skipped, mid-point after N successful runs
// (default 5), final after 20 successful runs or 14 days of use. "Later" asks again after more
// runs (or the next tutorial); "Never" is final. All of it persists in QSettings ("feedback/...").
// A survey waits for a natural pause: never while a run or a tutorial step is active (the busy
// check; the offer is kept and made when the work pauses), at most one offered survey per day
// (feedback/min_hours_between_offers, default 24), and a thank-you after Submit.
#pragma once

#include "core/feedback/analytics.h"
#include "core/store/feedback_outbox.h"
#include "ui/feedback/survey_dialog.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QMenu;
class QWidget;

namespace sciagents::core {
struct RunResult;
}

namespace sciagents::ui {

class FeedbackDelivery;

class FeedbackController final : public QObject {
  Q_OBJECT
 public:
  static constexpr int kDefaultMidpointRuns = 5;
  static constexpr int kFinalRuns = 20;
  static constexpr int kFinalDays = 14;
  static constexpr int kMinHoursBetweenOffers = 24;

  // `window`: parent of the dialogs. `outboxFile` empty: AppDataLocation/feedback-outbox.db.
  explicit FeedbackController(QWidget* window, const QString& outboxFile = {});
  ~FeedbackController() override;

  core::store::FeedbackOutbox& outbox() { return *m_outbox; }
  core::feedback::Analytics& analytics() { return *m_analytics; }
  FeedbackDelivery* delivery() const { return m_delivery; }
  static QString defaultOutboxFile();

  bool analyticsEnabled() const;  // false on a fresh profile
  void setAnalyticsEnabled(bool on);
  int successfulRuns() const;
  int midpointRuns() const;  // QSettings feedback/midpoint_after_runs
  // "" (not offered yet), "later", "never" or "done".
  QString surveyState(const QString& survey) const;
  SurveyDialog* currentSurvey() const { return m_dialog; }

  // Adds "Send feedback…" and "Privacy and Usage Data…" to the Help menu.
  void installMenu(QMenu* help);

  // True while the user is in the middle of something (a run, a tutorial step): no survey then.
  void setBusyCheck(std::function<bool()> busy) { m_busy = std::move(busy); }
  QString pendingSurvey() const { return m_pending; }  // triggered while busy, offered at a pause

 public slots:
  void onTutorialFinishedOrSkipped();
  // The work paused (a run ended, a tutorial ended): offers the pending survey if the pause holds.
  void offerWhenIdle();
  // Every finished run: counts successes (survey triggers) and records analytics when enabled.
  void onRunFinished(bool succeeded, std::shared_ptr<const sciagents::core::RunResult> result);
  // Opens a survey without blocking; `triggered`: offered by a trigger (a non-modal window that
  // does not take focus; "Later" and "Never" are recorded), else window-modal. Returns the dialog
  // (nullptr when another survey is open).
  SurveyDialog* showSurvey(const QString& survey, bool triggered);
  void sendFeedback();  // Help ▸ Send feedback…: pick a survey, then showSurvey(id, false)
  void showPrivacy();   // Help ▸ Privacy and Usage Data…
  // Re-reads the remote server settings and sends what is due.
  void flush();

 signals:
  void surveyOffered(const QString& survey);
  void thanked(const QString& survey);  // a survey was submitted

 private:
  void onSurveyClosed(const QString& survey, bool triggered, int outcome);
  void setState(const QString& survey, const QString& state);
  // A trigger fired: shows the survey now, keeps it for the next pause while busy, or lets it go
  // when a survey was offered less than a day ago (the trigger fires again later).
  void offer(QString survey);

  QWidget* m_window;
  std::unique_ptr<core::store::FeedbackOutbox> m_outbox;
  std::unique_ptr<core::feedback::Analytics> m_analytics;
  FeedbackDelivery* m_delivery;
  QPointer<SurveyDialog> m_dialog;
  std::function<bool()> m_busy;
  QString m_pending;
};

}  // namespace sciagents::ui
