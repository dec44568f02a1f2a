// The "Test run" of an external.command / external.python step in the Properties panel: ONE
// evaluation of the step with its current params (its upstream steps included, its sweep left
// out) on a LocalRunner of its own, so the GUI thread never waits. Shows the parsed outputs, the
// exit status, the wall time and the tail of stderr (from the step's diagnostics), or the error
// message, which names the step and the parameter.
#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace sciagents::ui {

class LocalRunner;
class WorkflowDocument;

class ExternalTestRun final : public QWidget {
  Q_OBJECT
 public:
  explicit ExternalTestRun(WorkflowDocument* doc, QWidget* parent = nullptr);
  ~ExternalTestRun() override;

  void setStep(const QString& id);  // clears the previous result when the step changes
  bool isRunning() const;

  QPushButton* button() const { return m_button; }
  QLabel* statusLabel() const { return m_status; }
  QTableWidget* outputsTable() const { return m_outputs; }
  QPlainTextEdit* stderrView() const { return m_stderr; }

 public slots:
  void run();

 signals:
  void finished(const QString& step, bool ok);

 private:
  void onFinished(bool ok, const QString& error);
  void clearResult();

  WorkflowDocument* m_doc;
  LocalRunner* m_runner;
  QString m_step;
  QString m_running_step;
  QPushButton* m_button;
  QLabel* m_status;
  QTableWidget* m_outputs;
  QLabel* m_stderr_label;
  QPlainTextEdit* m_stderr;
};

}  // namespace sciagents::ui
