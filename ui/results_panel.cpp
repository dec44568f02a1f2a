#include "ui/results_panel.h"

#include "ui/study_plots.h"

#include "core/value/value_json.h"
#include "ui/heat_map.h"
#include "ui/line_plot.h"
#include "ui/pair_plot.h"
#include "ui/plot_export.h"
#include "ui/qt_convert.h"
#include "ui/sensitivity_bars.h"
#include "ui/theme.h"
#include "ui/value_format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace sciagents::ui {

namespace {
constexpr Eigen::Index kMaxElementRows = 100000;

QTableView* makeTable(QStandardItemModel* model, QWidget* parent) {
  auto* v = new QTableView(parent);
  v->setModel(model);
  v->setEditTriggers(QAbstractItemView::NoEditTriggers);
  v->setSelectionBehavior(QAbstractItemView::SelectRows);
  v->verticalHeader()->setVisible(false);
  v->horizontalHeader()->setStretchLastSection(true);
  v->setAlternatingRowColors(true);
  v->setWordWrap(false);  // one line per row; long values elide and show whole in the tooltip
  v->setTextElideMode(Qt::ElideRight);
  return v;
}

// Columns fit their contents, but none grows past kMaxColumnWidth; the last one takes the rest of
// the view (and elides), so values are never pushed out of sight.
void fitColumns(QTableView* v) {
  const int last = v->model()->columnCount() - 1;
  for (int c = 0; c < last; ++c) {
    v->resizeColumnToContents(c);
    if (v->columnWidth(c) > ResultsPanel::kMaxColumnWidth)
      v->setColumnWidth(c, ResultsPanel::kMaxColumnWidth);
  }
}

QStandardItem* numberItem(double x) {
  auto* item = new QStandardItem(numberForTable(x));
  item->setData(x, Qt::UserRole);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

// Row axis and column names of matrix output `name` of step `s`: the step's time vector "t" when it
// has one entry per row (ode_pde.ivp's y), and the names in its "states" param.
struct MatrixLabels {
  const core::Vector* t = nullptr;
  QStringList names;
};

MatrixLabels matrixLabels(const core::StepResult* s, const QString& name, const core::Matrix& m) {
  MatrixLabels out;
  if (!s || name == QStringLiteral("t")) return out;
  const auto it = s->outputs.find("t");
  if (it != s->outputs.end() && it->second.kind() == core::ValueKind::Vector &&
      it->second.asVector().size() == m.rows())
    out.t = &it->second.asVector();
  const auto st = s->params.find("states");
  if (st != s->params.end() && st->second.kind() == core::ValueKind::List)
    for (const auto& n : st->second.asList())
      out.names << (n.isString() ? qstr(n.asString()) : QString());
  return out;
}

// The names of a step's inputs when it outputs them ("names", uq.sobol) and there are `n`: the
// labels of the rows of its per-input vectors and matrices.
QStringList inputNames(const core::StepResult* s, Eigen::Index n) {
  if (!s) return {};
  const auto it = s->outputs.find("names");
  if (it == s->outputs.end() || it->second.kind() != core::ValueKind::List ||
      Eigen::Index(it->second.asList().size()) != n)
    return {};
  QStringList names;
  for (const auto& v : it->second.asList())
    names << (v.isString() ? qstr(v.asString()) : QString::number(names.size()));
  return names;
}

// Output `name` of `s` when it is a finite vector of n numbers.
const core::Vector* vectorOutput(const core::StepResult* s, const std::string& name,
                                 Eigen::Index n) {
  if (!s) return nullptr;
  const auto it = s->outputs.find(name);
  if (it == s->outputs.end() || it->second.kind() != core::ValueKind::Vector) return nullptr;
  const auto& v = it->second.asVector();
  return v.size() == n && v.allFinite() ? &v : nullptr;
}

// uq.sobol's outputs as bars: S1 and ST per input, whiskers from the bootstrap intervals (or ± the
// half-widths); empty when the step has no indices.
QList<SensitivityBars::Input> sensitivityIndices(const core::StepResult* s) {
  if (!s || !s->outputs.count("S1") || s->outputs.at("S1").kind() != core::ValueKind::Vector)
    return {};
  const Eigen::Index n = s->outputs.at("S1").asVector().size();
  const core::Vector* s1 = vectorOutput(s, "S1", n);
  const core::Vector* st = vectorOutput(s, "ST", n);
  const QStringList names = inputNames(s, n);
  if (!s1 || !st || names.isEmpty()) return {};
  const auto bar = [&](const std::string& key, const core::Vector& value, Eigen::Index i) {
    SensitivityBars::Bar b{value[i], value[i], value[i]};
    const auto it = s->outputs.find(key + "_interval");
    if (it != s->outputs.end() && it->second.kind() == core::ValueKind::Matrix &&
        it->second.asMatrix().rows() == n && it->second.asMatrix().cols() == 2 &&
        it->second.asMatrix().row(i).allFinite()) {
      b.low = it->second.asMatrix()(i, 0);
      b.high = it->second.asMatrix()(i, 1);
    } else if (const core::Vector* h = vectorOutput(s, key + "_conf", n)) {
      b.low = value[i] - (*h)[i];
      b.high = value[i] + (*h)[i];
    }
    return b;
  };
  QList<SensitivityBars::Input> out;
  for (Eigen::Index i = 0; i < n; ++i)
    out << SensitivityBars::Input{names[int(i)], bar("S1", *s1, i), bar("ST", *st, i)};
  return out;
}

bool isSensitivityOutput(const QString& name) {
  static const QStringList kNames{QStringLiteral("S1"),          QStringLiteral("ST"),
                                  QStringLiteral("S1_conf"),     QStringLiteral("ST_conf"),
                                  QStringLiteral("S1_interval"), QStringLiteral("ST_interval")};
  return kNames.contains(name);
}

QStandardItem* valueItem(const core::Value& v) {
  QStandardItem* item =
      v.isNumber() ? numberItem(v.asDouble()) : new QStandardItem(summarizeValue(v));
  item->setToolTip(fullValueText(v));
  return item;
}
}  // namespace

ResultsPanel::ResultsPanel(QWidget* parent)
    : QWidget(parent),
      m_step(new QComboBox(this)),
      m_status(new QLabel(this)),
      m_outputs(new QStandardItemModel(this)),
      m_elements(new QStandardItemModel(this)),
      m_diagnostics(new QStandardItemModel(this)) {
  m_outputs_view = makeTable(m_outputs, this);
  m_elements_view = makeTable(m_elements, this);
  m_diagnostics_view = makeTable(m_diagnostics, this);
  m_line = new LinePlot(this);
  m_heat = new HeatMap(this);
  m_bars = new SensitivityBars(this);
  m_pairs = new PairPlot(this);
  m_no_plot =
      new QLabel(tr("No plot for this output: select a vector, time series or grid field."), this);
  m_no_plot->setAlignment(Qt::AlignCenter);
  m_no_plot->setWordWrap(true);
  m_plots = new QStackedWidget(this);
  m_plots->addWidget(m_no_plot);
  m_plots->addWidget(m_line);
  m_plots->addWidget(m_heat);
  m_plots->addWidget(m_bars);
  m_plots->addWidget(m_pairs);
  connect(m_plots, &QStackedWidget::currentChanged, this, &ResultsPanel::updatePlotControls);
  m_log_x = new QCheckBox(tr("Log x"), this);
  m_log_y = new QCheckBox(tr("Log y"), this);
  m_pair_box = new QCheckBox(tr("Pair plot"), this);
  m_pair_box->setChecked(true);
  m_pair_box->setToolTip(
      tr("Every pair of columns of the samples (histograms on the diagonal), or the scatter of the "
         "first two"));
  // Beside the Plot and Table tabs, not above the plot: in the short Results dock the row took
  // the height the plot's axes need for their numbers (issue 18: they were elided to "...").
  auto* plotControls = new QWidget(this);
  auto* plotBar = new QHBoxLayout(plotControls);
  plotBar->setContentsMargins(0, 0, 0, 0);
  plotBar->addWidget(m_log_x);
  plotBar->addWidget(m_log_y);
  plotBar->addWidget(m_pair_box);
  plotBar->addStretch(1);
  auto* pngButton = new QPushButton(tr("Export plot…"), this);
  pngButton->setToolTip(tr("Save the plot as PNG or SVG"));
  auto* dataButton = new QPushButton(tr("Export data…"), this);
  dataButton->setToolTip(tr("Save the table as CSV or the output as JSON"));
  plotBar->addWidget(pngButton);
  plotBar->addWidget(dataButton);
  auto* plotPage = new QWidget(this);
  auto* plotLayout = new QVBoxLayout(plotPage);
  plotLayout->setContentsMargins(0, 0, 0, 0);
  plotLayout->addWidget(m_plots, 1);
  m_tabs = new QTabWidget(this);
  m_tabs->setCornerWidget(plotControls, Qt::TopRightCorner);
  m_tabs->addTab(plotPage, tr("Plot"));
  m_tabs->addTab(m_elements_view, tr("Table"));
  connect(m_log_x, &QCheckBox::toggled, m_line, &LinePlot::setLogX);
  connect(m_log_y, &QCheckBox::toggled, m_line, &LinePlot::setLogY);
  connect(m_pair_box, &QCheckBox::toggled, this, [this] {
    if (m_pairs_offered) showPlot(currentOutput(), currentValue());
  });
  connect(pngButton, &QPushButton::clicked, this, [this] { exportWithDialog(true); });
  connect(dataButton, &QPushButton::clicked, this, [this] { exportWithDialog(false); });
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Step"), this));
  top->addWidget(m_step, 1);
  // A long status (a run error) wraps instead of widening the dock, and with it the window,
  // beyond the screen; the full text is in the tooltip and the Run log.
  m_status->setWordWrap(true);
  m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  top->addWidget(m_status, 2);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(m_outputs_view);
  split->addWidget(m_tabs);
  split->addWidget(m_diagnostics_view);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 4);
  split->setStretchFactor(2, 2);
  split->setSizes({360, 480, 240});  // the outputs' values need room (sizes scale with the panel)
  m_outputs_view->setToolTip(tr("Double-click an output to see all of it in the Table tab"));
  connect(m_outputs_view, &QTableView::doubleClicked, this,
          [this](const QModelIndex& i) { showDetail(i.row()); });
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(top);
  layout->addWidget(split, 1);
  connect(m_step, &QComboBox::currentTextChanged, this, &ResultsPanel::showStep);
  connect(m_outputs_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (!m_filling && current.isValid())
              m_wanted_output = m_outputs->item(current.row(), NameColumn)->text();
            showElements(current.row());
          });
  clear();
}

void ResultsPanel::clear() {
  m_result.reset();
  {
    const QSignalBlocker block(m_step);
    m_step->clear();
  }
  m_status->setText(tr("No results yet: run the workflow (Run ▸ Run all)."));
  m_status->setStyleSheet(QString());
  m_outputs->clear();
  m_outputs->setHorizontalHeaderLabels({tr("Output"), tr("Kind"), tr("Shape"), tr("Value")});
  m_elements->clear();
  m_line->clearPlot();
  m_heat->clearField();
  m_bars->clear();
  m_pairs->clearSamples();
  m_pairs_offered = false;
  m_plots->setCurrentWidget(m_no_plot);
  m_diagnostics->clear();
  m_diagnostics->setHorizontalHeaderLabels({tr("Diagnostic"), tr("Value")});
}

void ResultsPanel::setResult(std::shared_ptr<const core::RunResult> result) {
  const QString keep = m_wanted_step.isEmpty() ? currentStep() : m_wanted_step;
  clear();
  m_result = std::move(result);
  if (!m_result) return;
  {
    const QSignalBlocker block(m_step);
    for (const auto& s : m_result->steps) m_step->addItem(qstr(s.id));
  }
  const int idx = m_step->findText(keep);
  {
    const QSignalBlocker block(m_step);
    m_step->setCurrentIndex(idx >= 0 ? idx : 0);
  }
  display(m_step->currentText());
}

QString ResultsPanel::currentStep() const { return m_step->currentText(); }

void ResultsPanel::showStep(const QString& id) {
  if (!id.isEmpty()) m_wanted_step = id;
  display(id);
}

void ResultsPanel::display(const QString& id) {
  const QScopedValueRollback<bool> filling(m_filling, true);
  if (m_step->currentText() != id) {
    const int idx = m_step->findText(id);
    if (idx < 0) return;
    const QSignalBlocker block(m_step);
    m_step->setCurrentIndex(idx);
  }
  m_outputs->removeRows(0, m_outputs->rowCount());
  m_diagnostics->removeRows(0, m_diagnostics->rowCount());
  m_elements->clear();
  const core::StepResult* s = m_result ? m_result->step(id.toStdString()) : nullptr;
  if (!s) return;
  showStatus(s);
  for (const auto& [name, v] : s->outputs) {
    auto* n = new QStandardItem(qstr(name));
    n->setData(qstr(name), Qt::UserRole);
    m_outputs->appendRow({n, new QStandardItem(qstr(std::string(v.kindName()))),
                          new QStandardItem(shapeText(v)), valueItem(v)});
  }
  for (const auto& [name, v] : s->diagnostics)
    m_diagnostics->appendRow({new QStandardItem(qstr(name)), valueItem(v)});
  m_diagnostics->appendRow({new QStandardItem(tr("wall time [s]")), numberItem(s->wall_seconds)});
  fitColumns(m_outputs_view);
  fitColumns(m_diagnostics_view);
  const int wanted = outputRow(m_wanted_output);
  if (m_outputs->rowCount() > 0)
    m_outputs_view->setCurrentIndex(m_outputs->index(wanted >= 0 ? wanted : 0, 0));
}

void ResultsPanel::showStatus(const core::StepResult* s) {
  QString status = qstr(std::string(core::stepStatusName(s->status)));
  if (s->cached) status += tr(" (cached)");
  status += tr(", %1 s").arg(numberForTable(s->wall_seconds));
  if (!s->error.empty()) status += QStringLiteral(": ") + qstr(s->error);
  const bool stale = m_stale.contains(qstr(s->id));
  if (stale) status += tr(" — out of date: the step changed after this run; run it again");
  m_status->setText(status);
  m_status->setToolTip(status);
  m_status->setStyleSheet(
      stale ? QStringLiteral("QLabel { color: %1; }").arg(statusTextColor(NodeStatus::Stale).name())
            : QString());
}

void ResultsPanel::setStale(const QString& step, bool stale) {
  if (m_stale.contains(step) == stale) return;
  if (stale)
    m_stale.insert(step);
  else
    m_stale.remove(step);
  if (step != currentStep()) return;
  if (const core::StepResult* s = m_result ? m_result->step(step.toStdString()) : nullptr)
    showStatus(s);
}

QString ResultsPanel::statusText() const { return m_status->text(); }

int ResultsPanel::outputRow(const QString& name) const {
  for (int r = 0; r < m_outputs->rowCount(); ++r)
    if (m_outputs->item(r, NameColumn)->text() == name) return r;
  return -1;
}

const core::Value* ResultsPanel::currentValue() const {
  const core::StepResult* s = m_result ? m_result->step(currentStep().toStdString()) : nullptr;
  const QModelIndex cur = m_outputs_view->currentIndex();
  if (!s || !cur.isValid() || cur.row() >= m_outputs->rowCount()) return nullptr;
  const auto it = s->outputs.find(m_outputs->item(cur.row(), NameColumn)->text().toStdString());
  return it == s->outputs.end() ? nullptr : &it->second;
}

QString ResultsPanel::currentOutput() const {
  const QModelIndex cur = m_outputs_view->currentIndex();
  return cur.isValid() && cur.row() < m_outputs->rowCount()
             ? m_outputs->item(cur.row(), NameColumn)->text()
             : QString();
}

void ResultsPanel::showOutput(const QString& name) {
  m_wanted_output = name;
  const int row = outputRow(name);
  if (row >= 0) m_outputs_view->setCurrentIndex(m_outputs->index(row, 0));
}

QWidget* ResultsPanel::currentPlot() const {
  QWidget* w = m_plots->currentWidget();
  return w == m_no_plot ? nullptr : w;
}

void ResultsPanel::showPlot(const QString& name, const core::Value* v) {
  m_line->clearPlot();
  m_heat->clearField();
  m_bars->clear();
  m_pairs->clearSamples();
  m_pairs_offered = false;
  m_plots->setCurrentWidget(m_no_plot);
  updatePlotControls();
  if (!v) return;
  const QString title = currentStep() + QStringLiteral(".") + name;
  const core::StepResult* step = m_result ? m_result->step(currentStep().toStdString()) : nullptr;
  if (isSensitivityOutput(name)) {
    // Sensitivity indices are bars per input, S1 and ST together, whatever index is selected.
    if (const auto indices = sensitivityIndices(step); !indices.isEmpty()) {
      m_bars->setIndices(currentStep() + tr(": sensitivity indices"), indices);
      m_plots->setCurrentWidget(m_bars);
      return;
    }
  }
  // Studies: output against a swept value or a heat map, histogram and density, indices against
  // time, Morris, samples (a pair plot or the scatter of two), a GP's band (ui/study_plots.h).
  if (step)
    if (const auto study = studyPlot(*step, name)) {
      if (study->samples.cols() >= 2) {
        m_pairs_offered = true;
        m_pairs->setSamples(
            qstr(step->id) + (step->agent == "inverse" ? tr(": posterior draws, pair plot")
                                                       : tr(": samples, pair plot")),
            study->samples, study->sample_names);
        m_line->setCurves(study->title, study->x_label, study->y_label, study->curves);
        m_plots->setCurrentWidget(m_pair_box->isChecked() ? static_cast<QWidget*>(m_pairs)
                                                          : m_line);
        updatePlotControls();
        return;
      }
      if (study->kind == StudyPlot::Kind::HeatMap) {
        if (m_heat->setField(study->field, study->title)) {
          m_plots->setCurrentWidget(m_heat);
          return;
        }
      } else {
        m_line->setCurves(study->title, study->x_label, study->y_label, study->curves);
        m_plots->setCurrentWidget(m_line);
        return;
      }
    }
  QList<LinePlot::Curve> curves;
  if (v->kind() == core::ValueKind::Vector) {
    const auto& x = v->asVector();
    LinePlot::Curve c{name, {}};
    for (Eigen::Index i = 0; i < x.size(); ++i) c.points << QPointF(double(i), x[i]);
    curves << c;
    m_line->setCurves(title, tr("index"), name, curves);
  } else if (v->kind() == core::ValueKind::Matrix) {
    // Columns against the step's time vector "t" when it matches (ode_pde.ivp), else the row index.
    const auto& m = v->asMatrix();
    const auto [t, names] =
        matrixLabels(m_result ? m_result->step(currentStep().toStdString()) : nullptr, name, m);
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      const QString cname = c < names.size() && !names[c].isEmpty()
                                ? names[c]
                                : QStringLiteral("%1[%2]").arg(name).arg(c);
      LinePlot::Curve curve{cname, {}};
      for (Eigen::Index r = 0; r < m.rows(); ++r)
        curve.points << QPointF(t ? (*t)[r] : double(r), m(r, c));
      curves << curve;
    }
    m_line->setCurves(title, t ? QStringLiteral("t") : tr("row"), name, curves);
  } else if (v->kind() == core::ValueKind::TimeSeries) {
    const auto& ts = v->asTimeSeries();
    for (Eigen::Index c = 0; c < ts.values.cols(); ++c) {
      LinePlot::Curve curve{c < Eigen::Index(ts.names.size()) ? qstr(ts.names[std::size_t(c)])
                                                              : QStringLiteral("y%1").arg(c),
                            {}};
      for (Eigen::Index r = 0; r < ts.values.rows() && r < ts.t.size(); ++r)
        curve.points << QPointF(ts.t[r], ts.values(r, c));
      curves << curve;
    }
    m_line->setCurves(title, QStringLiteral("t"), name, curves);
  } else if (v->kind() == core::ValueKind::GridField && v->asGrid().axes.size() == 1) {
    const auto& g = v->asGrid();
    LinePlot::Curve c{name, {}};
    for (Eigen::Index i = 0; i < g.values.size() && i < g.axes[0].size(); ++i)
      c.points << QPointF(g.axes[0][i], g.values[i]);
    curves << c;
    m_line->setCurves(title, g.axis_names.empty() ? QStringLiteral("x") : qstr(g.axis_names[0]),
                      name, curves);
  } else if (v->kind() == core::ValueKind::GridField) {
    if (m_heat->setField(v->asGrid(), title)) m_plots->setCurrentWidget(m_heat);
    return;
  } else {
    return;
  }
  m_plots->setCurrentWidget(m_line);
}

void ResultsPanel::updatePlotControls() {
  const bool line = m_plots->currentWidget() == m_line;  // log axes are the line plot's
  m_log_x->setEnabled(line);
  m_log_y->setEnabled(line);
  // For a sample matrix the Pair plot box takes the log boxes' place: the row beside the tabs has
  // room for four controls in a narrow dock.
  m_pair_box->setVisible(m_pairs_offered);
  m_pair_box->setEnabled(m_pairs_offered);
  m_log_x->setVisible(!m_pairs_offered);
  m_log_y->setVisible(!m_pairs_offered);
}

bool ResultsPanel::exportPlot(const QString& path, QString* error) {
  QWidget* plot = currentPlot();
  if (!plot) {
    if (error) *error = tr("The selected output has no plot");
    return false;
  }
  return exportWidgetImage(plot, path, error);
}

bool ResultsPanel::exportData(const QString& path, QString* error) {
  if (QFileInfo(path).suffix().compare(QStringLiteral("json"), Qt::CaseInsensitive) == 0) {
    const core::Value* v = currentValue();
    if (!v) {
      if (error) *error = tr("Select an output first");
      return false;
    }
    return exportValueJson(*v, path, error);
  }
  return exportModelCsv(m_elements->rowCount() > 0 ? m_elements : m_outputs, path, error);
}

void ResultsPanel::exportWithDialog(bool plot) {
  const QString base = currentStep().isEmpty() ? QStringLiteral("result") : currentStep();
  const QString path =
      plot ? QFileDialog::getSaveFileName(this, tr("Export plot"), base + QStringLiteral(".png"),
                                          tr("PNG image (*.png);;SVG drawing (*.svg)"))
           : QFileDialog::getSaveFileName(this, tr("Export data"), base + QStringLiteral(".csv"),
                                          tr("CSV table (*.csv);;JSON value (*.json)"));
  if (path.isEmpty()) return;
  QString error;
  const bool ok = plot ? exportPlot(path, &error) : exportData(path, &error);
  emit message(ok ? tr("Exported %1").arg(path) : error);
}

void ResultsPanel::showDetail(int output_row) {
  if (output_row < 0 || output_row >= m_outputs->rowCount()) return;
  if (m_outputs_view->currentIndex().row() != output_row)
    m_outputs_view->setCurrentIndex(m_outputs->index(output_row, 0));
  m_tabs->setCurrentWidget(m_elements_view);
}

void ResultsPanel::showElements(int output_row) {
  m_elements->clear();
  showPlot(QString(), nullptr);
  const core::StepResult* s = m_result ? m_result->step(currentStep().toStdString()) : nullptr;
  if (!s || output_row < 0 || output_row >= m_outputs->rowCount()) return;
  const core::Value* v =
      s->outputs.count(m_outputs->item(output_row, NameColumn)->text().toStdString())
          ? &s->outputs.at(m_outputs->item(output_row, NameColumn)->text().toStdString())
          : nullptr;
  showPlot(m_outputs->item(output_row, NameColumn)->text(), v);
  if (!v) return;
  if (v->kind() == core::ValueKind::TimeSeries) {
    const auto& ts = v->asTimeSeries();
    QStringList headers{QStringLiteral("t")};
    for (Eigen::Index c = 0; c < ts.values.cols(); ++c)
      headers << (c < Eigen::Index(ts.names.size()) ? qstr(ts.names[std::size_t(c)])
                                                    : QStringLiteral("y%1").arg(c));
    m_elements->setHorizontalHeaderLabels(headers);
    for (Eigen::Index r = 0; r < ts.values.rows() && r < ts.t.size() && r < kMaxElementRows; ++r) {
      QList<QStandardItem*> row{numberItem(ts.t[r])};
      for (Eigen::Index c = 0; c < ts.values.cols(); ++c) row << numberItem(ts.values(r, c));
      m_elements->appendRow(row);
    }
  } else if (v->kind() == core::ValueKind::GridField && v->asGrid().axes.size() == 2) {
    const auto& g = v->asGrid();
    const auto ny = g.axes[1].size();
    m_elements->setHorizontalHeaderLabels(
        {g.axis_names.size() > 0 ? qstr(g.axis_names[0]) : QStringLiteral("x"),
         g.axis_names.size() > 1 ? qstr(g.axis_names[1]) : QStringLiteral("y"),
         m_outputs->item(output_row, NameColumn)->text()});
    for (Eigen::Index k = 0; k < g.values.size() && k < kMaxElementRows && ny > 0; ++k)
      m_elements->appendRow(
          {numberItem(g.axes[0][k / ny]), numberItem(g.axes[1][k % ny]), numberItem(g.values[k])});
  } else if (v->kind() == core::ValueKind::Vector) {
    // One row per element, named by the step's inputs when it has them (uq.sobol: x1, x2, …), with
    // the value's digits matched to its half-width when the step gives one (S1 ± S1_conf).
    const auto& x = v->asVector();
    const QString name = m_outputs->item(output_row, NameColumn)->text();
    const QStringList names = inputNames(s, x.size());
    const core::Vector* half = vectorOutput(s, name.toStdString() + "_conf", x.size());
    m_elements->setHorizontalHeaderLabels({names.isEmpty() ? tr("i") : tr("input"), name});
    for (Eigen::Index i = 0; i < x.size() && i < kMaxElementRows; ++i) {
      QStandardItem* value = numberItem(x[i]);
      if (half) {
        value->setText(valueWithUncertainty(x[i], (*half)[i]));
        value->setToolTip(
            tr("%1 ± %2 (unrounded)").arg(numberForTable(x[i]), numberForTable((*half)[i])));
      }
      m_elements->appendRow(
          {new QStandardItem(names.isEmpty() ? QString::number(i) : names[int(i)]), value});
    }
  } else if (v->kind() == core::ValueKind::Matrix) {
    // Rows against the step's times when it has them (an ODE's y: t, then one column per state).
    const auto& m = v->asMatrix();
    const QString name = m_outputs->item(output_row, NameColumn)->text();
    const auto [t, names] = matrixLabels(s, name, m);
    // Rows per input (uq.sobol's S1_interval: x1, x2, … with low and high).
    const QStringList rows = t ? QStringList() : inputNames(s, m.rows());
    const bool interval =
        !rows.isEmpty() && m.cols() == 2 && name.endsWith(QStringLiteral("_interval"));
    QStringList headers{t ? QStringLiteral("t") : rows.isEmpty() ? tr("row") : tr("input")};
    // The columns of a sample matrix are the step's inputs (k, c) or parameters.
    const QStringList columns =
        names.isEmpty() && isSampleOutput(*s, name) ? sampleNames(*s, m.cols()) : names;
    for (Eigen::Index c = 0; c < m.cols(); ++c)
      headers << (interval                                      ? (c == 0 ? tr("low") : tr("high"))
                  : c < columns.size() && !columns[c].isEmpty() ? columns[c]
                                                                : QString::number(c));
    m_elements->setHorizontalHeaderLabels(headers);
    for (Eigen::Index r = 0; r < m.rows() && r < kMaxElementRows; ++r) {
      QList<QStandardItem*> row{t                ? numberItem((*t)[r])
                                : rows.isEmpty() ? new QStandardItem(QString::number(r))
                                                 : new QStandardItem(rows[int(r)])};
      for (Eigen::Index c = 0; c < m.cols(); ++c) row << numberItem(m(r, c));
      m_elements->appendRow(row);
    }
  } else {  // numbers, strings, lists, maps, tables: the whole value, one line per line of text
    m_elements->setHorizontalHeaderLabels({m_outputs->item(output_row, NameColumn)->text()});
    const QString text = fullValueText(*v, 1000, 200000);
    for (const QString& line : text.split(QLatin1Char('\n'))) {
      auto* item = new QStandardItem(line);
      item->setToolTip(line);
      m_elements->appendRow(item);
    }
  }
  fitColumns(m_elements_view);
}

}  // namespace sciagents::ui
