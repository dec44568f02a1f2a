// Opt-in usage analytics: which agent tasks ran, how long they took and what kind of error ended
// them. Never data, parameters, expressions, error messages, file names or paths: an event holds
// identifiers checked against [a-z0-9_] and numbers only. Disabled (the default) records nothing.
#pragma once

#include "core/store/feedback_outbox.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::core {
struct RunResult;
}

namespace sciagents::core::feedback {

// The document of one event as POSTed to /v1/feedback:
// {"response_id", "analytics": 1, "submitted_at", "event": {"type": "step_run", "agent", "task",
//  "duration_ms", "outcome", "error_kind"}}.
nlohmann::json makeStepEvent(const std::string& response_id, std::int64_t time_us,
                             const std::string& agent, const std::string& task, double seconds,
                             const std::string& outcome, const std::string& error_kind);
// "" when `doc` is a valid analytics event, else what is wrong with it.
std::string checkAnalyticsEvent(const nlohmann::json& doc);

class Analytics {
 public:
  // `enabled` is the user's consent, stored by the caller (Studio: QSettings, off by default).
  explicit Analytics(store::FeedbackOutbox& outbox, bool enabled = false);

  bool enabled() const { return m_enabled; }
  void setEnabled(bool on) { m_enabled = on; }

  // One event per step of the run; returns how many were queued (0 when disabled).
  std::size_t recordRun(const RunResult& run);
  // Deletes queued analytics events not yet delivered; with `responses_too` also survey answers
  // not yet delivered. Returns how many items were removed.
  std::size_t deleteQueued(bool responses_too = false);

 private:
  store::FeedbackOutbox& m_outbox;
  bool m_enabled;
};

}  // namespace sciagents::core::feedback
