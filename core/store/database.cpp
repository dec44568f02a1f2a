#include "core/store/database.h"

#include "core/util/error.h"

#include <sqlite3.h>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sciagents::core::store {

namespace {
[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw Error(ErrorCode::RunFailed,
              "job store: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// The store holds token hashes, workflows and results: owner-only (0600) whatever the umask or the
// data directory's mode. The database file is created here with that mode (an empty file is an
// empty database); SQLite gives new -wal and -shm files the database's mode, and files left by an
// older version are tightened. Best effort: a file we cannot change keeps its mode.
void restrictToOwner(const std::string& name) {
#if !defined(_WIN32)
  if (name.empty() || name == ":memory:" || name.rfind("file:", 0) == 0) return;
  // Only a file we create is opened and closed here: closing a descriptor of a file this process
  // has open in SQLite would drop that connection's POSIX locks. Existing files: chmod by name.
  const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string side = name + suffix;
    struct stat st {};
    if (::lstat(side.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0077))
      ::chmod(side.c_str(), 0600);
  }
#else
  (void)name;
#endif
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &m_stmt, nullptr) != SQLITE_OK)
    fail(db, "cannot prepare '" + std::string(sql) + "'");
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(m_stmt, index, text.data() ? text.data() : "",
                        static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(m_db, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK) fail(m_db, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(m_stmt, index, value) != SQLITE_OK) fail(m_db, "bind");
  return *this;
}

Statement& Statement::bindNull(int index) {
  if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK) fail(m_db, "bind");
  return *this;
}

Statement& Statement::bindOptional(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bindNull(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string msg = sqlite3_errmsg(m_db);
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
  throw Error(ErrorCode::RunFailed, "job store: " + msg);
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}
std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }
std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
           : std::string();
}
std::optional<std::int64_t> Statement::optionalInteger(int column) const {
  if (isNull(column)) return std::nullopt;
  return integer(column);
}

Database::Database(const std::filesystem::path& file) {
  const std::string name = file.string();
  restrictToOwner(name);
  if (sqlite3_open_v2(name.c_str(), &m_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string msg = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    m_db = nullptr;
    throw Error(ErrorCode::RunFailed, "job store: cannot open '" + name + "': " + msg);
  }
  sqlite3_busy_timeout(m_db, 5000);
  if (name != ":memory:") exec("PRAGMA journal_mode=WAL");
  restrictToOwner(name);  // a -wal or -shm file left by an older version
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
}

Database::~Database() {
  m_cache.clear();  // finalize statements before closing
  sqlite3_close_v2(m_db);
}

Statement& Database::cached(const std::string& sql) {
  auto& slot = m_cache[sql];
  if (!slot) slot = std::make_unique<Statement>(m_db, sql);
  slot->reset();
  return *slot;
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(m_db);
    sqlite3_free(err);
    throw Error(ErrorCode::RunFailed, "job store: '" + s + "': " + msg);
  }
}

std::int64_t Database::changes() const { return sqlite3_changes64(m_db); }

std::int64_t Database::dataVersion() {
  Statement& s = cached("PRAGMA data_version");
  const std::int64_t v = s.step() ? s.integer(0) : 0;
  s.reset();
  return v;
}

Transaction::Transaction(Database& db) : m_db(db) { m_db.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!m_done) {
    try {
      m_db.exec("ROLLBACK");
    } catch (...) {
    }
  }
}
void Transaction::commit() {
  m_db.exec("COMMIT");
  m_done = true;
}

}  // namespace sciagents::core::store
