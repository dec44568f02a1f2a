// Results of the last run, per step: outputs (name, kind, shape, value; numbers also under
// Qt::UserRole), the elements of the selected vector/matrix output, and diagnostics as key/value.
#pragma once

#include "core/workflow/run_result.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace sciagents::ui {

class ResultsPanel final : public QWidget {
  Q_OBJECT
 public:
  enum OutputColumn { NameColumn, KindColumn, ShapeColumn, ValueColumn };

  explicit ResultsPanel(QWidget* parent = nullptr);

  void setResult(std::shared_ptr<const core::RunResult> result);
  void clear();
  void showStep(const QString& id);
  QString currentStep() const;

  QStandardItemModel* outputsModel() const { return m_outputs; }
  QStandardItemModel* elementsModel() const { return m_elements; }
  QStandardItemModel* diagnosticsModel() const { return m_diagnostics; }
  QTableView* outputsView() const { return m_outputs_view; }
  // Row of output `name` in outputsModel(), or -1.
  int outputRow(const QString& name) const;

 private:
  void showElements(int output_row);

  std::shared_ptr<const core::RunResult> m_result;
  QComboBox* m_step;
  QLabel* m_status;
  QStandardItemModel* m_outputs;
  QStandardItemModel* m_elements;
  QStandardItemModel* m_diagnostics;
  QTableView* m_outputs_view;
  QTableView* m_elements_view;
  QTableView* m_diagnostics_view;
};

}  // namespace sciagents::ui
