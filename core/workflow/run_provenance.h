// How a run was made, recorded in its result file ("run", next to "workflow_spec": the workflow as
// run) so that `sciagents replay` can make it again and `sciagents report` can show it
// (docs/history.md). Written by the front end that started the run (the CLI's run), which knows
// the overrides, the workflow file and where the run went; the engine's per-step provenance keeps
// the derived seeds and the thread count each step saw.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core {

class AgentRegistry;

struct RunSettings {
  std::uint64_t seed = 0;              // the run's base seed (RunOptions::seed)
  int threads = 0;                     // asked for; 0: all hardware threads
  std::vector<std::string> overrides;  // --set STEP.PARAM=VALUE, as given, in order
  std::string workflow_file;           // absolute path ("" when not from a file)
  std::string where = "local";         // "local", a server URL, or "slurm"
  bool use_cache = true;
};

// {"seed", "threads", "threads_used", "overrides", "workflow_file", "where", "use_cache",
//  "agent_versions": {AGENT: VERSION}, "sciagents_version", "host", "started", "finished",
//  "started_unix_us", "finished_unix_us", "wall_s"}. threads_used comes from the steps'
// provenance (absent when no step ran).
nlohmann::json runInfoJson(const Workflow& workflow, const AgentRegistry& registry,
                           const RunSettings& settings, const RunResult& result,
                           std::int64_t started_us, std::int64_t finished_us);

// Sets result.workflow_spec (workflow.toJson()) and result.run_info (runInfoJson).
void attachRunProvenance(RunResult& result, const Workflow& workflow, const AgentRegistry& registry,
                         const RunSettings& settings, std::int64_t started_us,
                         std::int64_t finished_us);

// For a result document made elsewhere (a server's or a merged Slurm result): adds
// "workflow_spec" and "run" when the document lacks them (the run's start is the earliest step
// start in the document, now when none; its end now). A "run" the server wrote is kept, with
// "where", "workflow_file" and "overrides" set from `settings`.
void addRunProvenance(nlohmann::json& doc, const Workflow& workflow, const AgentRegistry& registry,
                      const RunSettings& settings);

// The settings back from a result's "run" member; nullopt when it is not an object.
std::optional<RunSettings> runSettingsFromJson(const nlohmann::json& run_info);

}  // namespace sciagents::core
