// One row of the property form, generated from a ParamSpec: the right widget for the type (number
// with range, choice combo, check box, text, expression with live syntax check, JSON text for
// lists/maps, JSON text plus a MatrixEditor table for vectors and matrices), a link read-out "←
// step.output", an inline validation message and a reset-to-default button. Valid edits are handed
// to the commit callback (an undoable SetParam); invalid ones stay in the field with the message
// shown.
#pragma once

#include "core/agent/param_spec.h"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace sciagents::ui {

class DistributionTable;
class MatrixEditor;

class ParamEditor final : public QWidget {
  Q_OBJECT
 public:
  // Called with the new value (null: back to the default).
  using Commit = std::function<void(const std::string& name, const nlohmann::json& value)>;
  // A check that needs the rest of the step (e.g. the names an rhs may use): the problem, or "".
  // Its message is shown as the user types; unlike a schema error it does not stop the commit
  // (the other param may be filled in next).
  using ContextCheck = std::function<QString(const nlohmann::json& value)>;
  using Unlink = std::function<void(const std::string& name)>;

  ParamEditor(const core::ParamSpec& spec, Commit commit, Unlink unlink, QWidget* parent = nullptr);

  const core::ParamSpec& spec() const { return m_spec; }
  // Shows the document's value (absent: null → default shown as placeholder).
  void setValue(const nlohmann::json& value);
  QString errorText() const;
  QLabel* errorLabel() const { return m_error; }
  void setContextCheck(ContextCheck check) { m_context_check = std::move(check); }
  QWidget* editorWidget() const { return m_editor; }
  QLineEdit* lineEdit() const { return m_line; }
  QComboBox* comboBox() const { return m_combo; }
  QCheckBox* checkBox() const { return m_check; }
  QLabel* linkLabel() const { return m_link; }
  MatrixEditor* matrixEditor() const { return m_matrix; }           // vectors and matrices only
  DistributionTable* distributionTable() const { return m_dists; }  // editor "distributions"
  bool isLinked() const { return m_linked; }

  // Validates text as this parameter's value; returns "" when valid, else the message.
  // `out` receives the JSON value (null for empty text = default).
  QString parse(const QString& text, nlohmann::json* out) const;
  // Checks a JSON value against the schema; "" when valid.
  QString check(const nlohmann::json& value) const;

 private:
  void onTextEdited(const QString& text);
  void commitText();
  void commitTable(const nlohmann::json& value);
  void showError(const QString& message);
  QString textFor(const nlohmann::json& value) const;

  core::ParamSpec m_spec;
  Commit m_commit;
  ContextCheck m_context_check;
  Unlink m_unlink;
  QWidget* m_editor = nullptr;
  QLineEdit* m_line = nullptr;
  QComboBox* m_combo = nullptr;
  QCheckBox* m_check = nullptr;
  MatrixEditor* m_matrix = nullptr;
  DistributionTable* m_dists = nullptr;
  QToolButton* m_table_toggle = nullptr;
  QLabel* m_link;
  QToolButton* m_unlink_button;
  QToolButton* m_reset;
  QLabel* m_error;
  nlohmann::json m_value;
  bool m_linked = false;
};

}  // namespace sciagents::ui
