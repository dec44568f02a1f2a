#pragma once

#include "core/workflow/run_result.h"

#include <ostream>

namespace sciagents::cli {
// Human-readable result: per step its status, time, method, warnings and a short view of outputs.
void printSummary(std::ostream& out, const core::RunResult& result);
}  // namespace sciagents::cli
