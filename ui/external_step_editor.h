// The dedicated part of the Properties form for `external.command` and `external.python` steps
// (docs/agents/external.md): the program (or module and function) with a file picker, the argv
// list (add, remove, reorder), the input templates with their text shown and {{placeholders}}
// highlighted against the step's inputs, the output parser (stdout JSON, a JSON or CSV file,
// regex rows name → pattern) with output_names, and a Test run. Every edit is one undoable
// WorkflowDocument::setParam; the other params keep their generic editors.
#pragma once

#include <nlohmann/json.hpp>

#include <QStringList>
#include <QWidget>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace sciagents::ui {

class ExternalTestRun;
class PlaceholderHighlighter;
class WorkflowDocument;

class ExternalStepEditor final : public QWidget {
  Q_OBJECT
 public:
  explicit ExternalStepEditor(WorkflowDocument* doc, QWidget* parent = nullptr);

  // The params this editor replaces in the generic form of `agent.task` (empty: not handled).
  static QStringList handledParams(const QString& task);

  // Shows the editor for step `id` when it is an external step, else hides it.
  void setStep(const QString& id);
  void refresh();  // the document changed: show its values

  // Choices a file dialog would make (also used by the Choose… buttons).
  void setProgram(const QString& path);  // command[0] (command) or module (python)
  void addTemplate(const QString& path);
  // A path as stored: relative to the workflow file's folder when inside it, else absolute.
  QString storedPath(const QString& path) const;
  QString resolvedPath(const QString& stored) const;  // back to a path on this machine

  QLineEdit* programEdit() const { return m_program; }
  QComboBox* functionBox() const { return m_function; }
  QListWidget* argsList() const { return m_args; }
  QListWidget* templatesList() const { return m_templates; }
  QPlainTextEdit* templateText() const { return m_template_text; }
  PlaceholderHighlighter* highlighter() const { return m_highlighter; }
  QLabel* placeholderIssues() const { return m_issues; }
  QComboBox* outputModeBox() const { return m_mode; }
  QLineEdit* outputFileEdit() const { return m_out_file; }
  QTableWidget* regexTable() const { return m_regex; }
  QLineEdit* outputNamesEdit() const { return m_names; }
  ExternalTestRun* testRun() const { return m_test; }
  // The Test run box: the panel places it under the generic fields (shown with this editor).
  QWidget* testRunBox() const { return m_test_box; }
  QPushButton* addArgButton() const { return m_arg_add; }
  QPushButton* removeArgButton() const { return m_arg_remove; }
  QPushButton* argUpButton() const { return m_arg_up; }
  QPushButton* argDownButton() const { return m_arg_down; }

 signals:
  void message(const QString& text);

 private:
  bool isPython() const { return m_task == QLatin1String("external.python"); }
  nlohmann::json param(const char* name) const;
  void commit(const char* name, const nlohmann::json& value);
  void commitArgs();
  void commitOutputs();
  void moveArg(int delta);
  void showTemplate();
  void showOutputs();
  void updateIssues();
  void loadFunctions();
  QWidget* buildProgram();
  QWidget* buildTemplates();
  QWidget* buildOutputs();

  WorkflowDocument* m_doc;
  QString m_step;
  QString m_task;  // "external.command" / "external.python"
  bool m_updating = false;
  bool m_template_readable = false;
  QGroupBox* m_program_box;
  QLabel* m_program_label;
  QLineEdit* m_program;
  QLabel* m_function_label;
  QComboBox* m_function;
  QLabel* m_args_label;
  QWidget* m_args_row;
  QListWidget* m_args;
  QPushButton* m_arg_add;
  QPushButton* m_arg_remove;
  QPushButton* m_arg_up;
  QPushButton* m_arg_down;
  QGroupBox* m_templates_box;
  QListWidget* m_templates;
  QPlainTextEdit* m_template_text;
  PlaceholderHighlighter* m_highlighter;
  QLabel* m_issues;
  QGroupBox* m_outputs_box;
  QComboBox* m_mode;
  QLabel* m_out_file_label;
  QLineEdit* m_out_file;
  QWidget* m_regex_box;
  QTableWidget* m_regex;
  QLineEdit* m_names;
  ExternalTestRun* m_test;
  QWidget* m_test_box;  // a QGroupBox
};

}  // namespace sciagents::ui
