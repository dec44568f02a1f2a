// One evaluation of `external.command`: a fresh work directory with the filled templates and the
// extra files, the program run under the limits (retried as asked), its outputs read back, the
// directory kept or removed as `keep` says.
#pragma once

#include "core/agents/external/command_paths.h"
#include "core/agents/external/command_spec.h"
#include "core/value/value.h"

#include <string>

namespace sciagents::core {
class TaskContext;
}

namespace sciagents::core::agents::external {

struct Limits {
  double timeout_s = 0.0, cpu_time_s = 0.0, memory_mb = 0.0;  // 0: none
};

struct Evaluation {
  bool ok = false;
  Map outputs;        // the named outputs (when ok)
  Map diagnostics;    // exit status or signal, times, attempts, stderr tail, work directory...
  std::string error;  // why it failed (when !ok), naming the program and the kept work directory
};

// The step's limits bounded by the run's policy: a step may ask for less than the policy allows,
// never more (a paramError naming the limit); 0 in the step means "the policy's limit".
Limits effectiveLimits(const CommandSpec& spec, const TaskContext& ctx);

// Throws cancelledError() when the run is cancelled (the program's process group is killed first),
// paramError for problems of the params (a template placeholder without an input...).
Evaluation runEvaluation(const CommandSpec& spec, const ResolvedFiles& files, const Limits& limits,
                         const TaskContext& ctx);

}  // namespace sciagents::core::agents::external
