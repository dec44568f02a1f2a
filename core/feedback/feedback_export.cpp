#include "core/feedback/feedback_export.h"

#include "core/util/clock.h"

#include <nlohmann/json.hpp>

namespace sciagents::core::feedback {

using nlohmann::json;

namespace {

std::string csvField(const std::string& s) {
  // Quote always when needed; neutralise spreadsheet formulas (a leading = + - @).
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string answerText(const json& a, std::string& details) {
  if (a.is_string()) return a.get<std::string>();
  if (a.is_array()) {
    std::string s;
    for (const auto& v : a)
      s += (s.empty() ? "" : ";") + (v.is_string() ? v.get<std::string>() : v.dump());
    return s;
  }
  if (a.is_object() && a.contains("choice")) {
    details = a.value("details", "");
    return a["choice"].is_string() ? a["choice"].get<std::string>() : a["choice"].dump();
  }
  return a.dump();
}

json parsed(const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception&) {
    return json(body);  // stored verbatim; never happens for bodies the server accepted
  }
}

}  // namespace

std::string exportJson(const std::vector<store::FeedbackRecord>& records) {
  json out = json::array();
  for (const auto& r : records)
    out.push_back({{"response_id", r.response_id},
                   {"kind", r.kind},
                   {"survey", r.survey},
                   {"version", r.version},
                   {"owner", r.owner},
                   {"received_at", isoTimeMicros(r.received_us)},
                   {"document", parsed(r.body)}});
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string exportCsv(const std::vector<store::FeedbackRecord>& records) {
  std::string out =
      "response_id,kind,survey,version,owner,received_at,submitted_at,question,answer,details\r\n";
  for (const auto& r : records) {
    const json doc = parsed(r.body);
    const std::string prefix = csvField(r.response_id) + "," + r.kind + "," + csvField(r.survey) +
                               "," + std::to_string(r.version) + "," + csvField(r.owner) + "," +
                               isoTimeMicros(r.received_us) + "," +
                               csvField(doc.is_object() ? doc.value("submitted_at", "") : "") + ",";
    if (r.kind == "analytics") {
      out += prefix + "event," +
             csvField(doc.is_object() && doc.contains("event") ? doc["event"].dump() : "") +
             ",\r\n";
      continue;
    }
    if (!doc.is_object() || !doc.contains("answers") || !doc["answers"].is_object()) continue;
    for (auto it = doc["answers"].begin(); it != doc["answers"].end(); ++it) {
      std::string details;
      const std::string a = answerText(it.value(), details);
      out += prefix + csvField(it.key()) + "," + csvField(a) + "," + csvField(details) + "\r\n";
    }
  }
  return out;
}

}  // namespace sciagents::core::feedback
