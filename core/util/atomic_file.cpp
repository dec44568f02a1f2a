#include "core/util/atomic_file.h"
#include "core/util/safe_file_write.h"

#include <fstream>
#include <sstream>

namespace sciagents::core {

namespace fs = std::filesystem;

bool writeFileAtomic(const fs::path& file, const std::string& text, std::string* error) {
  // Progress and status files are rewritten often: no fsync (a crash loses at most an update).
  std::string why;
  if (writeFileSafely(file, text, &why, {.mode = -1, .sync = false})) return true;
  if (error) *error = "cannot write '" + file.string() + "': " + why;
  return false;
}

std::optional<nlohmann::json> readJsonFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  auto j = nlohmann::json::parse(s.str(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace sciagents::core
