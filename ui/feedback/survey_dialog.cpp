#include "ui/feedback/survey_dialog.h"

#include "core/store/feedback_outbox.h"
#include "core/util/clock.h"
#include "core/util/version.h"
#include "ui/feedback/question_widget.h"
#include "ui/theme.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace sciagents::ui {

using nlohmann::json;

SurveyDialog::SurveyDialog(const core::feedback::Survey& survey,
                           core::store::FeedbackOutbox* outbox, bool offerNever, QWidget* parent)
    : QDialog(parent), m_survey(survey), m_outbox(outbox) {
  setObjectName(QStringLiteral("surveyDialog_") + QString::fromStdString(survey.id));
  setWindowTitle(QString::fromStdString(survey.title));
  auto* lay = new QVBoxLayout(this);
  if (!survey.intro.empty()) {
    auto* intro = new QLabel(QString::fromStdString(survey.intro));
    intro->setWordWrap(true);
    lay->addWidget(intro);
  }
  auto* area = new QScrollArea;
  area->setWidgetResizable(true);
  auto* inner = new QWidget;
  auto* form = new QVBoxLayout(inner);
  for (const auto& q : survey.questions) {
    auto* w = QuestionWidget::create(q, inner);
    form->addWidget(w);
    m_questions.push_back(w);
    // A fixed answer clears its message right away.
    connect(w, &QuestionWidget::changed, this, [w] { w->setIssue({}); });
  }
  form->addStretch();
  area->setWidget(inner);
  lay->addWidget(area, 1);
  m_status = new QLabel;
  m_status->setObjectName(QStringLiteral("surveyStatus"));
  m_status->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  m_status->setWordWrap(true);
  m_status->hide();
  lay->addWidget(m_status);
  auto* buttons = new QDialogButtonBox;
  m_submit = buttons->addButton(tr("Submit"), QDialogButtonBox::AcceptRole);
  m_submit->setObjectName(QStringLiteral("submit"));
  auto* later = buttons->addButton(tr("Later"), QDialogButtonBox::RejectRole);
  later->setObjectName(QStringLiteral("later"));
  if (offerNever) {
    auto* never = buttons->addButton(tr("Never ask again"), QDialogButtonBox::DestructiveRole);
    never->setObjectName(QStringLiteral("never"));
    connect(never, &QPushButton::clicked, this, [this] { done(Never); });
  }
  connect(m_submit, &QPushButton::clicked, this, &SurveyDialog::submit);
  connect(later, &QPushButton::clicked, this, [this] { done(Later); });
  lay->addWidget(buttons);
  resize(640, 720);
}

json SurveyDialog::answers() const {
  json a = json::object();
  for (const auto* w : m_questions)
    if (const json v = w->answer(); !v.is_null()) a[w->question().id] = v;
  return a;
}

QuestionWidget* SurveyDialog::questionWidget(const QString& id) const {
  for (auto* w : m_questions)
    if (QString::fromStdString(w->question().id) == id) return w;
  return nullptr;
}

bool SurveyDialog::submit() {
  const json a = answers();
  const auto issues = core::feedback::validateAnswers(m_survey, a);
  for (auto* w : m_questions) {
    QString msg;
    for (const auto& i : issues)
      if (i.question == w->question().id) msg = QString::fromStdString(i.message);
    w->setIssue(msg);
  }
  if (!issues.empty()) {
    m_status->setText(tr("Please answer the %n marked question(s) before submitting.", nullptr,
                         static_cast<int>(issues.size())));
    m_status->show();
    for (auto* w : m_questions)
      if (!w->issue().isEmpty()) {
        w->setFocus();
        break;
      }
    return false;
  }
  const std::string id = core::feedback::newResponseId();
  m_response = core::feedback::makeResponse(m_survey, a, id, core::unixMicros(),
                                            std::string("sciagents-studio ") + sciagents::kVersion);
  if (m_outbox) {
    try {
      m_outbox->enqueue(id, core::store::OutboxKind::Response, m_response.dump());
    } catch (const std::exception& e) {
      m_status->setText(tr("Could not save your answers: %1").arg(QString::fromUtf8(e.what())));
      m_status->show();
      return false;
    }
  }
  m_status->hide();
  emit submitted(QString::fromStdString(id));
  done(Submitted);
  return true;
}

}  // namespace sciagents::ui
