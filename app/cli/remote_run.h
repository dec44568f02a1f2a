// Helpers shared by `submit`, `run --target URL` and `health --server URL`: the bearer token, the
// server's JSON error documents, and a result document turned back into a RunResult for the summary.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::cli {

struct CliOptions;
struct HttpResponse;

// --token-file F (whitespace trimmed; warns on stderr when F is readable by group or others),
// else $SCIAGENTS_TOKEN, else "". Throws std::runtime_error when F cannot be read or is empty.
std::string readToken(const CliOptions& o);

// "message" of a JSON error body (or the raw body, shortened), prefixed by the status line.
std::string describeHttpError(const HttpResponse& r);

// Rebuilds a RunResult from a result document (`sciagents run -o` shape). Steps come in the order
// of `w` when given (JSON objects do not keep order), then any others.
core::RunResult resultFromJson(const nlohmann::json& doc, const core::Workflow* w = nullptr);

core::StepStatus stepStatusFromName(const std::string& name);

}  // namespace sciagents::cli
