// `sciagents feedback export`: the server's stored feedback as JSON (one document per item) or CSV
// (one row per answer, so every survey fits one table).
#pragma once

#include "core/store/feedback_store.h"

#include <string>
#include <vector>

namespace sciagents::core::feedback {

// [{"response_id", "kind", "survey", "version", "owner", "received_at", "document"}, ...]
std::string exportJson(const std::vector<store::FeedbackRecord>& records);
// Header: response_id,kind,survey,version,owner,received_at,submitted_at,question,answer,details.
// Survey answers: one row per answered question (lists joined with ';', yes_no choice in
// "answer" and its text in "details"); analytics events: one row with question = "event" and the
// event JSON in "answer". RFC 4180 quoting.
std::string exportCsv(const std::vector<store::FeedbackRecord>& records);

}  // namespace sciagents::core::feedback
