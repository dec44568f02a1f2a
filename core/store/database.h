// Thin RAII wrapper over one SQLite connection: WAL, busy_timeout, prepared statements.
// Not thread-safe by itself: owners guard a Database with their own mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace sciagents::core::store {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bindNull(int index);
  Statement& bindOptional(int index, const std::optional<std::int64_t>& value);

  bool step();   // true while a row is available; throws on error
  void reset();  // ready to bind/step again (bindings cleared)
  void run() {
    step();
    reset();
  }

  bool isNull(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::int64_t> optionalInteger(int column) const;

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

class Database {
 public:
  // Opens (creating) the file; ":memory:" gives a private in-memory database.
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  // A prepared statement kept for reuse, reset and unbound; valid while the Database lives. Callers
  // must reset() it when done (run() and readers do) so no read transaction stays open.
  Statement& cached(const std::string& sql);
  sqlite3* handle() const { return m_db; }
  std::int64_t changes() const;
  // PRAGMA data_version: changes when another connection commits.
  std::int64_t dataVersion();

 private:
  sqlite3* m_db = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> m_cache;
};

// Runs BEGIN IMMEDIATE .. COMMIT (ROLLBACK when destroyed without commit()).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& m_db;
  bool m_done = false;
};

}  // namespace sciagents::core::store
