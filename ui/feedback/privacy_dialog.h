// Help ▸ Privacy and Usage Data…: the analytics consent toggle (off on a fresh profile), a viewer
// listing exactly what is queued for sending (each document as it will be sent), and delete-all
// (queued analytics; optionally also survey answers not yet sent).
#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QPlainTextEdit;

namespace sciagents::ui {

class FeedbackController;

class PrivacyDialog final : public QDialog {
  Q_OBJECT
 public:
  PrivacyDialog(FeedbackController* controller, QWidget* parent = nullptr);

  QCheckBox* analyticsToggle() const { return m_toggle; }
  QPlainTextEdit* queueView() const { return m_queue; }

 public slots:
  void refresh();
  void deleteAll();

 private:
  FeedbackController* m_controller;
  QCheckBox* m_toggle;
  QCheckBox* m_include_answers;
  QPlainTextEdit* m_queue;
  QLabel* m_count;
};

}  // namespace sciagents::ui
