#include "core/agent/external_paths.h"

#include <system_error>

namespace sciagents::core {

namespace fs = std::filesystem;

bool pathInside(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // a trailing separator in the root
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

ExternalPath resolveExternalPath(const ExternalPolicy* policy, const std::string& base_dir,
                                 const std::string& path) {
  ExternalPath out;
  if (path.empty()) {
    out.problem = "the path is empty";
    return out;
  }
  if (path.find('\0') != std::string::npos) {
    out.problem = "the path contains a NUL character";
    return out;
  }
  fs::path p(path);
  std::error_code ec;
  if (p.is_relative()) p = (base_dir.empty() ? fs::current_path(ec) : fs::path(base_dir)) / p;
  fs::path resolved = fs::weakly_canonical(p, ec);
  if (ec) resolved = p.lexically_normal();
  out.resolved = resolved;
  if (!policy || policy->allowed_roots.empty()) return out;
  for (const auto& root : policy->allowed_roots) {
    std::error_code rec;
    const fs::path r = fs::weakly_canonical(fs::path(root), rec);
    if (!rec && pathInside(resolved, r)) return out;
  }
  std::string roots;
  for (const auto& root : policy->allowed_roots) roots += (roots.empty() ? "" : ", ") + root;
  out.problem = "'" + path + "' resolves to '" + resolved.string() +
                "', outside the folders external models may use (" + roots +
                "; sciagents serve --allow-external)";
  return out;
}

}  // namespace sciagents::core
