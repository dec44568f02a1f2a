// Export of plots and tables: a widget as PNG or SVG, a table model as CSV, a value as JSON.
#pragma once

#include "core/value/value.h"

#include <QString>

class QAbstractItemModel;
class QWidget;

namespace sciagents::ui {

// PNG (or any raster suffix Qt writes) of the widget as shown; .svg through QSvgGenerator.
bool exportWidgetImage(QWidget* widget, const QString& path, QString* error = nullptr);
// Header row, then one line per row; fields quoted when they contain a comma, quote or newline.
// Numbers are written with full precision from Qt::UserRole when present.
bool exportModelCsv(const QAbstractItemModel* model, const QString& path, QString* error = nullptr);
bool exportValueJson(const core::Value& value, const QString& path, QString* error = nullptr);

}  // namespace sciagents::ui
