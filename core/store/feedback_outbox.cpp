#include "core/store/feedback_outbox.h"

#include "core/util/clock.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace sciagents::core::store {

namespace {
constexpr const char* kFeedbackColumns =
    "id, kind, body, created_us, attempts, next_attempt_us, delivered_us, last_error, rejected";
}

std::string_view outboxKindName(OutboxKind k) {
  return k == OutboxKind::Response ? "response" : "analytics";
}

FeedbackOutbox::FeedbackOutbox(const std::filesystem::path& file, Clock clock, std::uint64_t seed,
                               RetryPolicy policy)
    : m_db(file),
      m_clock(clock ? std::move(clock) : Clock(&unixMicros)),
      m_rng(seed),
      m_policy(policy) {
  // FULL: a commit is on disk before enqueue() returns, so an answer survives a power cut too.
  m_db.exec("PRAGMA synchronous=FULL");
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS feedback_outbox ("
      " id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, created_us INTEGER NOT NULL,"
      " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_us INTEGER NOT NULL,"
      " delivered_us INTEGER, last_error TEXT NOT NULL DEFAULT '',"
      " rejected INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX IF NOT EXISTS feedback_outbox_due ON feedback_outbox(delivered_us, "
      "next_attempt_us);");
}

OutboxItem FeedbackOutbox::readRow(const Statement& s) {
  OutboxItem it;
  it.id = s.text(0);
  it.kind = s.text(1) == "analytics" ? OutboxKind::Analytics : OutboxKind::Response;
  it.body = s.text(2);
  it.created_us = s.integer(3);
  it.attempts = static_cast<int>(s.integer(4));
  it.next_attempt_us = s.integer(5);
  it.delivered_us = s.optionalInteger(6);
  it.last_error = s.text(7);
  it.rejected = s.integer(8) != 0;
  return it;
}

std::vector<OutboxItem> FeedbackOutbox::select(const std::string& sql,
                                               const std::vector<std::int64_t>& binds) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(sql);
  for (std::size_t i = 0; i < binds.size(); ++i) s.bind(static_cast<int>(i + 1), binds[i]);
  std::vector<OutboxItem> out;
  while (s.step()) out.push_back(readRow(s));
  s.reset();
  return out;
}

bool FeedbackOutbox::enqueue(const std::string& id, OutboxKind kind, const std::string& body) {
  if (id.empty()) throw Error(ErrorCode::InvalidInput, "feedback outbox: empty item id");
  const std::int64_t t = m_clock();
  std::lock_guard lock(m_mutex);
  m_db.cached(
          "INSERT OR IGNORE INTO feedback_outbox (id, kind, body, created_us, next_attempt_us) "
          "VALUES (?1, ?2, ?3, ?4, ?4)")
      .bind(1, id)
      .bind(2, outboxKindName(kind))
      .bind(3, body)
      .bind(4, t)
      .run();
  return m_db.changes() > 0;
}

std::vector<OutboxItem> FeedbackOutbox::due(std::size_t limit) {
  return select(std::string("SELECT ") + kFeedbackColumns +
                    " FROM feedback_outbox WHERE delivered_us IS NULL AND rejected = 0 AND "
                    "next_attempt_us <= ?1 ORDER BY created_us, id LIMIT ?2",
                {m_clock(), static_cast<std::int64_t>(limit)});
}

std::vector<OutboxItem> FeedbackOutbox::pending() {
  return select(std::string("SELECT ") + kFeedbackColumns +
                    " FROM feedback_outbox WHERE delivered_us IS NULL ORDER BY created_us, id",
                {});
}

std::optional<OutboxItem> FeedbackOutbox::get(const std::string& id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(std::string("SELECT ") + kFeedbackColumns +
                             " FROM feedback_outbox WHERE id = ?1");
  s.bind(1, id);
  std::optional<OutboxItem> out;
  if (s.step()) out = readRow(s);
  s.reset();
  return out;
}

std::optional<std::int64_t> FeedbackOutbox::nextDue() {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "SELECT MIN(next_attempt_us) FROM feedback_outbox WHERE delivered_us IS NULL AND rejected = "
      "0");
  std::optional<std::int64_t> out;
  if (s.step()) out = s.optionalInteger(0);
  s.reset();
  return out;
}

void FeedbackOutbox::markDelivered(const std::string& id) {
  const std::int64_t t = m_clock();
  std::lock_guard lock(m_mutex);
  m_db.cached("UPDATE feedback_outbox SET delivered_us = ?2, last_error = '' WHERE id = ?1")
      .bind(1, id)
      .bind(2, t)
      .run();
}

std::int64_t FeedbackOutbox::backoffDelay(int attempts) {
  const int n = std::clamp(attempts, 1, 62);
  const double full = std::min(static_cast<double>(m_policy.max_us),
                               static_cast<double>(m_policy.base_us) * std::ldexp(1.0, n - 1));
  std::uniform_real_distribution<double> u(1.0 - m_policy.jitter, 1.0);
  return static_cast<std::int64_t>(full * u(m_rng));
}

std::int64_t FeedbackOutbox::markFailed(const std::string& id, const std::string& error) {
  const auto item = get(id);
  if (!item) return 0;
  const std::int64_t delay = backoffDelay(item->attempts + 1);
  const std::int64_t t = m_clock();
  std::lock_guard lock(m_mutex);
  m_db.cached(
          "UPDATE feedback_outbox SET attempts = attempts + 1, next_attempt_us = ?2, last_error = "
          "?3 "
          "WHERE id = ?1 AND delivered_us IS NULL")
      .bind(1, id)
      .bind(2, t + delay)
      .bind(3, error)
      .run();
  return delay;
}

void FeedbackOutbox::markRejected(const std::string& id, const std::string& error) {
  std::lock_guard lock(m_mutex);
  m_db.cached(
          "UPDATE feedback_outbox SET attempts = attempts + 1, rejected = 1, last_error = ?2 "
          "WHERE id = ?1")
      .bind(1, id)
      .bind(2, error)
      .run();
}

std::size_t FeedbackOutbox::removePending(OutboxKind kind) {
  std::lock_guard lock(m_mutex);
  m_db.cached("DELETE FROM feedback_outbox WHERE delivered_us IS NULL AND kind = ?1")
      .bind(1, outboxKindName(kind))
      .run();
  return static_cast<std::size_t>(m_db.changes());
}

}  // namespace sciagents::core::store
