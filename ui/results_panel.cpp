#include "ui/results_panel.h"

#include "core/value/value_json.h"
#include "ui/value_format.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace sciagents::ui {

namespace {
constexpr Eigen::Index kMaxElementRows = 100000;

QString qstr(const std::string& s) { return QString::fromStdString(s); }

QTableView* makeTable(QStandardItemModel* model, QWidget* parent) {
  auto* v = new QTableView(parent);
  v->setModel(model);
  v->setEditTriggers(QAbstractItemView::NoEditTriggers);
  v->setSelectionBehavior(QAbstractItemView::SelectRows);
  v->verticalHeader()->setVisible(false);
  v->horizontalHeader()->setStretchLastSection(true);
  v->setAlternatingRowColors(true);
  return v;
}

QStandardItem* numberItem(double x) {
  auto* item = new QStandardItem(formatNumber(x));
  item->setData(x, Qt::UserRole);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

QStandardItem* valueItem(const core::Value& v) {
  if (v.isNumber()) return numberItem(v.asDouble());
  return new QStandardItem(summarizeValue(v));
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
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Step"), this));
  top->addWidget(m_step, 1);
  top->addWidget(m_status, 2);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(m_outputs_view);
  split->addWidget(m_elements_view);
  split->addWidget(m_diagnostics_view);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setStretchFactor(2, 3);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(top);
  layout->addWidget(split, 1);
  connect(m_step, &QComboBox::currentTextChanged, this, &ResultsPanel::showStep);
  connect(m_outputs_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showElements(current.row()); });
  clear();
}

void ResultsPanel::clear() {
  m_result.reset();
  {
    const QSignalBlocker block(m_step);
    m_step->clear();
  }
  m_status->setText(tr("No results yet: run the workflow (Run ▸ Run all)."));
  m_outputs->clear();
  m_outputs->setHorizontalHeaderLabels({tr("Output"), tr("Kind"), tr("Shape"), tr("Value")});
  m_elements->clear();
  m_diagnostics->clear();
  m_diagnostics->setHorizontalHeaderLabels({tr("Diagnostic"), tr("Value")});
}

void ResultsPanel::setResult(std::shared_ptr<const core::RunResult> result) {
  const QString keep = currentStep();
  clear();
  m_result = std::move(result);
  if (!m_result) return;
  {
    const QSignalBlocker block(m_step);
    for (const auto& s : m_result->steps) m_step->addItem(qstr(s.id));
  }
  const int idx = m_step->findText(keep);
  m_step->setCurrentIndex(idx >= 0 ? idx : 0);
  showStep(m_step->currentText());
}

QString ResultsPanel::currentStep() const { return m_step->currentText(); }

void ResultsPanel::showStep(const QString& id) {
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
  QString status = qstr(std::string(core::stepStatusName(s->status)));
  if (s->cached) status += tr(" (cached)");
  status += tr(", %1 s").arg(formatNumber(s->wall_seconds));
  if (!s->error.empty()) status += QStringLiteral(": ") + qstr(s->error);
  m_status->setText(status);
  m_status->setToolTip(status);
  for (const auto& [name, v] : s->outputs) {
    auto* n = new QStandardItem(qstr(name));
    n->setData(qstr(name), Qt::UserRole);
    m_outputs->appendRow({n, new QStandardItem(qstr(std::string(v.kindName()))), new QStandardItem(shapeText(v)),
                          valueItem(v)});
  }
  for (const auto& [name, v] : s->diagnostics) m_diagnostics->appendRow({new QStandardItem(qstr(name)), valueItem(v)});
  m_diagnostics->appendRow({new QStandardItem(tr("wall time [s]")), numberItem(s->wall_seconds)});
  m_outputs_view->resizeColumnsToContents();
  m_diagnostics_view->resizeColumnToContents(0);
  if (m_outputs->rowCount() > 0) m_outputs_view->setCurrentIndex(m_outputs->index(0, 0));
}

int ResultsPanel::outputRow(const QString& name) const {
  for (int r = 0; r < m_outputs->rowCount(); ++r)
    if (m_outputs->item(r, NameColumn)->text() == name) return r;
  return -1;
}

void ResultsPanel::showElements(int output_row) {
  m_elements->clear();
  const core::StepResult* s = m_result ? m_result->step(currentStep().toStdString()) : nullptr;
  if (!s || output_row < 0 || output_row >= m_outputs->rowCount()) return;
  const core::Value* v = s->outputs.count(m_outputs->item(output_row, NameColumn)->text().toStdString())
                             ? &s->outputs.at(m_outputs->item(output_row, NameColumn)->text().toStdString())
                             : nullptr;
  if (!v) return;
  if (v->kind() == core::ValueKind::Vector) {
    const auto& x = v->asVector();
    m_elements->setHorizontalHeaderLabels({tr("i"), m_outputs->item(output_row, NameColumn)->text()});
    for (Eigen::Index i = 0; i < x.size() && i < kMaxElementRows; ++i)
      m_elements->appendRow({new QStandardItem(QString::number(i)), numberItem(x[i])});
  } else if (v->kind() == core::ValueKind::Matrix) {
    const auto& m = v->asMatrix();
    QStringList headers{tr("row")};
    for (Eigen::Index c = 0; c < m.cols(); ++c) headers << QString::number(c);
    m_elements->setHorizontalHeaderLabels(headers);
    for (Eigen::Index r = 0; r < m.rows() && r < kMaxElementRows; ++r) {
      QList<QStandardItem*> row{new QStandardItem(QString::number(r))};
      for (Eigen::Index c = 0; c < m.cols(); ++c) row << numberItem(m(r, c));
      m_elements->appendRow(row);
    }
  }
}

}  // namespace sciagents::ui
