// Paths named by external steps (a program, a Python module, a template or an extra file):
// relative paths resolve against the workflow's folder (TaskContext::baseDir), then symlinks and
// ".." are resolved, and under a policy with allowed roots (the server's `--allow-external DIR`)
// the result must lie inside one of them. The external tasks and the server's admission check
// use this one function, so what is refused at submit is refused at run time too.
#pragma once

#include "core/agent/external_policy.h"

#include <filesystem>
#include <string>

namespace sciagents::core {

struct ExternalPath {
  std::filesystem::path resolved;  // absolute, symlinks resolved (as far as the path exists)
  std::string problem;             // empty: allowed
};

ExternalPath resolveExternalPath(const ExternalPolicy* policy, const std::string& base_dir,
                                 const std::string& path);

// True when `path` (absolute, resolved) is `root` or lies below it, component by component.
bool pathInside(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace sciagents::core
