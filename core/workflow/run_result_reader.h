// The inverse of RunResult::toJson: a result document (`sciagents run -o`, GET
// /v1/jobs/{id}/result, a merged Slurm study) turned back into a RunResult, for the CLI summary and
// Studio's results.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>

namespace sciagents::core {

// "timed_out" (a server job state) maps to Failed; unknown names to Pending.
StepStatus stepStatusFromName(const std::string& name);
// Steps in the order of `workflow` when given (JSON objects do not keep order), then any others;
// with a workflow, each step's params are the workflow's (Studio labels plots with state names).
// A document that is not an object gives an empty result.
// `base_dir` resolves .npy sidecar references (the result file's folder); without it, outputs held
// in sidecars are left out (each one alone: the other outputs of the step are kept).
RunResult runResultFromJson(const nlohmann::json& doc, const Workflow* workflow = nullptr,
                            const std::filesystem::path& base_dir = {});

// Reads a result file (`sciagents run -o`): the JSON document, checked to be a result (an object
// with "sciagents_result" and "steps"). Throws Error(InvalidInput) naming the file and what is
// wrong.
nlohmann::json readResultDocument(const std::filesystem::path& file);
// readResultDocument, then runResultFromJson with the file's folder for sidecars and, when the
// file holds "workflow_spec", that workflow for the step order and params.
RunResult readRunResultFile(const std::filesystem::path& file);

}  // namespace sciagents::core
