#include "server/feedback_routes.h"

#include "core/feedback/analytics.h"
#include "core/feedback/feedback_summary.h"
#include "core/feedback/survey.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/feedback_store.h"
#include "core/util/clock.h"
#include "server/json_body.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace sciagents::server {

using nlohmann::json;
namespace fb = core::feedback;

namespace {

HttpResponse jsonAnswer(int status, const json& body, const std::string& route) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.route = route;
  return r;
}

HttpResponse fail(int status, const std::string& code, const std::string& message,
                  const std::string& route) {
  auto r = errorResponse(status, code, message);
  r.route = route;
  return r;
}

std::string mediaType(const std::string& ct) {
  std::string s = ct.substr(0, ct.find(';'));
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

FeedbackRoutes::FeedbackRoutes(core::store::FeedbackStore& store,
                               core::metrics::MetricsRegistry& metrics)
    : m_store(store), m_metrics(metrics) {}

HttpResponse FeedbackRoutes::handle(const HttpRequest& req, const std::vector<std::string>& seg,
                                    const std::string& caller, bool admin) {
  auto notAllowed = [&](const std::string& allow, const std::string& route) {
    auto r = fail(405, "method_not_allowed",
                  "method " + req.method.substr(0, 16) + " is not allowed on " + route +
                      " (allowed: " + allow + ")",
                  route);
    r.headers.emplace_back("Allow", allow);
    return r;
  };
  if (seg.size() == 2) {
    if (req.method != "POST") return notAllowed("POST", "/v1/feedback");
    return post(req, caller);
  }
  if (seg.size() == 3 && seg[2] == "summary") {
    if (req.method != "GET") return notAllowed("GET", "/v1/feedback/summary");
    return summary(admin);
  }
  return fail(404, "not_found", "no route for this path under /v1/feedback", "/v1");
}

HttpResponse FeedbackRoutes::post(const HttpRequest& req, const std::string& caller) {
  const std::string route = "/v1/feedback";
  if (mediaType(req.content_type) != "application/json")
    return fail(415, "unsupported_media_type", "Content-Type must be application/json", route);
  if (req.body.size() > kMaxBody)
    return fail(413, "payload_too_large",
                "feedback body of " + std::to_string(req.body.size()) +
                    " bytes exceeds the limit of " + std::to_string(kMaxBody),
                route);
  auto parsed = parseJsonStrict(req.body, 16, kMaxBody);
  if (!parsed.value) return fail(400, "invalid_json", parsed.error, route);
  const json& doc = *parsed.value;
  core::store::FeedbackRecord rec;
  rec.owner = caller;
  rec.received_us = core::unixMicros();
  if (doc.is_object() && doc.contains("analytics")) {
    if (const auto err = fb::checkAnalyticsEvent(doc); !err.empty())
      return fail(400, "bad_request", "analytics event: " + err, route);
    rec.kind = "analytics";
  } else {
    if (const auto issues = fb::validateResponse(doc, fb::builtinSurveys()); !issues.empty())
      return fail(400, "bad_request", "survey response: " + fb::describe(issues), route);
    rec.kind = "response";
    rec.survey = doc["survey"].get<std::string>();
    rec.version = doc["version"].get<int>();
  }
  rec.response_id = doc["response_id"].get<std::string>();
  rec.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  const auto outcome = m_store.insert(rec);
  if (outcome == core::store::FeedbackInsert::Conflict)
    return fail(409, "conflict",
                "response id '" + rec.response_id +
                    "' was already stored with different content; send a new id",
                route);
  const bool dup = outcome == core::store::FeedbackInsert::Duplicate;
  m_metrics
      .counter("sciagents_feedback_received_total",
               "Feedback items received on POST /v1/feedback, by kind and outcome",
               {{"kind", rec.kind}, {"result", dup ? "duplicate" : "stored"}})
      .inc();
  return jsonAnswer(dup ? 200 : 201,
                    {{"response_id", rec.response_id}, {"kind", rec.kind}, {"duplicate", dup}},
                    route);
}

HttpResponse FeedbackRoutes::summary(bool admin) {
  const std::string route = "/v1/feedback/summary";
  if (!admin) return fail(403, "forbidden", "the feedback summary needs an admin token", route);
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
  return jsonAnswer(200, fb::summarize(fb::builtinSurveys(), responses, analytics), route);
}

}  // namespace sciagents::server
