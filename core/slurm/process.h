// Runs an external program (sbatch, squeue, scancel) without a shell and collects its output.
// POSIX only; on other systems run() reports that the program could not be started.
#pragma once

#include <string>
#include <vector>

namespace sciagents::core {

struct ProcessResult {
  bool started = false;    // false: not found / could not be executed (error says why)
  bool timed_out = false;  // killed after the timeout
  int exit_code = -1;      // -1 when killed by a signal or not started
  std::string out;
  std::string err;
};

// argv[0] is looked up in PATH. stdin is /dev/null. The child is killed after timeout_s seconds.
ProcessResult runProcess(const std::vector<std::string>& argv, double timeout_s = 60.0);

}  // namespace sciagents::core
