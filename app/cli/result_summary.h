#pragma once

#include "core/workflow/run_result.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace sciagents::cli {
// Human-readable result: per step its status, time, method, warnings and a short view of outputs.
void printSummary(std::ostream& out, const core::RunResult& result);

// Whether `output` (-o) may be written: nothing there yet or a regular file; a directory, device,
// FIFO, socket or symbolic link is refused with an error on stderr. "" and "-" (stdout) are fine.
// Checked before a run starts, so a refused target costs no computation.
bool outputTargetUsable(const std::string& output);

// What every run (local or remote) does with its result: writes the result document to `output`
// (when not empty; "-": to stdout, and then no summary), prints it as JSON (`json`) or the summary
// (unless `quiet`), and lists the step errors on stderr. False when the result file cannot be
// written (already reported on stderr).
bool reportResult(const nlohmann::json& doc, const core::RunResult& result,
                  const std::string& output, bool json, bool quiet);
}  // namespace sciagents::cli
