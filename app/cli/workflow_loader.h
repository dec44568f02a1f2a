#pragma once

#include "core/workflow/workflow.h"

#include <string>
#include <vector>

namespace sciagents::cli {

// Reads FILE, applies --set overrides and parses it. Throws core::Error(InvalidInput) naming the
// file/step/param on any problem.
core::Workflow loadWorkflow(const std::string& file, const std::vector<std::string>& sets = {});

}  // namespace sciagents::cli
