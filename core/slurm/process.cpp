#include "core/slurm/process.h"

#include "core/util/child_process.h"

namespace sciagents::core {

ProcessResult runProcess(const std::vector<std::string>& argv, double timeout_s) {
  ProcessResult r;
  if (argv.empty()) return r;
  ChildSpec spec;
  spec.argv = argv;
  spec.wall_timeout_s = timeout_s;
  ChildResult c = runChild(spec);
  r.started = c.started;
  if (!c.started) {
    r.err = c.start_error;
    return r;
  }
  r.timed_out = c.timed_out;
  if (c.term_signal == 0 && !c.timed_out) r.exit_code = c.exit_code;
  r.out = std::move(c.out);
  r.err = std::move(c.err);
  if (r.timed_out)
    r.err +=
        "\n" + argv[0] + ": killed after " + std::to_string(static_cast<int>(timeout_s)) + " s";
  return r;
}

}  // namespace sciagents::core
