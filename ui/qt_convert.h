// Conversions between the core's types (std::string, JSON, double) and Qt's QString: the one place
// for the small helpers every Studio file needs. Number text has one named function per kind of
// place a number is shown, each with its own precision.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <QByteArray>
#include <QString>

#include <string>
#include <string_view>

namespace sciagents::ui {

// UTF-8 text from the core (std::string, string_view, literals) as a QString, and back.
inline QString qstr(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
inline std::string stdstr(const QString& s) { return s.toStdString(); }

// The string member `key` of a JSON object; empty when `j` is not an object or the member is
// absent or not a string.
QString jsonString(const nlohmann::json& j, const char* key);
// The number member `key` of a JSON object; 0 when absent or not a number.
double jsonNumber(const nlohmann::json& j, const char* key);
// JSON parsed from text or bytes without throwing: a discarded value (is_discarded()) when invalid.
nlohmann::json parseJson(const QString& text);
nlohmann::json parseJson(const QByteArray& bytes);
// Compact JSON text (`indent` < 0) or indented by `indent` spaces.
QString jsonText(const nlohmann::json& j, int indent = -1);

// Numbers as text, by where they are shown ('g' format):
// a value the user edits (form fields, matrix cells, ranges in tooltips): 12 significant digits,
// enough to round-trip what was typed;
QString numberForEditing(double x);
// a result value in a table or summary: 10 significant digits;
QString numberForTable(double x);
// an axis tick or a short fact beside other text: 3 significant digits.
QString numberForTick(double x);

}  // namespace sciagents::ui
