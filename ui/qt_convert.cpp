// Conversions between core types and QString (ui/qt_convert.h).
#include "ui/qt_convert.h"

#include <nlohmann/json.hpp>

namespace sciagents::ui {

QString jsonString(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? qstr(it->get_ref<const std::string&>()) : QString();
}

double jsonNumber(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0.0;
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

nlohmann::json parseJson(const QString& text) { return parseJson(text.toUtf8()); }

nlohmann::json parseJson(const QByteArray& bytes) {
  return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
}

QString jsonText(const nlohmann::json& j, int indent) { return qstr(j.dump(indent)); }

QString numberForEditing(double x) { return QString::number(x, 'g', 12); }

QString numberForTable(double x) { return QString::number(x, 'g', 10); }

QString numberForTick(double x) { return QString::number(x, 'g', 3); }

}  // namespace sciagents::ui
