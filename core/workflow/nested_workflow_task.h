// workflow_orchestration.run: a whole workflow (inline, or a .workflow.json file) run as one step
// by the same engine, with the run's cache, limits and policies (core/workflow/nested_run_scope.h),
// its seed derived from the step's, cancellation and progress passed through. Lives with the
// engine because it is the engine: the orchestration agent registers it.
#pragma once

#include "core/agent/task_spec.h"

namespace sciagents::core {

// Nesting deeper than this fails (a file that includes itself ends here).
inline constexpr int kMaxWorkflowNesting = 8;

TaskSpec nestedWorkflowTask();

}  // namespace sciagents::core
