#include "ui/table_editor_util.h"

#include <QHeaderView>
#include <QTableWidget>
#include <QToolButton>

#include <algorithm>

namespace sciagents::ui {

QToolButton* tableToolButton(const QString& text, const QString& tip, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setText(text);
  b->setToolTip(tip);
  b->setAutoRaise(true);
  return b;
}

void fitTableHeight(QTableWidget* table, int visible_rows) {
  const int rows = std::clamp(table->rowCount(), 1, visible_rows);
  const int row_h = table->verticalHeader()->defaultSectionSize();
  const int header =
      table->horizontalHeader()->isVisible() ? table->horizontalHeader()->sizeHint().height() : 0;
  table->setFixedHeight(header + rows * row_h + 2 * table->frameWidth() + 2);
}

}  // namespace sciagents::ui
