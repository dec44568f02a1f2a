#include "core/agent/external_policy.h"

namespace sciagents::core {

std::vector<std::string> defaultEnvironmentAllowList() {
  return {"PATH",
          "HOME",
          "USER",
          "LOGNAME",
          "LANG",
          "LC_ALL",
          "LC_CTYPE",
          "LC_NUMERIC",
          "TZ",
          "TMPDIR",
          "PYTHONPATH",
          "LD_LIBRARY_PATH",
          "OMP_NUM_THREADS",
          "SCIAGENTS_PYTHON"};
}

}  // namespace sciagents::core
