// The inverse of RunResult::toJson: a result document (`sciagents run -o`, GET
// /v1/jobs/{id}/result, a merged Slurm study) turned back into a RunResult, for the CLI summary and
// Studio's results.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace sciagents::core {

// "timed_out" (a server job state) maps to Failed; unknown names to Pending.
StepStatus stepStatusFromName(const std::string& name);
// Steps in the order of `workflow` when given (JSON objects do not keep order), then any others;
// with a workflow, each step's params are the workflow's (Studio labels plots with state names).
// A document that is not an object gives an empty result.
RunResult runResultFromJson(const nlohmann::json& doc, const Workflow* workflow = nullptr);

}  // namespace sciagents::core
