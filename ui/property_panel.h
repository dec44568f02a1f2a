// The property panel: a form generated from the selected step's task schema (one ParamEditor per
// parameter; external steps get ExternalStepEditor for their program, templates and outputs), the
// step id (editable: an undoable rename), the step's sweep (SweepEditor) and its validation issues.
#pragma once

#include <QHash>
#include <QPointer>
#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;
class QScrollArea;

namespace sciagents::ui {

class ExternalStepEditor;
class ParamEditor;
class SweepEditor;
class WorkflowDocument;

class PropertyPanel final : public QWidget {
  Q_OBJECT
 public:
  explicit PropertyPanel(WorkflowDocument* doc, QWidget* parent = nullptr);

  QString stepId() const { return m_step; }
  ParamEditor* editor(const QString& param) const { return m_editors.value(param); }
  QLineEdit* idField() const { return m_id; }
  QLabel* issuesLabel() const { return m_issues; }
  SweepEditor* sweepEditor() const { return m_sweep; }
  ExternalStepEditor* externalEditor() const { return m_external; }

 public slots:
  void setStep(const QString& id);
  void focusForm();  // keyboard focus to the first parameter field (else the step id)

 signals:
  void message(const QString& text);

 private:
  void rebuild();
  void refresh();

  WorkflowDocument* m_doc;
  QString m_step;
  QString m_built_for;  // "id agent.task" the form was generated for
  QLineEdit* m_id;
  QLabel* m_task;
  QLabel* m_summary;
  QLabel* m_issues;
  QLabel* m_empty;
  QWidget* m_form_host;
  QFormLayout* m_form;
  QHash<QString, ParamEditor*> m_editors;
  SweepEditor* m_sweep;
  ExternalStepEditor* m_external;  // external.command / external.python steps only
};

}  // namespace sciagents::ui
