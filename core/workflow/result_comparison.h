// Whether two runs of one workflow gave the same outputs, bit for bit: `sciagents replay` and the
// examples' thread-count test (tests/cli/test_cli.cpp) use the same rule. Steps whose outputs are
// measurements (the performance profiler's times and rates) differ from run to run by nature and
// are skipped.
#pragma once

#include "core/workflow/run_result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {

// True for agents whose outputs are measured times (never reproducible bit for bit).
bool hasMeasuredOutputs(std::string_view agent);

struct ResultDifference {
  std::string step;
  std::string output;  // "" when the step itself differs (missing, other status)
  std::string detail;  // what differs, e.g. "[3]: was 0.5, now 0.50000000000000011"
};

struct ResultComparison {
  std::vector<std::string> compared;          // step ids whose outputs were compared, in order
  std::vector<std::string> skipped;           // measured steps
  std::vector<ResultDifference> differences;  // every differing step/output, in step order
  bool identical() const { return differences.empty(); }
};

// Compares every step of `expected` (in its order) with the step of the same id in `actual`:
// status, then each output (missing, extra or different values; doubles compared exactly).
ResultComparison compareRunResults(const RunResult& expected, const RunResult& actual);

}  // namespace sciagents::core
