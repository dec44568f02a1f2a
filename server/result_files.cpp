#include "server/result_files.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/value/value_json.h"
#include "core/workflow/run_result.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace sciagents::server {

namespace fs = std::filesystem;

namespace {

// Owner-only modes whatever the umask: results are private to their token.
void restrict(const fs::path& p, bool directory) {
  std::error_code ec;
  const auto mode =
      directory ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write;
  fs::permissions(p, mode, fs::perm_options::replace, ec);
}

// A fresh directory (what an interrupted earlier run of the job left there goes first).
void makeDir(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  fs::create_directories(p, ec);
  if (ec || !fs::is_directory(p))
    throw core::Error(core::ErrorCode::RunFailed,
                      "cannot create the result directory '" + p.string() + "': " + ec.message());
  restrict(p, true);
}

std::uint64_t treeBytes(const fs::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) {
      total += it->file_size(ec);
      restrict(it->path(), false);
    } else if (it->is_directory(ec)) {
      restrict(it->path(), true);
    }
  return total;
}

}  // namespace

std::string describeBytes(std::uint64_t bytes) {
  char buf[64];
  if (bytes >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  else if (bytes >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1ull << 20));
  else
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  return buf;
}

ResultFiles::ResultFiles(fs::path dir, ResultLimits limits)
    : m_dir(std::move(dir)), m_limits(limits) {}

core::store::StoredResult ResultFiles::write(const std::string& id, const core::RunResult& result,
                                             std::int64_t owner_used) const {
  const fs::path job_dir = m_dir / id;
  makeDir(job_dir);
  core::JsonWriteOptions o;
  if (m_limits.sidecar_min_elements > 0) {
    o.sidecar_dir = job_dir / "files";
    o.sidecar_min_elements = m_limits.sidecar_min_elements;
  }
  std::string text;
  try {
    text = result.toJson(o).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(job_dir, ec);
    throw core::Error(core::ErrorCode::RunFailed,
                      std::string("cannot write the result: ") + e.what());
  }
  return finish(id, job_dir, text, owner_used);
}

core::store::StoredResult ResultFiles::writeDocument(const std::string& id,
                                                     const nlohmann::json& doc,
                                                     std::int64_t owner_used) const {
  const fs::path job_dir = m_dir / id;
  makeDir(job_dir);
  return finish(id, job_dir, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                owner_used);
}

core::store::StoredResult ResultFiles::finish(const std::string& id, const fs::path& job_dir,
                                              const std::string& json_text,
                                              std::int64_t owner_used) const {
  auto refuse = [&](const std::string& message) {
    std::error_code ec;
    fs::remove_all(job_dir, ec);
    throw core::Error(core::ErrorCode::RunFailed, message);
  };
  const std::uint64_t sidecars = treeBytes(job_dir);
  const std::uint64_t total = sidecars + json_text.size();
  if (m_limits.max_result_bytes > 0 && total > m_limits.max_result_bytes)
    refuse("the result of job " + id + " takes " + describeBytes(total) +
           ", more than the server's result-size cap of " +
           describeBytes(m_limits.max_result_bytes) +
           " (--max-result-mb); ask for smaller outputs (fewer points, a coarser grid)");
  const auto used = static_cast<std::uint64_t>(std::max<std::int64_t>(0, owner_used));
  if (m_limits.quota_bytes > 0 && used + total > m_limits.quota_bytes)
    refuse("the result of job " + id + " (" + describeBytes(total) +
           ") does not fit in this token's storage quota of " +
           describeBytes(m_limits.quota_bytes) + " (--result-quota-mb; " + describeBytes(used) +
           " used by its stored results); delete old jobs or ask the operator");
  const fs::path file = job_dir / "result.json";
  std::string error;
  if (!core::writeFileAtomic(file, json_text, &error))
    refuse("cannot write the result of job " + id + ": " + error);
  restrict(file, false);
  return {file.string(), static_cast<std::int64_t>(total)};
}

bool ResultFiles::validSidecarName(const std::string& name) {
  if (name.size() < 5 || name.size() > 200 || name.front() == '.') return false;
  if (name.compare(name.size() - 4, 4, ".npy") != 0) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  return true;
}

std::optional<fs::path> ResultFiles::sidecar(const std::string& result_file,
                                             const std::string& name) {
  if (result_file.empty() || !validSidecarName(name)) return std::nullopt;
  const fs::path p = fs::path(result_file).parent_path() / "files" / name;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(p, ec))) return std::nullopt;
  return p;
}

}  // namespace sciagents::server
