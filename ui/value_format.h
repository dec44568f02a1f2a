// Short human text for core values in tables: numbers as numberForTable (ui/qt_convert.h), vectors
// and matrices summarised with their shape.
#pragma once

#include "core/value/value.h"

#include <QString>

namespace sciagents::ui {

QString shapeText(const core::Value& v);  // "101", "101 × 1", "" for scalars
QString summarizeValue(const core::Value& v, int max_items = 6);
// The value as fully as a tooltip or detail view can show it: strings and numbers whole, vectors
// up to `max_items` elements, matrices up to 20 × 10, anything else as JSON up to `max_chars`.
QString fullValueText(const core::Value& v, int max_items = 200, int max_chars = 4000);
// "0.31 ± 0.05": the half-width with one significant digit (two when it starts with 1) and the
// value to the same decimal place; numberForTable(value) when the half-width is not positive.
QString valueWithUncertainty(double value, double half_width);

}  // namespace sciagents::ui
