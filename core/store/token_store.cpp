#include "core/store/token_store.h"

#include "core/util/clock.h"
#include "core/util/error.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

namespace sciagents::core::store {

namespace {
std::string digestOf(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), md.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != 32)
    throw Error(ErrorCode::RunFailed, "token store: SHA-256 failed");
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

std::string toHex(std::string_view raw) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) out += digits[c >> 4], out += digits[c & 15];
  return out;
}

std::string fromHex(const std::string& hex) {
  std::string out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>((nib(hex[i]) << 4) | nib(hex[i + 1]));
  return out;
}

bool validName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  return true;
}
}  // namespace

TokenStore::TokenStore(const std::filesystem::path& file) : m_db(file) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS tokens ("
      " name TEXT NOT NULL, hash TEXT NOT NULL, scope TEXT NOT NULL, created_us INTEGER NOT NULL,"
      " revoked_us INTEGER);"
      "CREATE INDEX IF NOT EXISTS tokens_name ON tokens(name);");
  // Token ids (issue 22): stores created before them get one random id per existing token. Checked
  // inside the write transaction, so a CLI and a server opening an old store at once migrate once.
  {
    Transaction tx(m_db);
    Statement q(m_db.handle(),
                "SELECT COUNT(*) FROM pragma_table_info('tokens') WHERE name = 'id'");
    const bool missing = q.step() && q.integer(0) == 0;
    q.reset();
    if (missing) {
      m_db.exec("ALTER TABLE tokens ADD COLUMN id TEXT");
      m_db.exec("UPDATE tokens SET id = lower(hex(randomblob(16))) WHERE id IS NULL");
    }
    tx.commit();
  }
  m_db.exec("CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens(id)");
}

std::string TokenStore::randomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw Error(ErrorCode::RunFailed, "cannot read random bytes (OpenSSL RAND_bytes)");
  return toHex(raw);
}

bool TokenStore::constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string TokenStore::create(const std::string& name, TokenScope scope) {
  if (!validName(name))
    throw Error(
        ErrorCode::InvalidInput,
        "token name '" + name + "' must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
  const std::string token = randomHex(32);
  std::lock_guard lock(m_mutex);
  Transaction tx(m_db);
  {
    Statement& s =
        m_db.cached("SELECT COUNT(*) FROM tokens WHERE name = ?1 AND revoked_us IS NULL");
    s.bind(1, name);
    const bool taken = s.step() && s.integer(0) > 0;
    s.reset();
    if (taken)
      throw Error(ErrorCode::InvalidInput,
                  "an active token named '" + name + "' already exists (revoke it first)");
  }
  Statement& ins = m_db.cached(
      "INSERT INTO tokens (name, hash, scope, created_us, id) VALUES (?1, ?2, ?3, ?4, ?5)");
  ins.bind(1, name)
      .bind(2, toHex(digestOf(token)))
      .bind(3, scope == TokenScope::Admin ? "admin" : "user");
  ins.bind(4, unixMicros()).bind(5, randomHex(16)).run();
  tx.commit();
  ++m_local_changes;
  return token;
}

std::vector<TokenInfo> TokenStore::list() {
  std::lock_guard lock(m_mutex);
  Statement& s = m_db.cached(
      "SELECT id, name, scope, created_us, revoked_us FROM tokens ORDER BY created_us, rowid");
  std::vector<TokenInfo> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1),
                   s.text(2) == "admin" ? TokenScope::Admin : TokenScope::User, s.integer(3),
                   s.optionalInteger(4)});
  s.reset();
  return out;
}

std::string TokenStore::revoke(const std::string& name) {
  std::lock_guard lock(m_mutex);
  Transaction tx(m_db);
  Statement& q = m_db.cached("SELECT id FROM tokens WHERE name = ?1 AND revoked_us IS NULL");
  q.bind(1, name);
  const bool found = q.step();
  const std::string id = found ? q.text(0) : std::string();
  q.reset();
  if (!found) throw Error(ErrorCode::InvalidInput, "no active token named '" + name + "'");
  Statement& s = m_db.cached("UPDATE tokens SET revoked_us = ?2 WHERE id = ?1");
  s.bind(1, id).bind(2, unixMicros()).run();
  tx.commit();
  ++m_local_changes;
  return id;
}

std::optional<std::string> TokenStore::activeId(const std::string& name) {
  std::lock_guard lock(m_mutex);
  Statement& q = m_db.cached("SELECT id FROM tokens WHERE name = ?1 AND revoked_us IS NULL");
  q.bind(1, name);
  std::optional<std::string> id;
  if (q.step()) id = q.text(0);
  q.reset();
  return id;
}

void TokenStore::reloadLocked() {
  Statement& s =
      m_db.cached("SELECT hash, id, name, scope, created_us FROM tokens WHERE revoked_us IS NULL");
  std::vector<Active> active;
  while (s.step())
    active.push_back(
        {fromHex(s.text(0)),
         {s.text(1), s.text(2), s.text(3) == "admin" ? TokenScope::Admin : TokenScope::User,
          s.integer(4), std::nullopt}});
  s.reset();
  m_active = std::move(active);
}

void TokenStore::refreshLocked() {
  const std::int64_t version = m_db.dataVersion();
  if (version != m_version || m_local_changes != m_loaded_changes) {
    reloadLocked();
    m_version = version;
    m_loaded_changes = m_local_changes;
  }
}

std::vector<std::string> TokenStore::refreshRevoked() {
  std::lock_guard lock(m_mutex);
  const std::int64_t version = m_db.dataVersion();
  std::vector<std::string> fresh;
  if (m_watching && version == m_revoked_version && m_local_changes == m_revoked_changes)
    return fresh;  // nothing committed since the last look
  // Every revoked id not reported yet (a token created and revoked between two calls included).
  Statement& s = m_db.cached("SELECT id FROM tokens WHERE revoked_us IS NOT NULL");
  while (s.step()) {
    std::string id = s.text(0);
    if (m_reported.insert(id).second && m_watching) fresh.push_back(std::move(id));
  }
  s.reset();
  m_watching = true;
  m_revoked_version = version;
  m_revoked_changes = m_local_changes;
  return fresh;
}

std::optional<TokenInfo> TokenStore::verify(std::string_view token) {
  if (token.empty() || token.size() > 512) return std::nullopt;
  const std::string digest = digestOf(token);
  std::lock_guard lock(m_mutex);
  refreshLocked();
  // Compare against every active digest so the time taken does not depend on which one matches.
  const Active* found = nullptr;
  for (const auto& a : m_active)
    if (constantTimeEqual(a.digest, digest) && !found) found = &a;
  if (!found) return std::nullopt;
  return found->info;
}

}  // namespace sciagents::core::store
