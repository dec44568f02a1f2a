#include "core/util/atomic_file.h"
#include "core/util/process_info.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sciagents::core {

namespace fs = std::filesystem;

bool writeFileAtomic(const fs::path& file, const std::string& text, std::string* error) {
  const long pid = currentProcessId();
  const fs::path tmp = file.string() + ".tmp-" + std::to_string(pid);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      if (error) *error = "cannot write '" + tmp.string() + "': " + std::strerror(errno);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    if (error) *error = "cannot rename '" + tmp.string() + "' to '" + file.string() + "': " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
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
