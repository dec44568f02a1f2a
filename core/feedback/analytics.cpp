#include "core/feedback/analytics.h"

#include "core/feedback/survey.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "core/workflow/run_result.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace sciagents::core::feedback {

using nlohmann::json;

namespace {

bool isIdent(const json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string errorKind(ErrorCode c) {
  switch (c) {
    case ErrorCode::InvalidInput:
      return "invalid_input";
    case ErrorCode::Planned:
      return "planned";
    case ErrorCode::RunFailed:
      return "run_failed";
    case ErrorCode::Cancelled:
      return "cancelled";
  }
  return "run_failed";
}

std::string outcomeOf(StepStatus s) {
  switch (s) {
    case StepStatus::Succeeded:
      return "succeeded";
    case StepStatus::Cancelled:
      return "cancelled";
    case StepStatus::Skipped:
      return "skipped";
    default:
      return "failed";
  }
}

}  // namespace

json makeStepEvent(const std::string& response_id, std::int64_t time_us, const std::string& agent,
                   const std::string& task, double seconds, const std::string& outcome,
                   const std::string& error_kind) {
  json ev = {{"type", "step_run"},
             {"agent", agent},
             {"task", task},
             {"duration_ms", std::llround(std::max(0.0, seconds) * 1000.0)},
             {"outcome", outcome}};
  if (!error_kind.empty()) ev["error_kind"] = error_kind;
  json doc = {{"response_id", response_id},
              {"analytics", 1},
              {"submitted_at", isoTimeMicros(time_us)},
              {"event", ev}};
  if (const auto err = checkAnalyticsEvent(doc); !err.empty())
    throw Error(ErrorCode::InvalidInput, "analytics event: " + err);
  return doc;
}

std::string checkAnalyticsEvent(const json& doc) {
  if (!doc.is_object()) return "the body must be a JSON object";
  static const std::set<std::string> top = {"response_id", "analytics", "submitted_at", "event"};
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!top.count(it.key()))
      return "unknown field '" + it.key() + "' (response_id, analytics, submitted_at, event)";
  if (!doc.contains("response_id") || !doc["response_id"].is_string() ||
      !isResponseId(doc["response_id"].get<std::string>()))
    return "field 'response_id' must be 16..64 characters of [0-9a-f-]";
  if (doc.value("analytics", json()) != json(1)) return "field 'analytics' must be 1";
  if (!doc.contains("submitted_at") || !doc["submitted_at"].is_string() ||
      doc["submitted_at"].get<std::string>().size() > 64)
    return "field 'submitted_at' must be an ISO 8601 time string";
  if (!doc.contains("event") || !doc["event"].is_object()) return "field 'event' must be an object";
  const json& ev = doc["event"];
  static const std::set<std::string> fields = {"type",        "agent",   "task",
                                               "duration_ms", "outcome", "error_kind"};
  for (auto it = ev.begin(); it != ev.end(); ++it)
    if (!fields.count(it.key()))
      return "unknown event field '" + it.key() +
             "' (type, agent, task, duration_ms, outcome, error_kind)";
  if (ev.value("type", json()) != json("step_run")) return "event 'type' must be \"step_run\"";
  for (const char* k : {"agent", "task", "outcome"})
    if (!ev.contains(k) || !isIdent(ev[k]))
      return std::string("event '") + k + "' must be an identifier of [a-z0-9_] (1..64)";
  if (ev.contains("error_kind") && !isIdent(ev["error_kind"]))
    return "event 'error_kind' must be an identifier of [a-z0-9_] (1..64)";
  if (!ev.contains("duration_ms") || !ev["duration_ms"].is_number_integer() ||
      ev["duration_ms"].get<std::int64_t>() < 0)
    return "event 'duration_ms' must be a non-negative integer";
  return {};
}

Analytics::Analytics(store::FeedbackOutbox& outbox, bool enabled)
    : m_outbox(outbox), m_enabled(enabled) {}

std::size_t Analytics::recordRun(const RunResult& run) {
  if (!m_enabled) return 0;
  std::size_t n = 0;
  for (const auto& s : run.steps) {
    if (s.status == StepStatus::Pending || s.status == StepStatus::Running) continue;
    const std::string outcome = outcomeOf(s.status);
    const std::string kind =
        s.status == StepStatus::Succeeded ? std::string() : errorKind(s.error_code);
    const std::string id = newResponseId();
    // Identifiers only: an agent or task name that is not a plain id (never the case for the
    // registry's) is dropped rather than sent.
    if (!isIdent(s.agent) || !isIdent(s.task)) continue;
    const json doc =
        makeStepEvent(id, m_outbox.now(), s.agent, s.task, s.wall_seconds, outcome, kind);
    n += m_outbox.enqueue(id, store::OutboxKind::Analytics, doc.dump());
  }
  return n;
}

std::size_t Analytics::deleteQueued(bool responses_too) {
  std::size_t n = m_outbox.removePending(store::OutboxKind::Analytics);
  if (responses_too) n += m_outbox.removePending(store::OutboxKind::Response);
  return n;
}

}  // namespace sciagents::core::feedback
