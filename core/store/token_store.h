// Bearer tokens of the headless server: only SHA-256 digests are stored; verification compares
// digests in constant time. Thread-safe. Tokens created or revoked by another process (the
// `sciagents serve token` commands) are picked up on the next verify() (PRAGMA data_version).
#pragma once

#include "core/store/database.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sciagents::core::store {

enum class TokenScope { User, Admin };

struct TokenInfo {
  // Stable unique id of this token (32 hex digits), never reused: jobs, results and cache entries
  // belong to it. A token created later under the same name gets a new id.
  std::string id;
  std::string name;
  TokenScope scope = TokenScope::User;
  std::int64_t created_us = 0;
  std::optional<std::int64_t> revoked_us;
};

class TokenStore {
 public:
  explicit TokenStore(const std::filesystem::path& file);

  // Returns the new token (64 hex digits from a CSPRNG). Throws Error(InvalidInput) when an active
  // token with this name exists or the name is not 1..64 characters of [A-Za-z0-9._-].
  std::string create(const std::string& name, TokenScope scope);
  std::vector<TokenInfo> list();
  // Returns the id of the revoked token. Throws Error(InvalidInput) when no active token has this
  // name.
  std::string revoke(const std::string& name);
  // The active token matching `token`, if any.
  std::optional<TokenInfo> verify(std::string_view token);
  // The ids of tokens revoked (by this or another process) since the previous call, each reported
  // once. The first call only records the tokens revoked so far.
  std::vector<std::string> refreshRevoked();
  // The id of the active token named `name`, if any.
  std::optional<std::string> activeId(const std::string& name);

  static std::string randomHex(std::size_t bytes);  // CSPRNG (OpenSSL RAND_bytes)
  static bool constantTimeEqual(std::string_view a, std::string_view b);

 private:
  struct Active {
    std::string digest;  // raw 32 bytes
    TokenInfo info;
  };
  void reloadLocked();
  void refreshLocked();

  std::mutex m_mutex;
  Database m_db;
  std::vector<Active> m_active;
  std::int64_t m_version = -1;
  std::int64_t m_local_changes = 0;
  std::int64_t m_loaded_changes = -1;
  std::set<std::string> m_reported;  // revoked ids refreshRevoked() has seen
  bool m_watching = false;
  std::int64_t m_revoked_version = -1;
  std::int64_t m_revoked_changes = -1;
};

}  // namespace sciagents::core::store
