#include "core/store/feedback_store.h"

namespace sciagents::core::store {

FeedbackStore::FeedbackStore(const std::filesystem::path& file) : m_db(file) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS feedback ("
      " response_id TEXT PRIMARY KEY, kind TEXT NOT NULL, survey TEXT NOT NULL,"
      " version INTEGER NOT NULL, owner TEXT NOT NULL, received_us INTEGER NOT NULL,"
      " body TEXT NOT NULL);");
}

FeedbackInsert FeedbackStore::insert(const FeedbackRecord& r) {
  std::lock_guard lock(m_mutex);
  Transaction tx(m_db);
  {
    Statement& s = m_db.cached("SELECT body FROM feedback WHERE response_id = ?1");
    s.bind(1, r.response_id);
    if (s.step()) {
      const bool same = s.text(0) == r.body;
      s.reset();
      return same ? FeedbackInsert::Duplicate : FeedbackInsert::Conflict;
    }
    s.reset();
  }
  m_db.cached(
          "INSERT INTO feedback (response_id, kind, survey, version, owner, received_us, body) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, r.response_id)
      .bind(2, r.kind)
      .bind(3, r.survey)
      .bind(4, static_cast<std::int64_t>(r.version))
      .bind(5, r.owner)
      .bind(6, r.received_us)
      .bind(7, r.body)
      .run();
  tx.commit();
  return FeedbackInsert::Stored;
}

std::vector<FeedbackRecord> FeedbackStore::all() {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "SELECT response_id, kind, survey, version, owner, received_us, body FROM feedback "
      "ORDER BY received_us, rowid");
  std::vector<FeedbackRecord> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), s.text(2), static_cast<int>(s.integer(3)), s.text(4),
                   s.integer(5), s.text(6)});
  s.reset();
  return out;
}

std::int64_t FeedbackStore::count() {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT COUNT(*) FROM feedback");
  const std::int64_t n = s.step() ? s.integer(0) : 0;
  s.reset();
  return n;
}

}  // namespace sciagents::core::store
