// The server's feedback table: survey responses and analytics events received on POST
// /v1/feedback, one row per response id (the client's idempotency key). Thread-safe.
#pragma once

#include "core/store/database.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace sciagents::core::store {

struct FeedbackRecord {
  std::string response_id;
  std::string kind;    // "response" | "analytics"
  std::string survey;  // survey id ("" for analytics)
  int version = 0;
  std::string owner;  // token name that sent it
  std::int64_t received_us = 0;
  std::string body;  // the document as received (compact JSON)
};

enum class FeedbackInsert { Stored, Duplicate, Conflict };

class FeedbackStore {
 public:
  explicit FeedbackStore(const std::filesystem::path& file);
  // Stored: new; Duplicate: this id with the same body exists; Conflict: the id exists with a
  // different body.
  FeedbackInsert insert(const FeedbackRecord& record);
  std::vector<FeedbackRecord> all();  // by arrival
  std::int64_t count();

 private:
  std::mutex m_mutex;
  Database m_db;
};

}  // namespace sciagents::core::store
