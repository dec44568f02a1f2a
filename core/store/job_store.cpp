#include "core/store/job_store.h"

#include "core/util/error.h"

namespace sciagents::core::store {

namespace {
constexpr const char* kJobColumns =
    "id, owner, name, spec, seed, no_cache, wall_time_s, state, created_us, started_us, "
    "finished_us, error, "
    "steps_total, steps_done, result IS NOT NULL OR result_file != '', backend, backend_options, "
    "backend_job_id, backend_dir, owner_id, result_file, result_bytes";
// Status reads skip the (possibly large) workflow spec.
constexpr const char* kStatusColumns =
    "id, owner, name, '', seed, no_cache, wall_time_s, state, created_us, started_us, finished_us, "
    "error, steps_total, steps_done, result IS NOT NULL OR result_file != '', backend, "
    "backend_options, backend_job_id, backend_dir, owner_id, result_file, result_bytes";
}  // namespace

std::string_view jobStateName(JobState s) {
  switch (s) {
    case JobState::Queued:
      return "queued";
    case JobState::Running:
      return "running";
    case JobState::Succeeded:
      return "succeeded";
    case JobState::Failed:
      return "failed";
    case JobState::Cancelled:
      return "cancelled";
    case JobState::TimedOut:
      return "timed_out";
  }
  return "failed";
}

std::optional<JobState> jobStateFromName(std::string_view name) {
  for (JobState s : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed,
                     JobState::Cancelled, JobState::TimedOut})
    if (jobStateName(s) == name) return s;
  return std::nullopt;
}

JobStore::JobStore(const std::filesystem::path& file) : m_db(file) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS jobs ("
      " id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', spec TEXT NOT "
      "NULL,"
      " seed INTEGER, no_cache INTEGER NOT NULL DEFAULT 0, wall_time_s REAL NOT NULL DEFAULT 0,"
      " state TEXT NOT NULL, created_us INTEGER NOT NULL, started_us INTEGER, finished_us INTEGER,"
      " error TEXT NOT NULL DEFAULT '', steps_total INTEGER NOT NULL DEFAULT 0,"
      " steps_done INTEGER NOT NULL DEFAULT 0, result TEXT);"
      "CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);"
      "CREATE INDEX IF NOT EXISTS jobs_owner_created ON jobs(owner, created_us);"
      "CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_us);");
  // Added for the Slurm backend (docs/slurm.md); older stores get the columns with defaults.
  // Token ids and result files (issue 22) likewise.
  bool added_owner_id = false;
  for (const char* column :
       {"backend TEXT NOT NULL DEFAULT 'local'", "backend_options TEXT NOT NULL DEFAULT ''",
        "backend_job_id TEXT NOT NULL DEFAULT ''", "backend_dir TEXT NOT NULL DEFAULT ''",
        "owner_id TEXT NOT NULL DEFAULT ''", "result_file TEXT NOT NULL DEFAULT ''",
        "result_bytes INTEGER NOT NULL DEFAULT 0"}) {
    const std::string name(column, std::string_view(column).find(' '));
    Statement q(m_db.handle(), "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = ?1");
    q.bind(1, name);
    const bool missing = q.step() && q.integer(0) == 0;
    q.reset();
    if (missing) m_db.exec(std::string("ALTER TABLE jobs ADD COLUMN ") + column);
    added_owner_id = added_owner_id || (missing && name == "owner_id");
  }
  m_db.exec("CREATE INDEX IF NOT EXISTS jobs_owner_id ON jobs(owner_id, created_us)");
  if (added_owner_id) adoptLegacyOwners();
}

void JobStore::adoptLegacyOwners() {
  // Jobs stored before token ids belonged to a token name: give each the id of the token of that
  // name that existed when it was submitted (the newest created before it). Needs the tokens table
  // with ids (TokenStore, same database file, opened first); otherwise jobs stay admin-only.
  Statement q(m_db.handle(), "SELECT COUNT(*) FROM pragma_table_info('tokens') WHERE name = 'id'");
  const bool tokens_have_ids = q.step() && q.integer(0) > 0;
  q.reset();
  if (!tokens_have_ids) return;
  m_db.exec(
      "UPDATE jobs SET owner_id = COALESCE((SELECT t.id FROM tokens t WHERE t.name = jobs.owner"
      " AND t.created_us <= jobs.created_us ORDER BY t.created_us DESC LIMIT 1), '')"
      " WHERE owner_id = ''");
}

void JobStore::setBackendJob(const std::string& id, const std::string& backend_job_id,
                             const std::string& dir) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("UPDATE jobs SET backend_job_id = ?2, backend_dir = ?3 WHERE id = ?1");
  s.bind(1, id).bind(2, backend_job_id).bind(3, dir);
  s.run();
}

std::vector<JobRecord> JobStore::readRows(Statement& s) {
  std::vector<JobRecord> out;
  while (s.step()) {
    JobRecord r;
    r.id = s.text(0);
    r.owner = s.text(1);
    r.name = s.text(2);
    r.spec = s.text(3);
    r.seed = s.optionalInteger(4);
    r.no_cache = s.integer(5) != 0;
    r.wall_time_s = s.real(6);
    r.state = jobStateFromName(s.text(7)).value_or(JobState::Failed);
    r.created_us = s.integer(8);
    r.started_us = s.optionalInteger(9);
    r.finished_us = s.optionalInteger(10);
    r.error = s.text(11);
    r.steps_total = s.integer(12);
    r.steps_done = s.integer(13);
    r.has_result = s.integer(14) != 0;
    r.backend = s.text(15);
    r.backend_options = s.text(16);
    r.backend_job_id = s.text(17);
    r.backend_dir = s.text(18);
    r.owner_id = s.text(19);
    r.result_file = s.text(20);
    r.result_bytes = s.integer(21);
    out.push_back(std::move(r));
  }
  s.reset();
  return out;
}

void JobStore::insert(const JobRecord& j) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "INSERT INTO jobs (id, owner, name, spec, seed, no_cache, wall_time_s, state, created_us, "
      "steps_total, backend, backend_options, owner_id)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  s.bind(1, j.id).bind(2, j.owner).bind(3, j.name).bind(4, j.spec).bindOptional(5, j.seed);
  s.bind(6, std::int64_t{j.no_cache ? 1 : 0}).bind(7, j.wall_time_s).bind(8, jobStateName(j.state));
  s.bind(9, j.created_us)
      .bind(10, j.steps_total)
      .bind(11, j.backend.empty() ? std::string("local") : j.backend);
  s.bind(12, j.backend_options).bind(13, j.owner_id);
  s.run();
}

std::optional<JobRecord> JobStore::get(const std::string& id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(std::string("SELECT ") + kStatusColumns + " FROM jobs WHERE id = ?1");
  s.bind(1, id);
  auto rows = readRows(s);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<JobRecord> JobStore::list(const std::string& owner_id, std::optional<JobState> state,
                                      int limit) {
  std::lock_guard lock(m_mutex);
  std::string sql = std::string("SELECT ") + kStatusColumns +
                    " FROM jobs WHERE (?1 = '' OR owner_id = ?1)" +
                    " AND (?2 = '' OR state = ?2) ORDER BY created_us DESC, rowid DESC LIMIT ?3";
  Statement& s = m_db.cached(sql);
  s.bind(1, owner_id)
      .bind(2, state ? std::string(jobStateName(*state)) : std::string(""))
      .bind(3, std::int64_t{limit > 0 ? limit : -1});
  return readRows(s);
}

std::vector<std::string> JobStore::idsOf(const std::string& owner_id, JobState state) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "SELECT id FROM jobs WHERE owner_id = ?1 AND state = ?2 ORDER BY created_us, rowid");
  s.bind(1, owner_id).bind(2, jobStateName(state));
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  s.reset();
  return out;
}

std::vector<JobRecord> JobStore::inState(JobState state) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(std::string("SELECT ") + kJobColumns +
                             " FROM jobs WHERE state = ?1 ORDER BY created_us, rowid");
  s.bind(1, jobStateName(state));
  return readRows(s);
}

void JobStore::markRunning(const std::string& id, std::int64_t started_us) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "UPDATE jobs SET state = 'running', started_us = ?2, steps_done = 0 WHERE id = ?1");
  s.bind(1, id).bind(2, started_us).run();
}

void JobStore::finish(const std::string& id, JobState state, std::int64_t finished_us,
                      const std::string& error, const std::string& result_json,
                      std::int64_t steps_done, const StoredResult& stored) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "UPDATE jobs SET state = ?2, finished_us = ?3, error = ?4, result = ?5, steps_done = ?6, "
      "result_file = ?7, result_bytes = ?8 WHERE id = ?1");
  s.bind(1, id).bind(2, jobStateName(state)).bind(3, finished_us).bind(4, error);
  if (result_json.empty() || !stored.file.empty())
    s.bindNull(5);
  else
    s.bind(5, result_json);
  const std::int64_t bytes =
      stored.file.empty() ? static_cast<std::int64_t>(result_json.size()) : stored.bytes;
  s.bind(6, steps_done).bind(7, stored.file).bind(8, bytes).run();
}

void JobStore::requeue(const std::string& id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "UPDATE jobs SET state = 'queued', started_us = NULL, finished_us = NULL, steps_done = 0, "
      "error = '',"
      " result = NULL, result_file = '', result_bytes = 0 WHERE id = ?1");
  s.bind(1, id).run();
}

void JobStore::setProgress(const std::string& id, std::int64_t steps_done) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("UPDATE jobs SET steps_done = ?2 WHERE id = ?1");
  s.bind(1, id).bind(2, steps_done).run();
}

std::optional<std::string> JobStore::result(const std::string& id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT result FROM jobs WHERE id = ?1 AND result IS NOT NULL");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  std::string r = s.text(0);
  s.reset();
  return r;
}

std::optional<std::string> JobStore::resultFile(const std::string& id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT result_file FROM jobs WHERE id = ?1 AND result_file != ''");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  std::string r = s.text(0);
  s.reset();
  return r;
}

namespace {
// Only a directory named after the job (DIR/results/<id>/result.json) is ever removed.
void removeResultDir(const std::string& id, const std::string& result_file) {
  if (result_file.empty()) return;
  const auto dir = std::filesystem::path(result_file).parent_path();
  std::error_code ec;
  if (dir.filename() == id) std::filesystem::remove_all(dir, ec);
}
}  // namespace

std::int64_t JobStore::dropResult(const std::string& id) {
  std::lock_guard lock(m_mutex);
  Statement& q = m_db.cached(
      "SELECT result_file, result_bytes FROM jobs WHERE id = ?1 AND state NOT IN ('queued', "
      "'running')");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return 0;
  }
  const std::string file = q.text(0);
  const std::int64_t bytes = q.integer(1);
  q.reset();
  Statement& s = m_db.cached(
      "UPDATE jobs SET result = NULL, result_file = '', result_bytes = 0 WHERE id = ?1");
  s.bind(1, id).run();
  removeResultDir(id, file);
  return bytes;
}

std::int64_t JobStore::resultBytesOf(const std::string& owner_id) {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT COALESCE(SUM(result_bytes), 0) FROM jobs WHERE owner_id = ?1");
  s.bind(1, owner_id);
  const std::int64_t n = s.step() ? s.integer(0) : 0;
  s.reset();
  return n;
}

std::int64_t JobStore::deleteFinishedBefore(std::int64_t before_us) {
  std::lock_guard lock(m_mutex);
  constexpr const char* kOld =
      "state NOT IN ('queued', 'running') AND finished_us IS NOT NULL AND finished_us < ?1";
  std::vector<std::pair<std::string, std::string>> files;  // job id, result file
  {
    Statement& q = m_db.cached(std::string("SELECT id, result_file FROM jobs WHERE ") + kOld +
                               " AND result_file != ''");
    q.bind(1, before_us);
    while (q.step()) files.emplace_back(q.text(0), q.text(1));
    q.reset();
  }
  Statement& s = m_db.cached(std::string("DELETE FROM jobs WHERE ") + kOld);
  s.bind(1, before_us).run();
  const std::int64_t n = m_db.changes();
  for (const auto& [id, f] : files) removeResultDir(id, f);
  return n;
}

std::map<JobState, std::int64_t> JobStore::countByState() {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached("SELECT state, COUNT(*) FROM jobs GROUP BY state");
  std::map<JobState, std::int64_t> out;
  while (s.step())
    if (auto st = jobStateFromName(s.text(0))) out[*st] = s.integer(1);
  s.reset();
  return out;
}

bool JobStore::healthy() {
  try {
    std::lock_guard lock(m_mutex);
    Statement& s = m_db.cached("SELECT 1");
    const bool ok = s.step();
    s.reset();
    return ok;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace sciagents::core::store
