#include "ui/feedback/feedback_controller.h"

#include "core/util/clock.h"
#include "core/workflow/run_result.h"
#include "ui/feedback/feedback_delivery.h"
#include "ui/feedback/privacy_dialog.h"
#include "ui/feedback/survey_dialog.h"
#include "ui/remote_settings.h"

#include <QAction>
#include <QDebug>
#include <QDir>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

namespace sciagents::ui {

namespace {
constexpr std::int64_t kDayUs = 86400LL * 1000000;
QString key(const QString& k) { return QStringLiteral("feedback/") + k; }
const core::feedback::Survey* builtin(const QString& id) {
  return core::feedback::findSurvey(core::feedback::builtinSurveys(), id.toStdString());
}
}  // namespace

QString FeedbackController::defaultOutboxFile() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
      .filePath(QStringLiteral("feedback-outbox.db"));
}

FeedbackController::FeedbackController(QWidget* window, const QString& outboxFile)
    : QObject(window), m_window(window) {
  const QString file = outboxFile.isEmpty() ? defaultOutboxFile() : outboxFile;
  QDir().mkpath(QFileInfo(file).absolutePath());
  try {
    m_outbox = std::make_unique<core::store::FeedbackOutbox>(file.toStdString());
  } catch (const std::exception& e) {
    // Studio still starts; answers then live only as long as this session.
    qWarning("feedback outbox %s cannot be opened (%s); keeping answers in memory",
             qPrintable(file), e.what());
    m_outbox = std::make_unique<core::store::FeedbackOutbox>(":memory:");
  }
  m_analytics = std::make_unique<core::feedback::Analytics>(*m_outbox, analyticsEnabled());
  m_delivery = new FeedbackDelivery(m_outbox.get(), this);
  QSettings s;
  if (!s.contains(key("first_use_us"))) s.setValue(key("first_use_us"), qint64(core::unixMicros()));
  flush();  // whatever a previous session (or a crash) left behind
}

FeedbackController::~FeedbackController() = default;

bool FeedbackController::analyticsEnabled() const {
  return QSettings().value(key("analytics_enabled"), false).toBool();
}

void FeedbackController::setAnalyticsEnabled(bool on) {
  QSettings().setValue(key("analytics_enabled"), on);
  m_analytics->setEnabled(on);
}

int FeedbackController::successfulRuns() const {
  return QSettings().value(key("successful_runs"), 0).toInt();
}

int FeedbackController::midpointRuns() const {
  return std::max(1, QSettings().value(key("midpoint_after_runs"), kDefaultMidpointRuns).toInt());
}

QString FeedbackController::surveyState(const QString& survey) const {
  return QSettings().value(key(survey + QStringLiteral("/state"))).toString();
}

void FeedbackController::setState(const QString& survey, const QString& state) {
  QSettings().setValue(key(survey + QStringLiteral("/state")), state);
}

void FeedbackController::installMenu(QMenu* help) {
  QAction* send = help->addAction(tr("Send &Feedback…"), this, &FeedbackController::sendFeedback);
  send->setObjectName(QStringLiteral("actionSendFeedback"));
  QAction* privacy =
      help->addAction(tr("&Privacy and Usage Data…"), this, &FeedbackController::showPrivacy);
  privacy->setObjectName(QStringLiteral("actionPrivacy"));
}

void FeedbackController::onTutorialFinishedOrSkipped() {
  const QString st = surveyState(QStringLiteral("welcome"));
  if (st == QLatin1String("done") || st == QLatin1String("never")) return;
  m_pending = QStringLiteral("welcome");  // after a pause, so "tutorial complete" is seen first
  offerWhenIdle();
}

void FeedbackController::offer(QString id) {  // by value: callers pass m_pending, cleared here
  if (m_dialog) return;
  if (m_busy && m_busy()) {
    if (m_pending.isEmpty() || id == QLatin1String("welcome")) m_pending = id;
    return;
  }
  m_pending.clear();
  QSettings s;
  const qint64 hours =
      s.value(key("min_hours_between_offers"), kMinHoursBetweenOffers).toLongLong();
  const qint64 last = s.value(key("last_offer_us"), qint64(0)).toLongLong();
  if (last > 0 && core::unixMicros() < last + hours * 3600 * 1000000LL) return;
  s.setValue(key("last_offer_us"), qint64(core::unixMicros()));
  showSurvey(id, true);
}

void FeedbackController::offerWhenIdle() {
  if (m_pending.isEmpty()) return;
  // A short pause first: the end of a tutorial or a run shows its own message before any survey.
  QTimer::singleShot(1500, this, [this] {
    if (!m_pending.isEmpty()) offer(m_pending);
  });
}

void FeedbackController::onRunFinished(bool succeeded,
                                       std::shared_ptr<const core::RunResult> result) {
  if (result) m_analytics->recordRun(*result);
  if (succeeded) {
    QSettings s;
    const int runs = successfulRuns() + 1;
    s.setValue(key("successful_runs"), runs);
    auto open = [&](const QString& id) {
      const QString st = surveyState(id);
      return st != QLatin1String("done") && st != QLatin1String("never");
    };
    const int mid_at = s.value(key("midpoint/ask_at_runs"), midpointRuns()).toInt();
    const int final_at = s.value(key("final/ask_at_runs"), kFinalRuns).toInt();
    const qint64 first = s.value(key("first_use_us"), qint64(core::unixMicros())).toLongLong();
    const qint64 final_after =
        s.value(key("final/ask_after_us"), first + kFinalDays * kDayUs).toLongLong();
    if (open(QStringLiteral("midpoint")) && runs >= mid_at)
      offer(QStringLiteral("midpoint"));
    else if (open(QStringLiteral("final")) && runs >= mid_at &&
             (runs >= final_at || core::unixMicros() >= final_after))
      offer(QStringLiteral("final"));
  }
  flush();
}

SurveyDialog* FeedbackController::showSurvey(const QString& id, bool triggered) {
  const auto* survey = builtin(id);
  if (!survey || m_dialog) return nullptr;
  auto* d = new SurveyDialog(*survey, m_outbox.get(), triggered, m_window);
  d->setAttribute(Qt::WA_DeleteOnClose);
  m_dialog = d;
  connect(d, &QDialog::finished, this,
          [this, id, triggered](int outcome) { onSurveyClosed(id, triggered, outcome); });
  if (triggered) {
    // Offered by a trigger: a separate window that neither blocks nor takes focus from the work
    // in progress. From the menu: window-modal, as the user asked for it.
    d->setAttribute(Qt::WA_ShowWithoutActivating);
    d->show();
  } else {
    d->open();
  }
  emit surveyOffered(id);
  return d;
}

void FeedbackController::onSurveyClosed(const QString& id, bool triggered, int outcome) {
  if (outcome == SurveyDialog::Submitted) {
    setState(id, QStringLiteral("done"));
    flush();
    emit thanked(id);
    return;
  }
  if (!triggered) return;  // opened from the menu: closing it changes nothing
  if (outcome == SurveyDialog::Never) {
    setState(id, QStringLiteral("never"));
    return;
  }
  // Later (or closed): ask again after more runs (or, for the welcome survey, the next tutorial).
  setState(id, QStringLiteral("later"));
  QSettings s;
  const int runs = successfulRuns();
  if (id == QLatin1String("midpoint"))
    s.setValue(key("midpoint/ask_at_runs"), runs + midpointRuns());
  if (id == QLatin1String("final")) {
    s.setValue(key("final/ask_at_runs"), runs + 10);
    s.setValue(key("final/ask_after_us"), qint64(core::unixMicros() + 7 * kDayUs));
  }
}

void FeedbackController::sendFeedback() {
  QStringList titles;
  QStringList ids;
  for (const auto& s : core::feedback::builtinSurveys()) {
    titles << QString::fromStdString(s.title);
    ids << QString::fromStdString(s.id);
  }
  bool ok = false;
  const QString pick = QInputDialog::getItem(
      m_window, tr("Send Feedback"), tr("Which questions would you like to answer?"), titles,
      static_cast<int>(titles.size()) - 1, false, &ok);
  if (ok) showSurvey(ids.value(titles.indexOf(pick)), false);
}

void FeedbackController::showPrivacy() {
  auto* d = new PrivacyDialog(this, m_window);
  d->setAttribute(Qt::WA_DeleteOnClose);
  d->open();
}

void FeedbackController::flush() {
  const RemoteSettings r = RemoteSettings::load();
  m_delivery->setServer(r.url, r.token);
  m_delivery->flush();
}

}  // namespace sciagents::ui
