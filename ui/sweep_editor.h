// The property panel's sweep row: which parameter of the step to sweep and over what values (a
// JSON list, {"linspace": [a, b, n]}, or the short forms "linspace a b n" / "logspace a b n").
// Return or Apply commits one undoable command (makeSetSweepCommand); Clear removes the sweep.
// Invalid input stays in the field with the message shown.
#pragma once

#include <nlohmann/json.hpp>

#include <QGroupBox>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace sciagents::ui {

class WorkflowDocument;

class SweepEditor final : public QGroupBox {
  Q_OBJECT
 public:
  explicit SweepEditor(WorkflowDocument* doc, QWidget* parent = nullptr);

  void setStep(const QString& id);  // shows the step's sweep; "" disables the editor
  QComboBox* paramBox() const { return m_param; }
  QLineEdit* valuesEdit() const { return m_values; }
  QPushButton* applyButton() const { return m_apply; }
  QPushButton* clearButton() const { return m_clear; }
  QString errorText() const;

  // Text → sweep values; "" when valid, else the message.
  static QString parseValues(const QString& text, nlohmann::json* out);

 signals:
  void message(const QString& text);

 private:
  void apply();
  void refresh();

  WorkflowDocument* m_doc;
  QString m_step;
  QComboBox* m_param;
  QLineEdit* m_values;
  QPushButton* m_apply;
  QPushButton* m_clear;
  QLabel* m_error;
};

}  // namespace sciagents::ui
