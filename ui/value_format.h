// Short human text for core values in tables: numbers with 10 significant digits, vectors and
// matrices summarised with their shape.
#pragma once

#include "core/value/value.h"

#include <QString>

namespace sciagents::ui {

QString formatNumber(double x);
QString shapeText(const core::Value& v);              // "101", "101 × 1", "" for scalars
QString summarizeValue(const core::Value& v, int max_items = 6);

}  // namespace sciagents::ui
