// Survey responses and analytics events from Studio (server/routes/feedback_routes.h).
#include "server/routes/feedback_routes.h"

#include "core/feedback/analytics.h"
#include "core/feedback/feedback_summary.h"
#include "core/feedback/survey.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/feedback_store.h"
#include "core/util/clock.h"
#include "server/json_body.h"
#include "server/responses.h"

#include <nlohmann/json.hpp>

namespace sciagents::server {

using nlohmann::json;
namespace fb = core::feedback;

FeedbackRoutes::FeedbackRoutes(core::store::FeedbackStore& store,
                               core::metrics::MetricsRegistry& metrics)
    : m_store(store), m_metrics(metrics) {}

void FeedbackRoutes::addRoutes(RouteTable& table) {
  table.add("POST", "/v1/feedback", Access::Token,
            [this](const RouteCall& c) { return post(c.request, c.caller.name); });
  table.add("GET", "/v1/feedback/summary", Access::Token,
            [this](const RouteCall& c) { return summary(c.caller.admin); });
}

HttpResponse FeedbackRoutes::post(const HttpRequest& req, const std::string& caller) {
  if (mediaType(req.content_type) != "application/json")
    return errorJson(415, "unsupported_media_type", "Content-Type must be application/json");
  if (req.body.size() > kMaxBody)
    return errorJson(413, "payload_too_large",
                     "feedback body of " + std::to_string(req.body.size()) +
                         " bytes exceeds the limit of " + std::to_string(kMaxBody));
  auto parsed = parseJsonStrict(req.body, 16, kMaxBody);
  if (!parsed.value) return errorJson(400, "invalid_json", parsed.error);
  const json& doc = *parsed.value;
  core::store::FeedbackRecord rec;
  rec.owner = caller;
  rec.received_us = core::unixMicros();
  if (doc.is_object() && doc.contains("analytics")) {
    if (const auto err = fb::checkAnalyticsEvent(doc); !err.empty())
      return errorJson(400, "bad_request", "analytics event: " + err);
    rec.kind = "analytics";
  } else {
    if (const auto issues = fb::validateResponse(doc, fb::builtinSurveys()); !issues.empty())
      return errorJson(400, "bad_request", "survey response: " + fb::describe(issues));
    rec.kind = "response";
    rec.survey = doc["survey"].get<std::string>();
    rec.version = doc["version"].get<int>();
  }
  rec.response_id = doc["response_id"].get<std::string>();
  rec.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  const auto outcome = m_store.insert(rec);
  if (outcome == core::store::FeedbackInsert::Conflict)
    return errorJson(409, "conflict",
                     "response id '" + rec.response_id +
                         "' was already stored with different content; send a new id");
  const bool dup = outcome == core::store::FeedbackInsert::Duplicate;
  m_metrics
      .counter("sciagents_feedback_received_total",
               "Feedback items received on POST /v1/feedback, by kind and outcome",
               {{"kind", rec.kind}, {"result", dup ? "duplicate" : "stored"}})
      .inc();
  return jsonResponse(dup ? 200 : 201,
                      {{"response_id", rec.response_id}, {"kind", rec.kind}, {"duplicate", dup}});
}

HttpResponse FeedbackRoutes::summary(bool admin) {
  if (!admin) return errorJson(403, "forbidden", "the feedback summary needs an admin token");
  std::vector<json> responses;
  std::size_t analytics = 0;
  for (const auto& r : m_store.all()) {
    if (r.kind == "analytics") {
      ++analytics;
      continue;
    }
    try {
      responses.push_back(json::parse(r.body));
    } catch (const json::exception&) {
      // Bodies are stored only after validation; an unreadable one is skipped, not fatal.
    }
  }
  return jsonResponse(200, fb::summarize(fb::builtinSurveys(), responses, analytics));
}

}  // namespace sciagents::server
