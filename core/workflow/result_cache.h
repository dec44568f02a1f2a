// Persistent, size-bounded, content-addressed store of step results. The key is a SHA-256 over the
// agent id and version, the task, the effective seed and every resolved input VALUE, so two
// different inputs never share an entry. Entries are JSON files written atomically; least recently
// used entries are evicted past the size bound.
#pragma once

#include "core/value/value.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace sciagents::core {

struct CachedResult {
  Map outputs;
  Map diagnostics;
  nlohmann::json provenance;
};

class ResultCache {
 public:
  ResultCache(std::filesystem::path dir, std::uint64_t max_bytes);

  // $SCIAGENTS_CACHE_DIR, else $XDG_CACHE_HOME/sciagents/results, else ~/.cache/sciagents/results.
  static std::filesystem::path defaultDir();
  // $SCIAGENTS_CACHE_MAX_BYTES, else 1 GiB.
  static std::uint64_t defaultMaxBytes();

  std::optional<CachedResult> load(const std::string& key) const;  // refreshes the entry's age
  void store(const std::string& key, const CachedResult& result);  // best effort; logs failures
  void enforceLimit();                                             // evicts least recently used

  const std::filesystem::path& dir() const { return m_dir; }

 private:
  std::filesystem::path pathFor(const std::string& key) const;

  std::filesystem::path m_dir;
  std::uint64_t m_max_bytes;
  mutable std::mutex m_evict_mutex;
};

}  // namespace sciagents::core
