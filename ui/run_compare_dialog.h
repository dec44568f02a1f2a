// Two runs from the history side by side (docs/history.md, "Studio"): the params that differ, step
// by step (param paths such as `solve.b[1]`, with both values), and one output of a chosen step of
// both runs overlaid on one plot (a series per run; one component at a time for outputs with
// several).
#pragma once

#include "core/store/run_history.h"
#include "core/workflow/run_result.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QLabel;
class QSplitter;
class QTableWidget;

namespace sciagents::ui {

class LinePlot;

class RunCompareDialog final : public QDialog {
  Q_OBJECT
 public:
  enum DiffColumn { PathColumn, AColumn, BColumn };

  // `a` and `b`: full history rows (with the workflow as run); their results may be null (not
  // kept), which leaves the plot empty with a note.
  RunCompareDialog(const core::store::RunRecord& a, std::shared_ptr<const core::RunResult> ra,
                   const core::store::RunRecord& b, std::shared_ptr<const core::RunResult> rb,
                   QWidget* parent = nullptr);

  // One entry per differing param (STEP.PARAM[i]…), step added or removed, or agent/task change.
  struct Difference {
    QString path;
    QString a;  // "" : absent in run A
    QString b;
  };
  // The params of the two workflows (JSON as in a *.workflow.json) that differ, in step order.
  static QList<Difference> paramDifferences(const nlohmann::json& a, const nlohmann::json& b);

  QTableWidget* diffTable() const { return m_diff; }
  QComboBox* stepBox() const { return m_step; }
  QComboBox* outputBox() const { return m_output; }
  QComboBox* componentBox() const { return m_component; }
  LinePlot* plot() const { return m_plot; }
  QString plotNote() const;  // why nothing is plotted, or the values of scalar outputs

  void showOutput(const QString& step, const QString& output);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void fillOutputs();
  void fillComponents();
  void updatePlot();

  core::store::RunRecord m_a, m_b;
  std::shared_ptr<const core::RunResult> m_ra, m_rb;
  QTableWidget* m_diff;
  QComboBox* m_step;
  QComboBox* m_output;
  QComboBox* m_component;
  LinePlot* m_plot;
  QLabel* m_note;
  QSplitter* m_split = nullptr;
  int m_diff_height = 0;
  bool m_sized = false;
};

}  // namespace sciagents::ui
