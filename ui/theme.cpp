#include "ui/theme.h"

#include <QApplication>
#include <QChart>

namespace sciagents::ui {

bool isDarkPalette(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() <
         palette.color(QPalette::WindowText).lightness();
}

bool isDarkPalette() { return isDarkPalette(QApplication::palette()); }

void applyChartTheme(QChart* chart) {
  const QPalette pal = QApplication::palette();
  if (isDarkPalette(pal)) chart->setTheme(QChart::ChartThemeDark);
  chart->setBackgroundBrush(pal.brush(QPalette::Base));
  chart->setTitleBrush(pal.brush(QPalette::Text));
}

QColor errorColor() { return isDarkPalette() ? QColor(255, 120, 110) : QColor(198, 40, 40); }

QString errorStyleSheet(const QString& widget_class) {
  return QStringLiteral("%1 { color: %2; }").arg(widget_class, errorColor().name());
}

QColor lineColor() {
  const QPalette pal = QApplication::palette();
  const QColor t = pal.color(QPalette::Text), b = pal.color(QPalette::Base);
  // 55 % of the way from the background to the text: visible, quieter than text.
  auto mix = [](int from, int to) { return from + (to - from) * 55 / 100; };
  return QColor(mix(b.red(), t.red()), mix(b.green(), t.green()), mix(b.blue(), t.blue()));
}

QColor statusColor(NodeStatus status) {
  switch (status) {
    case NodeStatus::Idle:
      return QColor(0, 0, 0, 0);
    case NodeStatus::Pending:
      return QColor(150, 150, 150);
    case NodeStatus::Running:
      return QColor(40, 120, 230);
    case NodeStatus::Done:
      return QColor(40, 160, 70);
    case NodeStatus::Cached:
      return QColor(20, 150, 150);
    case NodeStatus::Failed:
      return QColor(210, 50, 40);
    case NodeStatus::Cancelled:
      return QColor(230, 140, 20);
    case NodeStatus::Skipped:
      return QColor(110, 110, 110);
    case NodeStatus::Stale:
      return QColor(190, 160, 30);  // a faded amber: there, but old
  }
  return {};
}

QColor statusTextColor(NodeStatus status) { return statusColor(status).darker(130); }

QColor highlightColor() { return QColor(255, 140, 0); }

}  // namespace sciagents::ui
