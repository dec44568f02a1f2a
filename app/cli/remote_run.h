// Helpers shared by `submit`, `run --target URL` and `health --server URL`: the bearer token, the
// server's JSON error documents.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::cli {

struct CliOptions;
struct HttpReply;

// --token-file F (whitespace trimmed; warns on stderr when F is readable by group or others),
// else $SCIAGENTS_TOKEN, else "". Throws std::runtime_error when F cannot be read or is empty.
std::string readToken(const CliOptions& o);

// "message" of a JSON error body (or the raw body, shortened), prefixed by the status line.
std::string describeHttpError(const HttpReply& r);

// A result document back into a RunResult: core::runResultFromJson
// (core/workflow/run_result_reader.h).

}  // namespace sciagents::cli
