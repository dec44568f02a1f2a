// Results of the last run, per step: outputs (name, kind, shape, value; numbers also under
// Qt::UserRole), the selected output as a plot (line plot for time series and vectors, heat map
// for 2-D grid fields, bars per input with whiskers for sensitivity indices, a pair plot for a
// matrix of samples) and as a table of
// its elements (rows named by the step's inputs when it has them, values to the digits their
// half-width supports), and diagnostics as key/value. The plot
// exports to PNG/SVG, the table to CSV and the output to JSON.
#pragma once

#include "core/workflow/run_result.h"

#include <QSet>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QStackedWidget;
class QStandardItemModel;
class QTabWidget;
class QTableView;

namespace sciagents::ui {

class HeatMap;
class LinePlot;
class PairPlot;
class SensitivityBars;

class ResultsPanel final : public QWidget {
  Q_OBJECT
 public:
  enum OutputColumn { NameColumn, KindColumn, ShapeColumn, ValueColumn };

  explicit ResultsPanel(QWidget* parent = nullptr);

  void setResult(std::shared_ptr<const core::RunResult> result);
  void clear();
  // Shows step `id`'s results and remembers it as the step the user is looking at: a result that
  // arrives later (a re-run, or the first run of a step just added) opens on it, and on the output
  // last chosen when the step has one of that name.
  void showStep(const QString& id);
  QString currentStep() const;
  // Marks a step's result out of date (the step changed after the run): the status line says so.
  void setStale(const QString& step, bool stale);
  QString statusText() const;  // the line above the tables: state, time, error, out of date

  QStandardItemModel* outputsModel() const { return m_outputs; }
  QStandardItemModel* elementsModel() const { return m_elements; }
  QStandardItemModel* diagnosticsModel() const { return m_diagnostics; }
  QTableView* outputsView() const { return m_outputs_view; }
  QTableView* elementsView() const { return m_elements_view; }
  QTableView* diagnosticsView() const { return m_diagnostics_view; }
  static constexpr int kMaxColumnWidth =
      260;  // columns fit their contents up to this; values elide
  // Double-click on an output: its elements (or its whole value) in the Table tab.
  void showDetail(int output_row);
  // Row of output `name` in outputsModel(), or -1.
  int outputRow(const QString& name) const;
  void showOutput(const QString& name);     // selects the output's row (and remembers it)
  QString currentOutput() const;            // the selected output's name, "" when none
  const core::Value* currentValue() const;  // the selected output, or nullptr

  LinePlot* linePlot() const { return m_line; }
  HeatMap* heatMap() const { return m_heat; }
  SensitivityBars* sensitivityBars() const { return m_bars; }
  PairPlot* pairPlot() const { return m_pairs; }
  // "Pair plot": a sample matrix (samples, design, MCMC draws) as a pair plot (checked, the
  // default) or as the scatter of its first two columns; shown only for such outputs, in the
  // place of Log x / Log y.
  QCheckBox* pairPlotBox() const { return m_pair_box; }
  QTabWidget* viewTabs() const { return m_tabs; }
  // The plot being shown (line plot, heat map, bars or pair plot), or nullptr when the output has
  // no plot.
  QWidget* currentPlot() const;
  // By suffix: .png/.svg for the plot; .csv (elements table) or .json (the output) for data.
  bool exportPlot(const QString& path, QString* error = nullptr);
  bool exportData(const QString& path, QString* error = nullptr);

 signals:
  void message(const QString& text);

 private:
  void showElements(int output_row);
  void showPlot(const QString& name, const core::Value* v);
  void exportWithDialog(bool plot);
  void updatePlotControls();  // Log x / Log y for the line plot, Pair plot for samples

  void showStatus(const core::StepResult* s);
  void display(const QString& id);  // fills the tables for step `id` of the current result

  QString m_wanted_step;    // the step the user chose last (canvas or selector)
  QString m_wanted_output;  // the output the user chose last
  bool m_filling = false;   // selections made while filling are not the user's choice

  std::shared_ptr<const core::RunResult> m_result;
  QSet<QString> m_stale;
  QComboBox* m_step;
  QLabel* m_status;
  QStandardItemModel* m_outputs;
  QStandardItemModel* m_elements;
  QStandardItemModel* m_diagnostics;
  QTableView* m_outputs_view;
  QTableView* m_elements_view;
  QTableView* m_diagnostics_view;
  QTabWidget* m_tabs;
  QStackedWidget* m_plots;
  QLabel* m_no_plot;
  LinePlot* m_line;
  HeatMap* m_heat;
  SensitivityBars* m_bars;
  PairPlot* m_pairs;
  bool m_pairs_offered = false;  // the output shown is a sample matrix
  QCheckBox* m_pair_box;
  QCheckBox* m_log_x;
  QCheckBox* m_log_y;
};

}  // namespace sciagents::ui
