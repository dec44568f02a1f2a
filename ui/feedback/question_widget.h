// One survey question as a widget: radio buttons (single choice, yes/no), check boxes (multiple
// choice), a reorderable list (ranking: drag or Up/Down), star buttons (1-5), a 0-10 scale, text.
// Child widgets are named "q_<question>[_<option>]" so tests (and tutorials) can address them.
#pragma once

#include "core/feedback/survey.h"

#include <QWidget>

class QLabel;

namespace sciagents::ui {

class QuestionWidget : public QWidget {
  Q_OBJECT
 public:
  // The answer in the core's JSON shape (core/feedback/survey.h); null when unanswered.
  virtual nlohmann::json answer() const = 0;
  const core::feedback::Question& question() const { return m_question; }
  // Shows (non-empty) or hides the inline message under the question.
  void setIssue(const QString& message);
  QString issue() const;

  static QuestionWidget* create(const core::feedback::Question& q, QWidget* parent = nullptr);

 signals:
  void changed();

 protected:
  QuestionWidget(const core::feedback::Question& q, QWidget* parent);
  // The area where subclasses put their inputs (between the question text and the message).
  QWidget* body() const { return m_body; }
  QString name(const std::string& suffix = {}) const;

 private:
  core::feedback::Question m_question;
  QWidget* m_body;
  QLabel* m_issue;
};

}  // namespace sciagents::ui
