// Job results of the server on disk (issue 22): DIR/<job id>/result.json, with numeric arrays of at
// least `sidecar_min_elements` doubles in DIR/<job id>/files/*.npy, referenced from the JSON as
// {"$type": "npy", "path": "files/NAME.npy", ...}; GET /v1/jobs/{id}/files/NAME.npy serves them.
// Each result is bounded by a size cap and every token by a storage quota over its stored results;
// a result over either is deleted and its job fails with a message naming the limit.
#pragma once

#include "core/store/job_store.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sciagents::core {
struct RunResult;
}

namespace sciagents::server {

struct ResultLimits {
  std::uint64_t max_result_bytes = 256ull << 20;  // JSON + sidecars of one job (0: no cap)
  std::uint64_t quota_bytes = 2048ull << 20;      // stored results of one token (0: no quota)
  std::size_t sidecar_min_elements = 1'000'000;   // arrays this long go to .npy (0: never)
};

class ResultFiles {
 public:
  ResultFiles(std::filesystem::path dir, ResultLimits limits);

  // Writes the result of job `id`. `owner_used` is what the owner's other results already take.
  // Throws core::Error(RunFailed) naming the cap or the quota (nothing is left on disk then).
  core::store::StoredResult write(const std::string& id, const core::RunResult& result,
                                  std::int64_t owner_used) const;
  // Same for a result document built elsewhere (a merged Slurm result): no sidecars.
  core::store::StoredResult writeDocument(const std::string& id, const nlohmann::json& doc,
                                          std::int64_t owner_used) const;

  // The sidecar NAME of a stored result file, if NAME is a plain "*.npy" name that exists there.
  static std::optional<std::filesystem::path> sidecar(const std::string& result_file,
                                                      const std::string& name);
  static bool validSidecarName(const std::string& name);

  const std::filesystem::path& dir() const { return m_dir; }
  const ResultLimits& limits() const { return m_limits; }

 private:
  core::store::StoredResult finish(const std::string& id, const std::filesystem::path& job_dir,
                                   const std::string& json_text, std::int64_t owner_used) const;

  std::filesystem::path m_dir;
  ResultLimits m_limits;
};

// "256 MiB" style text of a byte count, for messages.
std::string describeBytes(std::uint64_t bytes);

}  // namespace sciagents::server
