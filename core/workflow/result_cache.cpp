#include "core/workflow/result_cache.h"

#include "core/util/safe_file_write.h"
#include "core/value/value_json.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace sciagents::core {

namespace fs = std::filesystem;

ResultCache::ResultCache(fs::path dir, std::uint64_t max_bytes)
    : m_dir(std::move(dir)), m_max_bytes(max_bytes) {}

fs::path ResultCache::defaultDir() {
  if (const char* d = std::getenv("SCIAGENTS_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return fs::path(x) / "sciagents" / "results";
#if defined(_WIN32)
  if (const char* l = std::getenv("LOCALAPPDATA"); l && *l)
    return fs::path(l) / "sciagents" / "cache" / "results";
#endif
  if (const char* h = std::getenv("HOME"); h && *h)
    return fs::path(h) / ".cache" / "sciagents" / "results";
  return fs::temp_directory_path() / "sciagents-cache" / "results";
}

std::uint64_t ResultCache::defaultMaxBytes() {
  if (const char* m = std::getenv("SCIAGENTS_CACHE_MAX_BYTES"); m && *m) {
    char* end = nullptr;
    const auto v = std::strtoull(m, &end, 10);
    if (end && *end == '\0' && v > 0) return v;
  }
  return 1ull << 30;
}

fs::path ResultCache::pathFor(const std::string& key) const {
  return m_dir / key.substr(0, 2) / (key + ".json");
}

std::optional<CachedResult> ResultCache::load(const std::string& key) const {
  const fs::path p = pathFor(key);
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  try {
    std::ifstream in(p, std::ios::binary);
    const auto j = nlohmann::json::parse(in);
    if (j.value("key", "") != key) return std::nullopt;
    CachedResult r;
    r.outputs = fromJson(j.at("outputs")).asMap();
    r.diagnostics = fromJson(j.at("diagnostics")).asMap();
    r.provenance = j.at("provenance");
    fs::last_write_time(p, fs::file_time_type::clock::now(), ec);  // LRU age
    return r;
  } catch (const std::exception& e) {
    spdlog::warn("result cache: ignoring unreadable entry {} ({})", p.string(), e.what());
    fs::remove(p, ec);
    return std::nullopt;
  }
}

void ResultCache::store(const std::string& key, const CachedResult& result) {
  const fs::path p = pathFor(key);
  std::error_code ec;
  // Owner-only: results may be private (directories 0700, files 0600 whatever the umask).
  // Every directory this call creates (e.g. SCIAGENTS_CACHE_DIR itself above a token's folder on
  // the server) gets 0700, not the umask's mode.
  std::vector<fs::path> missing;
  for (fs::path d = p.parent_path(); !d.empty() && !fs::exists(d, ec); d = d.parent_path()) {
    missing.push_back(d);
    if (d == d.parent_path()) break;
  }
  fs::create_directories(p.parent_path(), ec);
  if (ec) {
    spdlog::warn("result cache: cannot create {} ({})", p.parent_path().string(), ec.message());
    return;
  }
  for (const fs::path& d : missing)
    fs::permissions(d, fs::perms::owner_all, fs::perm_options::replace, ec);
  try {
    nlohmann::json j = {{"sciagents_cache", 1},
                        {"key", key},
                        {"outputs", toJson(Value(result.outputs))},
                        {"diagnostics", toJson(Value(result.diagnostics))},
                        {"provenance", result.provenance}};
    // A new file renamed into place: readers see the old file or the new one.
    std::string why;
    if (!writeFileSafely(p, j.dump(), &why, {.mode = 0600, .sync = false}))
      throw std::runtime_error(why);
  } catch (const std::exception& e) {
    spdlog::warn("result cache: cannot store {} ({})", p.string(), e.what());
  }
}

void ResultCache::enforceLimit() {
  std::lock_guard lock(m_evict_mutex);
  struct Entry {
    fs::path path;
    std::uintmax_t size;
    fs::file_time_type time;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    Entry e{it->path(), it->file_size(ec), it->last_write_time(ec)};
    total += e.size;
    entries.push_back(std::move(e));
  }
  if (total <= m_max_bytes) return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.time < b.time; });
  for (const auto& e : entries) {
    if (total <= m_max_bytes) break;
    if (fs::remove(e.path, ec)) total -= e.size;
  }
}

}  // namespace sciagents::core
