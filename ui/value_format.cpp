#include "ui/value_format.h"

#include "core/value/value_json.h"
#include "ui/qt_convert.h"

#include <nlohmann/json.hpp>

#include <QStringList>

#include <cmath>

namespace sciagents::ui {

namespace {
// "[a, b, …]" per row, at most max_rows rows and max_cols columns ("…" marks what is left out).
QStringList matrixRows(const core::Matrix& m, Eigen::Index max_rows, Eigen::Index max_cols) {
  QStringList rows;
  for (Eigen::Index r = 0; r < m.rows() && r < max_rows; ++r) {
    QStringList items;
    for (Eigen::Index c = 0; c < m.cols() && c < max_cols; ++c) items << numberForTable(m(r, c));
    if (m.cols() > max_cols) items << QStringLiteral("…");
    rows << QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
  }
  if (m.rows() > max_rows) rows << QStringLiteral("…");
  return rows;
}
}  // namespace

QString shapeText(const core::Value& v) {
  using core::ValueKind;
  switch (v.kind()) {
    case ValueKind::Vector:
      return QString::number(v.asVector().size());
    case ValueKind::Matrix:
      return QStringLiteral("%1 × %2").arg(v.asMatrix().rows()).arg(v.asMatrix().cols());
    case ValueKind::SparseMatrix:
      return QStringLiteral("%1 × %2 sparse").arg(v.asSparse().rows()).arg(v.asSparse().cols());
    case ValueKind::GridField: {
      QStringList dims;
      for (const auto& a : v.asGrid().axes) dims << QString::number(a.size());
      return dims.join(QStringLiteral(" × "));
    }
    case ValueKind::TimeSeries:
      return QStringLiteral("%1 × %2")
          .arg(v.asTimeSeries().t.size())
          .arg(v.asTimeSeries().values.cols());
    case ValueKind::List:
      return QString::number(v.asList().size());
    case ValueKind::Map:
      return QString::number(v.asMap().size());
    default:
      return {};
  }
}

QString summarizeValue(const core::Value& v, int max_items) {
  using core::ValueKind;
  switch (v.kind()) {
    case ValueKind::Null:
      return QStringLiteral("null");
    case ValueKind::Bool:
      return v.asBool() ? QStringLiteral("true") : QStringLiteral("false");
    case ValueKind::Integer:
      return QString::number(v.asInt());
    case ValueKind::Scalar:
      return numberForTable(v.asDouble());
    case ValueKind::String:
      return QString::fromStdString(v.asString());
    case ValueKind::Vector: {
      const auto& x = v.asVector();
      QStringList items;
      for (Eigen::Index i = 0; i < x.size() && i < max_items; ++i) items << numberForTable(x[i]);
      if (x.size() > max_items) items << QStringLiteral("…");
      return QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
    }
    case ValueKind::Matrix:
      return QStringLiteral("[%1]").arg(matrixRows(v.asMatrix(), 3, 4).join(QStringLiteral(", ")));
    default: {
      QString text = QString::fromStdString(core::toJson(v).dump());
      if (text.size() > 120) text = text.left(117) + QStringLiteral("...");
      return text;
    }
  }
}

QString fullValueText(const core::Value& v, int max_items, int max_chars) {
  using core::ValueKind;
  QString text;
  switch (v.kind()) {
    case ValueKind::Vector:
      text = summarizeValue(v, max_items);
      break;
    case ValueKind::Matrix:
      text = matrixRows(v.asMatrix(), 20, 10).join(QLatin1Char('\n'));
      break;
    case ValueKind::String:
      text = QString::fromStdString(v.asString());
      break;
    case ValueKind::Null:
    case ValueKind::Bool:
    case ValueKind::Integer:
    case ValueKind::Scalar:
      text = summarizeValue(v);
      break;
    default:
      text = QString::fromStdString(core::toJson(v).dump(1));
      break;
  }
  if (text.size() > max_chars) text = text.left(max_chars - 1) + QStringLiteral("…");
  return text;
}

QString valueWithUncertainty(double value, double half_width) {
  if (!std::isfinite(value) || !std::isfinite(half_width) || half_width <= 0)
    return numberForTable(value);
  int exponent = static_cast<int>(std::floor(std::log10(half_width)));
  // One significant digit, two when the leading one is 1 (0.015 stays 0.015, not 0.02).
  if (half_width / std::pow(10.0, exponent) < 2) --exponent;
  const double unit = std::pow(10.0, exponent);
  const double h = std::round(half_width / unit) * unit;
  const double v = std::round(value / unit) * unit;
  const int decimals = std::max(0, -exponent);
  return QStringLiteral("%1 ± %2").arg(QString::number(v == 0 ? 0.0 : v, 'f', decimals),
                                       QString::number(h, 'f', decimals));
}

}  // namespace sciagents::ui
