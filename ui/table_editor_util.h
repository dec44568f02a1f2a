// Pieces the table editors of the form share (MatrixEditor, DistributionTable).
#pragma once

#include <QString>

class QTableWidget;
class QToolButton;
class QWidget;

namespace sciagents::ui {

// A flat tool button with text and tooltip, as under the tables.
QToolButton* tableToolButton(const QString& text, const QString& tip, QWidget* parent);
// Fixes the table's height to its header and rows, at least one and at most `visible_rows` (it
// scrolls beyond).
void fitTableHeight(QTableWidget* table, int visible_rows = 6);

}  // namespace sciagents::ui
