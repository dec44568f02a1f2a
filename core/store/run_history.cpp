#include "core/store/run_history.h"

#include "core/util/clock.h"

#include <sqlite3.h>

#include <cstdlib>
#include <string_view>

namespace sciagents::core::store {

namespace {
const std::filesystem::path& createdParent(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  return file;
}

constexpr std::string_view kRunHistoryColumns =
    "id, started_us, finished_us, status, where_run, workflow_file, workflow_name, %WF%, "
    "overrides, seed, threads, agent_versions, host, result_file, %RES%, wall_s, error";

std::string runHistoryColumns(bool full) {
  std::string s(kRunHistoryColumns);
  s.replace(s.find("%WF%"), 4, full ? "workflow_json" : "''");
  s.replace(s.find("%RES%"), 5, full ? "result_json" : "''");
  return s;
}

RunRecord runRecordFromRow(const Statement& s) {
  RunRecord r;
  r.id = s.integer(0);
  r.started_us = s.integer(1);
  r.finished_us = s.integer(2);
  r.status = s.text(3);
  r.where = s.text(4);
  r.workflow_file = s.text(5);
  r.workflow_name = s.text(6);
  r.workflow_json = s.text(7);
  r.overrides_json = s.text(8);
  if (!s.isNull(9)) r.seed = std::strtoull(s.text(9).c_str(), nullptr, 10);
  r.threads = static_cast<int>(s.integer(10));
  r.agent_versions_json = s.text(11);
  r.host = s.text(12);
  r.result_file = s.text(13);
  r.result_json = s.text(14);
  r.wall_s = s.real(15);
  r.error = s.text(16);
  return r;
}
}  // namespace

std::filesystem::path RunHistory::defaultFile() {
  if (const char* v = std::getenv("SCIAGENTS_HISTORY"); v && *v) return v;
  if (const char* v = std::getenv("XDG_DATA_HOME"); v && *v)
    return std::filesystem::path(v) / "sciagents" / "history.sqlite";
  if (const char* v = std::getenv("HOME"); v && *v)
    return std::filesystem::path(v) / ".local" / "share" / "sciagents" / "history.sqlite";
  return {};
}

RunHistory::RunHistory(const std::filesystem::path& file) : m_db(createdParent(file)) {
  // Two CLI runs finishing at once: the second waits for the first's short write.
  sqlite3_busy_timeout(m_db.handle(), 60000);
  // The seed is text: a 64-bit unsigned seed does not fit SQLite's signed integers.
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS runs ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT, started_us INTEGER NOT NULL,"
      " finished_us INTEGER NOT NULL, status TEXT NOT NULL, where_run TEXT NOT NULL,"
      " workflow_file TEXT NOT NULL DEFAULT '', workflow_name TEXT NOT NULL DEFAULT '',"
      " workflow_json TEXT NOT NULL DEFAULT '', overrides TEXT NOT NULL DEFAULT '[]', seed TEXT,"
      " threads INTEGER NOT NULL DEFAULT 0, agent_versions TEXT NOT NULL DEFAULT '{}',"
      " host TEXT NOT NULL DEFAULT '', result_file TEXT NOT NULL DEFAULT '',"
      " result_json TEXT NOT NULL DEFAULT '', wall_s REAL NOT NULL DEFAULT 0,"
      " error TEXT NOT NULL DEFAULT '');"
      "CREATE INDEX IF NOT EXISTS runs_started ON runs(started_us);");
}

std::int64_t RunHistory::record(const RunRecord& r) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "INSERT INTO runs (started_us, finished_us, status, where_run, workflow_file, "
      "workflow_name, workflow_json, overrides, seed, threads, agent_versions, host, result_file, "
      "result_json, wall_s, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
      "?14, ?15, ?16)");
  s.bind(1, r.started_us)
      .bind(2, r.finished_us)
      .bind(3, r.status)
      .bind(4, r.where)
      .bind(5, r.workflow_file)
      .bind(6, r.workflow_name)
      .bind(7, r.workflow_json)
      .bind(8, r.overrides_json.empty() ? std::string("[]") : r.overrides_json);
  if (r.seed)
    s.bind(9, std::to_string(*r.seed));
  else
    s.bindNull(9);
  s.bind(10, static_cast<std::int64_t>(r.threads))
      .bind(11, r.agent_versions_json.empty() ? std::string("{}") : r.agent_versions_json)
      .bind(12, r.host)
      .bind(13, r.result_file)
      .bind(14, r.result_json.size() <= kMaxStoredResultBytes ? r.result_json : std::string())
      .bind(15, r.wall_s)
      .bind(16, r.error);
  s.run();
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(m_db.handle()));
}

std::vector<RunRecord> RunHistory::list(int limit) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT " + runHistoryColumns(false) +
                             " FROM runs ORDER BY started_us DESC, id DESC LIMIT ?1");
  s.bind(1, static_cast<std::int64_t>(limit > 0 ? limit : -1));
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(runRecordFromRow(s));
  s.reset();
  return out;
}

std::optional<RunRecord> RunHistory::get(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT " + runHistoryColumns(true) + " FROM runs WHERE id = ?1");
  s.bind(1, id);
  std::optional<RunRecord> r;
  if (s.step()) r = runRecordFromRow(s);
  s.reset();
  return r;
}

bool RunHistory::remove(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  m_db.cached("DELETE FROM runs WHERE id = ?1").bind(1, id).run();
  return m_db.changes() > 0;
}

RunRecord runRecordFor(const RunResult& result, const std::string& result_file,
                       const nlohmann::json& doc) {
  RunRecord r;
  const nlohmann::json& run = result.run_info.is_object() ? result.run_info : nlohmann::json();
  const auto member = [&run](const char* key, auto fallback) {
    return run.is_object() ? run.value(key, fallback) : fallback;
  };
  r.started_us = member("started_unix_us", unixMicros());
  r.finished_us = member("finished_unix_us", unixMicros());
  r.status = std::string(stepStatusName(result.status));
  r.where = member("where", std::string("local"));
  r.workflow_file = member("workflow_file", std::string());
  r.workflow_name = result.workflow;
  if (!result.workflow_spec.is_null()) r.workflow_json = result.workflow_spec.dump();
  if (run.is_object() && run.contains("overrides")) r.overrides_json = run["overrides"].dump();
  if (run.is_object() && run.contains("seed") && run["seed"].is_number_unsigned())
    r.seed = run["seed"].get<std::uint64_t>();
  r.threads = member("threads", 0);
  if (run.is_object() && run.contains("agent_versions"))
    r.agent_versions_json = run["agent_versions"].dump();
  r.host = member("host", std::string());
  r.result_file = result_file;
  if (r.result_file.empty()) {  // no file: keep the result itself when it is small
    const std::string text = doc.is_null() ? result.toJson().dump() : doc.dump();
    if (text.size() <= RunHistory::kMaxStoredResultBytes) r.result_json = text;
  }
  r.wall_s = result.wall_seconds;
  for (const auto& s : result.steps)
    if (!s.error.empty() && s.status != StepStatus::Skipped) {
      r.error = s.error;
      break;
    }
  return r;
}

}  // namespace sciagents::core::store
