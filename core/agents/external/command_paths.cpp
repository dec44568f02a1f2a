#include "core/agents/external/command_paths.h"

#include "core/agent/external_paths.h"
#include "core/agent/external_policy.h"
#include "core/util/child_process.h"
#include "core/util/error.h"
#include "core/util/sha256.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sciagents::core::agents::external {

namespace fs = std::filesystem;

namespace {

fs::path located(const std::string& given, const std::string& base_dir) {
  const fs::path p(given);
  if (p.is_absolute() || base_dir.empty()) return p;
  return fs::path(base_dir) / p;
}

// The canonical path of an existing regular file, or a paramError saying what is wrong.
fs::path existingFile(const std::string& param, const std::string& given, const fs::path& where) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(where, ec);
  if (ec)
    throw paramError(param, "'" + given + "' does not exist (looked for " + where.string() + ")");
  if (!fs::is_regular_file(canonical, ec))
    throw paramError(param, "'" + given + "' is not a regular file (" + canonical.string() + ")");
  return canonical;
}

// The one roots check of external models (core/agent/external_paths.h), on the resolved file.
void checkRoots(const std::string& param, const std::string& given, const fs::path& canonical,
                const ExternalPolicy* policy) {
  if (!policy || policy->allowed_roots.empty()) return;
  const ExternalPath p = resolveExternalPath(policy, {}, canonical.string());
  if (!p.problem.empty())
    throw paramError(param, "'" + given + "' resolves to " + canonical.string() + ", " +
                                p.problem.substr(p.problem.find("outside")));
}

}  // namespace

ResolvedFiles resolveFiles(const CommandSpec& spec, const std::string& base_dir,
                           const ExternalPolicy* policy) {
  ResolvedFiles out;
  const std::string& prog = spec.argv[0];
  fs::path where;
  if (prog.find('/') != std::string::npos) {
    where = located(prog, base_dir);
  } else {
    const std::string found = findInPath(prog);
    if (found.empty())
      throw paramError("command[0]", "program '" + prog +
                                         "' was not found in PATH (give a path with '/' to run "
                                         "a program relative to the workflow file's folder)");
    where = found;
  }
  out.program = existingFile("command[0]", prog, where);
#if !defined(_WIN32)
  if (::access(out.program.c_str(), X_OK) != 0)
    throw paramError(
        "command[0]",
        "program '" + prog + "' (" + out.program.string() +
            ") is not executable (chmod +x, or run it through its interpreter, "
            "e.g. [\"/usr/bin/python3\", \"script.py\"] with the script in \"files\")");
#endif
  checkRoots("command[0]", prog, out.program, policy);
  for (std::size_t i = 0; i < spec.templates.size(); ++i) {
    const std::string param = "templates[" + std::to_string(i) + "]";
    out.templates.push_back(
        existingFile(param, spec.templates[i].file, located(spec.templates[i].file, base_dir)));
    checkRoots(param, spec.templates[i].file, out.templates.back(), policy);
  }
  for (std::size_t i = 0; i < spec.files.size(); ++i) {
    const std::string param = "files[" + std::to_string(i) + "]";
    out.files.push_back(
        existingFile(param, spec.files[i].file, located(spec.files[i].file, base_dir)));
    checkRoots(param, spec.files[i].file, out.files.back(), policy);
  }
  return out;
}

namespace {

std::string hashFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  Sha256 h;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    h.update(buf, static_cast<std::size_t>(in.gcount()));
  return h.hexDigest();
}

#if !defined(_WIN32)
// Hashes already taken, by path and file identity: a step model hashes its program for every
// sample otherwise (the cache key, the diagnostics), and a simulation binary may be large. A
// file whose identity (device, inode, size, modification and status-change times) is unchanged
// has the same content, except within the file system's timestamp granularity: as "racy git"
// does, a file changed less than a second before it was hashed is hashed again every time.
struct Identity {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const Identity&) const = default;
};

std::optional<Identity> identityOf(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  auto ns = [](const timespec& t) { return std::int64_t{t.tv_sec} * 1000000000 + t.tv_nsec; };
  return Identity{st.st_dev, st.st_ino, st.st_size, ns(st.st_mtim), ns(st.st_ctim)};
}

struct HashMemo {
  std::mutex mutex;
  std::unordered_map<std::string, std::pair<Identity, std::string>> hashes;
};

HashMemo& memo() {
  static HashMemo m;
  return m;
}
#endif

}  // namespace

std::string fileSha256(const fs::path& file) {
#if !defined(_WIN32)
  const auto before = identityOf(file);
  if (!before) return hashFile(file);  // it says why it cannot be read
  const std::string key = file.string();
  HashMemo& m = memo();
  {
    std::lock_guard lock(m.mutex);
    if (auto it = m.hashes.find(key); it != m.hashes.end() && it->second.first == *before)
      return it->second.second;
  }
  std::string hash = hashFile(file);
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t now_ns = std::int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
  const bool settled = now_ns - std::max(before->mtime_ns, before->ctime_ns) > 1000000000;
  if (settled && identityOf(file) == before) {
    std::lock_guard lock(m.mutex);
    if (m.hashes.size() >= 1024) m.hashes.clear();
    m.hashes[key] = {*before, hash};
  }
  return hash;
#else
  return hashFile(file);
#endif
}

}  // namespace sciagents::core::agents::external
