// Colours that follow the application palette (light or dark desktop theme): charts, error text,
// canvas lines and the run-state colours. Widgets take these at creation; the palette is the one of
// QApplication.
#pragma once

#include "ui/node_status.h"

#include <QColor>
#include <QPalette>
#include <QString>

class QChart;

namespace sciagents::ui {

// True when the window background is darker than its text (a dark desktop theme).
bool isDarkPalette(const QPalette& palette);
bool isDarkPalette();  // the application palette

// Qt Charts draw with their own light theme: give a chart the dark theme under a dark palette and
// the palette's background either way.
void applyChartTheme(QChart* chart);

// Readable red for messages on the palette's background (#c62828 on light, a lighter red on dark).
QColor errorColor();
QString errorStyleSheet(const QString& widget_class);  // "QLabel { color: … }"
// Links and other lines on the canvas: between the text and base colours.
QColor lineColor();

// Run state (pending, running, done, cached, failed, …): the badge colour of each state, used
// wherever a run state is drawn (canvas nodes, results, tutorial). Idle is transparent.
QColor statusColor(NodeStatus status);
// The same hue dark enough for text on a light background (status lines, "✔ Done").
QColor statusTextColor(NodeStatus status);
// Selection and link-drag highlight on the canvas.
QColor highlightColor();

}  // namespace sciagents::ui
