// The params of `external.command`, checked and gathered in one struct. Every problem is a
// paramError naming the parameter (and the entry inside it) and the offending value.
#pragma once

#include "core/value/value.h"

#include <string>
#include <utility>
#include <vector>

namespace sciagents::core::agents::external {

struct FileCopy {
  std::string file;  // as written (relative paths resolve against the workflow's folder)
  std::string to;    // name inside the work directory (relative, no "..")
};

// One way of reading results back after a run.
struct OutputReader {
  enum class Kind { StdoutJson, JsonFile, CsvFile, Regex };
  Kind kind = Kind::StdoutJson;
  std::string file;  // in the work directory; empty for stdout (StdoutJson, Regex on stdout)
  std::vector<std::pair<std::string, std::string>> patterns;  // Regex: output name -> pattern
  std::string describe() const;  // "stdout (JSON)", "file 'out.csv' (CSV)"...
};

enum class KeepMode { Failed, All, None };

struct CommandSpec {
  std::vector<std::string> argv;  // as written: entries after argv[0] may hold placeholders
  Map inputs;                     // name -> number or vector
  std::vector<FileCopy> templates;
  std::vector<FileCopy> files;
  bool stdin_json = false;
  std::vector<OutputReader> outputs;
  std::vector<std::string> output_names;  // declared (output_names + regex names), may be empty
  double timeout_s = 0.0, cpu_time_s = 0.0, memory_mb = 0.0;
  int retries = 0;
  bool nan_on_failure = false;
  KeepMode keep = KeepMode::Failed;
};

// `params` are the resolved params of the task (defaults applied).
CommandSpec parseCommandSpec(const Map& params);

// A name for an input, an output or a placeholder: a letter or '_', then letters, digits, '_'.
bool isIdentifier(const std::string& name);

}  // namespace sciagents::core::agents::external
