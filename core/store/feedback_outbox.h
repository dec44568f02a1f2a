// Studio's feedback outbox: survey responses and (opt-in) analytics events wait here until the
// configured server has acknowledged them. SQLite in WAL mode with synchronous=FULL, one row per
// item keyed by its response id, so a committed enqueue survives a crash, a kill or a power cut,
// and delivery can be retried for as long as the server is away. Retries back off exponentially
// with jitter; time and randomness are injected so schedules are deterministic in tests.
#pragma once

#include "core/store/database.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace sciagents::core::store {

enum class OutboxKind { Response, Analytics };
std::string_view outboxKindName(OutboxKind k);

struct OutboxItem {
  std::string id;  // response id: the server deduplicates on it
  OutboxKind kind = OutboxKind::Response;
  std::string body;  // the JSON document POSTed to /v1/feedback
  std::int64_t created_us = 0;
  int attempts = 0;
  std::int64_t next_attempt_us = 0;
  std::optional<std::int64_t> delivered_us;
  std::string last_error;
  bool rejected = false;  // the server refused it for good (4xx): kept for the viewer, not retried
};

struct RetryPolicy {
  std::int64_t base_us = 5'000'000;          // first retry after about 5 s
  std::int64_t max_us = 6LL * 3600'000'000;  // never wait more than 6 h between attempts
  double jitter = 0.5;                       // delay drawn from [(1 - jitter) d, d]
};

class FeedbackOutbox {
 public:
  using Clock = std::function<std::int64_t()>;  // microseconds since the epoch
  // `clock` defaults to the wall clock; `seed` drives the jitter.
  explicit FeedbackOutbox(const std::filesystem::path& file, Clock clock = {},
                          std::uint64_t seed = std::random_device{}(), RetryPolicy policy = {});

  // Stores the item (due now). Enqueuing an id again is a no-op; returns false then.
  bool enqueue(const std::string& id, OutboxKind kind, const std::string& body);
  // Undelivered, not rejected items whose next attempt is due, oldest first.
  std::vector<OutboxItem> due(std::size_t limit = 100);
  std::vector<OutboxItem> pending();  // undelivered (rejected included), oldest first
  std::optional<OutboxItem> get(const std::string& id);
  // Earliest next attempt of a deliverable item, if any.
  std::optional<std::int64_t> nextDue();

  void markDelivered(const std::string& id);
  // A failed attempt: attempts+1, next attempt after the back-off delay. Returns that delay (us).
  std::int64_t markFailed(const std::string& id, const std::string& error);
  void markRejected(const std::string& id, const std::string& error);

  // Deletes undelivered items of a kind; returns how many.
  std::size_t removePending(OutboxKind kind);
  // Delay before attempt number attempts+1 after `attempts` failures (1, 2, ...), with jitter.
  std::int64_t backoffDelay(int attempts);
  std::int64_t now() const { return m_clock(); }

 private:
  static OutboxItem readRow(const Statement& s);
  std::vector<OutboxItem> select(const std::string& sql, const std::vector<std::int64_t>& binds);

  std::mutex m_mutex;
  Database m_db;
  Clock m_clock;
  std::mt19937_64 m_rng;
  RetryPolicy m_policy;
};

}  // namespace sciagents::core::store
