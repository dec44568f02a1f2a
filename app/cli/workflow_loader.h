#pragma once

#include "core/workflow/workflow.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sciagents::cli {

// Workflow files larger than this are refused before they are read (docs/cli.md); the environment
// variable SCIAGENTS_MAX_WORKFLOW_BYTES sets another limit.
inline constexpr std::uint64_t kDefaultMaxWorkflowFileBytes = 64ull << 20;
std::uint64_t maxWorkflowFileBytes();

// The file's text; throws core::Error(InvalidInput) when it cannot be read or is over the limit.
std::string readWorkflowFile(const std::string& file);

// Reads FILE, applies --set overrides and parses it. Throws core::Error(InvalidInput) naming the
// file/step/param on any problem.
core::Workflow loadWorkflow(const std::string& file, const std::vector<std::string>& sets = {});

}  // namespace sciagents::cli
