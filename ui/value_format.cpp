#include "ui/value_format.h"

#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <QStringList>

namespace sciagents::ui {

QString formatNumber(double x) { return QString::number(x, 'g', 10); }

QString shapeText(const core::Value& v) {
  using core::ValueKind;
  switch (v.kind()) {
    case ValueKind::Vector: return QString::number(v.asVector().size());
    case ValueKind::Matrix: return QStringLiteral("%1 × %2").arg(v.asMatrix().rows()).arg(v.asMatrix().cols());
    case ValueKind::SparseMatrix:
      return QStringLiteral("%1 × %2 sparse").arg(v.asSparse().rows()).arg(v.asSparse().cols());
    case ValueKind::GridField: {
      QStringList dims;
      for (const auto& a : v.asGrid().axes) dims << QString::number(a.size());
      return dims.join(QStringLiteral(" × "));
    }
    case ValueKind::TimeSeries:
      return QStringLiteral("%1 × %2").arg(v.asTimeSeries().t.size()).arg(v.asTimeSeries().values.cols());
    case ValueKind::List: return QString::number(v.asList().size());
    case ValueKind::Map: return QString::number(v.asMap().size());
    default: return {};
  }
}

QString summarizeValue(const core::Value& v, int max_items) {
  using core::ValueKind;
  switch (v.kind()) {
    case ValueKind::Null: return QStringLiteral("null");
    case ValueKind::Bool: return v.asBool() ? QStringLiteral("true") : QStringLiteral("false");
    case ValueKind::Integer: return QString::number(v.asInt());
    case ValueKind::Scalar: return formatNumber(v.asDouble());
    case ValueKind::String: return QString::fromStdString(v.asString());
    case ValueKind::Vector: {
      const auto& x = v.asVector();
      QStringList items;
      for (Eigen::Index i = 0; i < x.size() && i < max_items; ++i) items << formatNumber(x[i]);
      if (x.size() > max_items) items << QStringLiteral("…");
      return QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
    }
    case ValueKind::Matrix: {
      const auto& m = v.asMatrix();
      QStringList rows;
      for (Eigen::Index r = 0; r < m.rows() && r < 3; ++r) {
        QStringList items;
        for (Eigen::Index c = 0; c < m.cols() && c < 4; ++c) items << formatNumber(m(r, c));
        if (m.cols() > 4) items << QStringLiteral("…");
        rows << QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
      }
      if (m.rows() > 3) rows << QStringLiteral("…");
      return QStringLiteral("[%1]").arg(rows.join(QStringLiteral(", ")));
    }
    default: {
      QString text = QString::fromStdString(core::toJson(v).dump());
      if (text.size() > 120) text = text.left(117) + QStringLiteral("...");
      return text;
    }
  }
}

}  // namespace sciagents::ui
