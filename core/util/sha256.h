// Incremental SHA-256 (OpenSSL EVP): content addresses for the result cache and params hashes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sciagents::core {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hexDigest();  // finishes the hash

 private:
  void* m_ctx;  // EVP_MD_CTX*, kept opaque so OpenSSL headers stay out of users
};

std::string sha256Hex(std::string_view data);

}  // namespace sciagents::core
