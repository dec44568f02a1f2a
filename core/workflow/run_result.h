// The outcome of a workflow run, and its result-file form (docs/architecture.md §3).
#pragma once

#include "core/util/error.h"
#include "core/value/value.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sciagents::core {

enum class StepStatus { Pending, Running, Succeeded, Failed, Cancelled, Skipped };
std::string_view stepStatusName(StepStatus s);

struct StepResult {
  std::string id;
  std::string agent;
  std::string task;
  StepStatus status = StepStatus::Pending;
  Map outputs;
  Map diagnostics;
  Map params;         // resolved params (not swept steps); not in the result file
  std::string error;  // full message when failed/skipped/cancelled
  ErrorCode error_code = ErrorCode::RunFailed;
  bool cached = false;  // every point came from the result cache
  std::size_t cached_points = 0;
  std::size_t points = 1;  // > 1 for sweeps
  double wall_seconds = 0.0;
  std::int64_t start_us = 0;  // unix microseconds
  std::int64_t end_us = 0;
  nlohmann::json provenance = nlohmann::json::object();
};

struct RunResult {
  std::string workflow;
  StepStatus status = StepStatus::Pending;  // Succeeded, Failed or Cancelled
  std::vector<StepResult> steps;            // in workflow order
  double wall_seconds = 0.0;
  // The workflow exactly as run (Workflow::toJson, --set overrides applied) and how it was run
  // (core/workflow/run_provenance.h: seed, threads, overrides, agent versions, host, times). In the
  // result file as "workflow_spec" and "run" when set; null (files written before them): absent.
  nlohmann::json workflow_spec;
  nlohmann::json run_info;

  const StepResult* step(std::string_view id) const;
  // {"sciagents_result": 1, "status", "workflow", "wall_s", "steps": {ID: {...}}}, plus
  // "workflow_spec" and "run" when set.
  nlohmann::json toJson(const JsonWriteOptions& options = {}) const;
};

}  // namespace sciagents::core
