// The property panel's sweep editor (docs/studio.md "Sweeps"). A mode chooser picks the kind of
// sweep (docs/workflow-format.md "Sweeps"):
// - one parameter: which parameter of the step and over what values (a JSON list,
//   {"linspace": [a, b, n]}, or the short forms "linspace a b n" / "logspace a b n");
// - grid / zip: a list of axes, each a parameter path (param_path.h: "constants.k", "y0[0]") and
//   its values in the same forms; zip's lists must be equally long;
// - design: the rows of another step's matrix output (STEP.OUTPUT, e.g. an uq.lhs step's
//   "design") and the parameter path each column sets.
// A line counts the points ("grid: 4 × 3 = 12 points"). Return or Apply commits one undoable
// command (makeSetSweepCommand, makeSetSweepSpecCommand: the sweep JSON as the file holds it);
// Clear removes the sweep. Invalid input stays in the fields with the message shown.
#pragma once

#include <nlohmann/json.hpp>

#include <QGroupBox>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace sciagents::ui {

class WorkflowDocument;

class SweepEditor final : public QGroupBox {
  Q_OBJECT
 public:
  // The order of the mode chooser's entries.
  enum class Mode { One, Grid, Zip, Design };

  explicit SweepEditor(WorkflowDocument* doc, QWidget* parent = nullptr);

  void setStep(const QString& id);  // shows the step's sweep; "" disables the editor
  QComboBox* modeBox() const { return m_mode; }
  Mode mode() const;
  void setMode(Mode mode);  // as the user choosing it in the mode chooser
  // One parameter.
  QComboBox* paramBox() const { return m_param; }
  QLineEdit* valuesEdit() const { return m_values; }
  // Grid and zip: the axes; design: the column paths (values hidden).
  int axisCount() const { return static_cast<int>(m_axes.size()); }
  QComboBox* axisParamBox(int i) const { return m_axes.at(static_cast<std::size_t>(i)).param; }
  QLineEdit* axisValuesEdit(int i) const { return m_axes.at(static_cast<std::size_t>(i)).values; }
  QToolButton* axisRemoveButton(int i) const {
    return m_axes.at(static_cast<std::size_t>(i)).remove;
  }
  QPushButton* addAxisButton() const { return m_add; }
  // Design: STEP.OUTPUT, offered from the other steps' matrix (and vector) outputs.
  QComboBox* designFromBox() const { return m_design_from; }
  QString countText() const;  // "grid: 4 × 3 = 12 points"; "" in one-parameter mode
  QPushButton* applyButton() const { return m_apply; }
  QPushButton* clearButton() const { return m_clear; }
  QString errorText() const;

  // Text → sweep values; "" when valid, else the message.
  static QString parseValues(const QString& text, nlohmann::json* out);

 signals:
  void message(const QString& text);

 private:
  struct Axis {
    QWidget* row;
    QComboBox* param;
    QLineEdit* values;
    QToolButton* remove;
  };

  void apply();
  void applyOne();
  void refresh();
  void showError(const QString& error);
  void hideError();
  void updateModeWidgets();
  void updateCount();
  void updateDesignSources();
  Axis& addAxis(const QString& param = {}, const QString& values = {});
  void removeAxis(int i);
  void clearAxes();
  // The fields of a grid/zip/design sweep as the file's "sweep" JSON; "" when valid.
  QString buildSweep(nlohmann::json* out) const;
  void load(const nlohmann::json& sweep);  // fills the fields from a sweep as the file holds it
  QStringList stepParams() const;

  WorkflowDocument* m_doc;
  QString m_step;
  QComboBox* m_mode;
  QComboBox* m_param;
  QLineEdit* m_values;
  QComboBox* m_design_from;
  QWidget* m_axes_box;
  QVBoxLayout* m_axes_layout;
  std::vector<Axis> m_axes;
  QPushButton* m_add;
  QLabel* m_count;
  QPushButton* m_apply;
  QPushButton* m_clear;
  QLabel* m_error;
  nlohmann::json m_loaded;  // the sweep last shown from the document (null: none)
  bool m_loading = false;
  bool m_fresh = true;  // no sweep shown yet for m_step
};

}  // namespace sciagents::ui
