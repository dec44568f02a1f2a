// What a run allows external models (the `external` agent: the user's programs and Python
// functions) to do, and where relative file paths in a workflow resolve. The CLI and Studio run
// with `enabled` and the default limits; the server enables external steps only with
// `serve --allow-external DIR...`, whose roots every program, module and template must resolve
// into (after symlinks), and puts work directories inside the job's directory.
#pragma once

#include <string>
#include <vector>

namespace sciagents::core {

struct ExternalPolicy {
  bool enabled = true;
  // Empty: any path. Otherwise every program/module/template path must resolve inside one of these.
  std::vector<std::string> allowed_roots;
  // Where work directories are created (empty: a per-run folder under the system temp dir).
  std::string work_root;
  // false: every work directory is removed after its evaluation, whatever a step's `keep` says
  // (the server: its users cannot reach its disk; diagnostics still carry stderr's tail).
  bool keep_work_dirs = true;
  // Per-evaluation limits (0: none); a step's own limits may only be lower on the server.
  double cpu_time_s = 0.0;
  double wall_time_s = 0.0;
  double memory_mb = 0.0;
  // Names of environment variables passed to external programs (PATH, HOME, LANG... by default,
  // see defaultEnvironmentAllowList()); everything else is removed.
  std::vector<std::string> env_allow;
  // Why external steps are disabled, for the error message (e.g. the flag that enables them).
  std::string disabled_reason;
};

std::vector<std::string> defaultEnvironmentAllowList();

}  // namespace sciagents::core
