// Renders any survey definition (core/feedback/survey.h) with one QuestionWidget per question.
// Submit validates with the core (required answers, options, ranges); problems appear inline under
// each question and block the submission. A valid submission becomes a response document
// (unique response id, survey id + version, timestamp) that is queued in the outbox.
// "Later" and "Never" close the dialog with those results for the caller to persist.
#pragma once

#include "core/feedback/survey.h"

#include <QDialog>

#include <vector>

class QLabel;
class QPushButton;

namespace sciagents::core::store {
class FeedbackOutbox;
}

namespace sciagents::ui {

class QuestionWidget;

class SurveyDialog final : public QDialog {
  Q_OBJECT
 public:
  enum Outcome { Submitted = 100, Later, Never };

  // `outbox` (not owned) receives the response; `offerNever`: show "Never ask again".
  SurveyDialog(const core::feedback::Survey& survey, core::store::FeedbackOutbox* outbox,
               bool offerNever, QWidget* parent = nullptr);

  const core::feedback::Survey& survey() const { return m_survey; }
  nlohmann::json answers() const;  // {question id: answer} of the answered questions
  QuestionWidget* questionWidget(const QString& id) const;
  // The last submitted response document (empty before a successful submit).
  const nlohmann::json& response() const { return m_response; }
  QPushButton* submitButton() const { return m_submit; }

 public slots:
  // Validates; on success queues the response and closes with Submitted. Returns success.
  bool submit();

 signals:
  void submitted(const QString& responseId);

 private:
  core::feedback::Survey m_survey;
  core::store::FeedbackOutbox* m_outbox;
  std::vector<QuestionWidget*> m_questions;
  QLabel* m_status;
  QPushButton* m_submit;
  nlohmann::json m_response;
};

}  // namespace sciagents::ui
