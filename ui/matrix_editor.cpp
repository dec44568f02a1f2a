#include "ui/matrix_editor.h"

#include "ui/qt_convert.h"
#include "ui/table_editor_util.h"

#include <QApplication>
#include <QClipboard>
#include <QGridLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QRegularExpression>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <cstdint>

namespace sciagents::ui {

using nlohmann::json;

namespace {
// A cell's number; false for text that is not a (finite) number.
bool cellNumber(const QString& text, double* out) {
  bool ok = false;
  const double v = text.trimmed().toDouble(&ok);
  if (!ok || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool isNumberArray(const json& j) {
  if (!j.is_array()) return false;
  for (const auto& e : j)
    if (!e.is_number()) return false;
  return true;
}

}  // namespace

MatrixEditor::MatrixEditor(Shape shape, QWidget* parent)
    : QWidget(parent),
      m_shape(shape),
      m_table(new QTableWidget(this)),
      m_add_row(tableToolButton(tr("+ Row"), tr("Add a row of zeros"), this)),
      m_remove_row(tableToolButton(tr("− Row"), tr("Remove the current row"), this)),
      m_add_col(tableToolButton(tr("+ Col"), tr("Add a column of zeros"), this)),
      m_remove_col(tableToolButton(tr("− Col"), tr("Remove the current column"), this)),
      m_paste(tableToolButton(
          tr("Paste"),
          tr("Paste numbers separated by tabs, commas or spaces, one row per line (Ctrl+V)"),
          this)) {
  m_table->setObjectName(QStringLiteral("MatrixTable"));
  // Tab leaves the table (the arrow keys move between cells): Tab went round its cells for ever,
  // and a keyboard user could not get past a y0 to the rest of the form (issue 18).
  m_table->setTabKeyNavigation(false);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  m_table->horizontalHeader()->setMinimumSectionSize(48);
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
  m_table->setToolTip(shape == Shape::Vector ? tr("One element per row")
                                             : tr("One row of the matrix per table row"));
  m_table->installEventFilter(this);
  if (shape == Shape::Vector) {
    m_table->setColumnCount(1);
    m_table->horizontalHeader()->hide();
    m_add_col->hide();
    m_remove_col->hide();
  }
  connect(m_table, &QTableWidget::itemChanged, this, [this] {
    if (!m_filling) changed();
  });
  connect(m_add_row, &QToolButton::clicked, this, &MatrixEditor::addRow);
  connect(m_remove_row, &QToolButton::clicked, this, &MatrixEditor::removeRow);
  connect(m_add_col, &QToolButton::clicked, this, &MatrixEditor::addColumn);
  connect(m_remove_col, &QToolButton::clicked, this, &MatrixEditor::removeColumn);
  connect(m_paste, &QToolButton::clicked, this, [this] {
    if (auto* cb = QApplication::clipboard()) pasteText(cb->text());
  });

  // Rows and Paste on one line, columns under them: the form stays narrow enough for the
  // Properties dock at 1280 x 800 (five buttons side by side were cut off).
  auto* buttons = new QGridLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  buttons->setHorizontalSpacing(2);
  buttons->setVerticalSpacing(0);
  buttons->addWidget(m_add_row, 0, 0);
  buttons->addWidget(m_remove_row, 0, 1);
  buttons->addWidget(m_paste, 0, 2);
  buttons->addWidget(m_add_col, 1, 0);
  buttons->addWidget(m_remove_col, 1, 1);
  buttons->setColumnStretch(3, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(1);
  layout->addWidget(m_table);
  layout->addLayout(buttons);
  setValue(json());
}

bool MatrixEditor::setValue(const json& value) {
  if (isEnabled() &&
      !value.is_null()) {  // already shown (e.g. the document echoing our edit): keep the cursor
    QString problem;
    if (this->value(&problem) == value && problem.isEmpty()) return true;
  }
  std::vector<std::vector<double>> rows;
  bool ok = true;
  m_flat = true;  // nested only when the value was nested
  if (value.is_null()) {
  } else if (isNumberArray(value)) {
    for (const auto& e : value) rows.push_back({e.get<double>()});
  } else if (m_shape == Shape::Matrix && value.is_array() && !value.empty()) {
    const std::size_t cols = value.front().is_array() ? value.front().size() : 0;
    for (const auto& r : value) {
      if (!isNumberArray(r) || r.size() != cols || cols == 0) {
        ok = false;
        break;
      }
      rows.emplace_back();
      m_flat = false;
      for (const auto& e : r) rows.back().push_back(e.get<double>());
    }
  } else {
    ok = false;
  }
  if (!ok) rows.clear();
  m_filling = true;
  m_table->clearContents();
  m_table->setRowCount(int(rows.size()));
  if (m_shape == Shape::Matrix)
    m_table->setColumnCount(rows.empty() ? 0 : int(rows.front().size()));
  for (int r = 0; r < int(rows.size()); ++r)
    for (int c = 0; c < int(rows[std::size_t(r)].size()); ++c)
      m_table->setItem(
          r, c, new QTableWidgetItem(numberForEditing(rows[std::size_t(r)][std::size_t(c)])));
  m_filling = false;
  m_problem.clear();
  setEnabled(ok);
  updateButtons();
  fitHeight();
  return ok;
}

json MatrixEditor::value(QString* problem) const {
  json rows = json::array();
  for (int r = 0; r < m_table->rowCount(); ++r) {
    json row = json::array();
    for (int c = 0; c < m_table->columnCount(); ++c) {
      const QTableWidgetItem* item = m_table->item(r, c);
      const QString text = item ? item->text() : QString();
      double v = 0;
      if (!cellNumber(text, &v)) {
        if (problem)
          *problem = text.trimmed().isEmpty()
                         ? tr("row %1, column %2: empty; enter a number").arg(r + 1).arg(c + 1)
                         : tr("row %1, column %2: '%3' is not a number")
                               .arg(r + 1)
                               .arg(c + 1)
                               .arg(text.trimmed());
        return json();
      }
      // Whole numbers are written as integers, as a person would type them in the file.
      if (v == std::trunc(v) && std::abs(v) < 1e15)
        row.push_back(static_cast<std::int64_t>(v));
      else
        row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  if (m_shape == Shape::Matrix && !(m_flat && m_table->columnCount() == 1)) return rows;
  json flat = json::array();
  for (const auto& r : rows)
    for (const auto& e : r) flat.push_back(e);
  return flat;
}

void MatrixEditor::changed() {
  // Mark every cell that is not a number (a translucent red reads on light and dark palettes).
  m_filling = true;
  for (int r = 0; r < m_table->rowCount(); ++r)
    for (int c = 0; c < m_table->columnCount(); ++c) {
      QTableWidgetItem* item = m_table->item(r, c);
      if (!item) continue;
      double v = 0;
      const bool bad = !cellNumber(item->text(), &v);
      item->setBackground(bad ? QBrush(QColor(220, 40, 40, 90)) : QBrush());
      item->setToolTip(bad ? tr("Not a number") : QString());
    }
  m_filling = false;
  QString message;
  const json v = value(&message);
  m_problem = message;
  emit problem(message);
  updateButtons();
  fitHeight();
  if (message.isEmpty()) emit edited(v);
}

void MatrixEditor::addRow() {
  m_filling = true;
  if (m_table->columnCount() == 0) m_table->setColumnCount(1);
  const int r = m_table->rowCount();
  m_table->insertRow(r);
  for (int c = 0; c < m_table->columnCount(); ++c)
    m_table->setItem(r, c, new QTableWidgetItem(QStringLiteral("0")));
  m_filling = false;
  changed();
}

void MatrixEditor::removeRow() {
  if (m_table->rowCount() == 0) return;
  const int r = m_table->currentRow() >= 0 ? m_table->currentRow() : m_table->rowCount() - 1;
  m_table->removeRow(r);
  changed();
}

void MatrixEditor::addColumn() {
  if (m_shape == Shape::Vector) return;
  m_filling = true;
  if (m_table->rowCount() == 0) m_table->setRowCount(1);
  const int c = m_table->columnCount();
  m_table->insertColumn(c);
  for (int r = 0; r < m_table->rowCount(); ++r)
    m_table->setItem(r, c, new QTableWidgetItem(QStringLiteral("0")));
  m_filling = false;
  changed();
}

void MatrixEditor::removeColumn() {
  if (m_shape == Shape::Vector || m_table->columnCount() == 0) return;
  const int c =
      m_table->currentColumn() >= 0 ? m_table->currentColumn() : m_table->columnCount() - 1;
  m_table->removeColumn(c);
  if (m_table->columnCount() == 0) m_table->setRowCount(0);
  changed();
}

bool MatrixEditor::pasteText(const QString& text) {
  static const QRegularExpression kCellSeparator(QStringLiteral("[\\t,;]|\\s+"));
  std::vector<QStringList> rows;
  // JSON ([1, 2] or [[1, 2], [3, 4]]) keeps its rows; a flat list is a column.
  const json j = parseJson(text.trimmed());
  if (!j.is_discarded() && j.is_array() && !j.empty()) {
    for (const auto& r : j) {
      rows.emplace_back();
      for (const auto& e : r.is_array() ? r : json::array({r})) rows.back() << jsonText(e);
    }
  }
  if (!rows.empty()) {
  } else
    for (const QString& line : text.split(QRegularExpression(QStringLiteral("\\r?\\n")))) {
      QString l = line.trimmed();
      // [1, 2] or [[1, 2], [3, 4]] copied as JSON: the brackets are not cells.
      l.remove(QLatin1Char('[')).remove(QLatin1Char(']'));
      if (l.trimmed().isEmpty()) continue;
      QStringList cells = l.split(kCellSeparator, Qt::SkipEmptyParts);
      for (QString& cell : cells) cell = cell.trimmed();
      cells.removeAll(QString());
      if (!cells.isEmpty()) rows.push_back(cells);
    }
  if (rows.empty()) return false;
  if (m_shape == Shape::Vector) {  // a row of numbers pasted into a vector becomes its elements
    std::vector<QStringList> column;
    for (const auto& r : rows)
      for (const auto& cell : r) column.push_back({cell});
    rows = std::move(column);
  }
  int r0 = std::max(0, m_table->currentRow());
  int c0 = m_shape == Shape::Vector ? 0 : std::max(0, m_table->currentColumn());
  if (m_table->rowCount() == 0 || m_table->columnCount() == 0) r0 = c0 = 0;
  int width = 0;
  for (const auto& r : rows) width = std::max(width, int(r.size()));
  m_filling = true;
  if (m_shape == Shape::Matrix && c0 + width > m_table->columnCount()) {
    const int old = m_table->columnCount();
    m_table->setColumnCount(c0 + width);
    for (int r = 0; r < m_table->rowCount(); ++r)
      for (int c = old; c < m_table->columnCount(); ++c)
        m_table->setItem(r, c, new QTableWidgetItem(QStringLiteral("0")));
  }
  if (r0 + int(rows.size()) > m_table->rowCount()) {
    const int old = m_table->rowCount();
    m_table->setRowCount(r0 + int(rows.size()));
    for (int r = old; r < m_table->rowCount(); ++r)
      for (int c = 0; c < m_table->columnCount(); ++c)
        m_table->setItem(r, c, new QTableWidgetItem(QStringLiteral("0")));
  }
  for (int r = 0; r < int(rows.size()); ++r)
    for (int c = 0; c < int(rows[std::size_t(r)].size()); ++c)
      m_table->setItem(r0 + r, c0 + c, new QTableWidgetItem(rows[std::size_t(r)][c]));
  m_filling = false;
  changed();
  return true;
}

bool MatrixEditor::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_table &&
      (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
    auto* k = static_cast<QKeyEvent*>(event);
    // Paste and Delete belong to the table while it has the focus, not to the window's Edit menu
    // (which would paste or delete workflow steps).
    const bool paste = k->matches(QKeySequence::Paste);
    const bool del =
        k->key() == Qt::Key_Delete;  // while a cell is edited, its editor gets the keys
    if (!paste && !del) return false;
    if (event->type() == QEvent::ShortcutOverride) {
      event->accept();
      return true;
    }
    if (paste) {
      if (auto* cb = QApplication::clipboard()) pasteText(cb->text());
    } else {  // Delete: the selected cells become 0
      m_filling = true;
      for (QTableWidgetItem* item : m_table->selectedItems()) item->setText(QStringLiteral("0"));
      m_filling = false;
      changed();
    }
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

void MatrixEditor::updateButtons() {
  m_remove_row->setEnabled(m_table->rowCount() > 0);
  m_remove_col->setEnabled(m_table->columnCount() > 0);
}

void MatrixEditor::fitHeight() { fitTableHeight(m_table); }

}  // namespace sciagents::ui
