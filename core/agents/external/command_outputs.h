// Reading the results of one run of `external.command` back: JSON on stdout or in a file (an
// object of named numbers and arrays), a CSV file (a header row naming the columns; one data row
// gives numbers, several give vectors), or regex captures in a file or stdout (one match gives a
// number, several a vector).
#pragma once

#include "core/agents/external/command_spec.h"
#include "core/value/value.h"

#include <filesystem>
#include <string>
#include <vector>

namespace sciagents::core::agents::external {

// The named outputs. A problem (missing file, bad JSON, a non-numeric cell, no regex match) throws
// std::runtime_error saying which reader, which output and what was found: the evaluation failed.
Map readOutputs(const std::vector<OutputReader>& readers, const std::filesystem::path& work_dir,
                const std::string& stdout_text);

// JSON text as the program wrote it; also accepts the bare NaN, Infinity and -Infinity tokens
// that Python's json module writes.
Map parseJsonOutputs(const std::string& text, const std::string& source);

}  // namespace sciagents::core::agents::external
