#include "core/workflow/run_provenance.h"

#include "core/agent/agent_registry.h"
#include "core/util/clock.h"
#include "core/util/version.h"
#include "core/workflow/run_result_reader.h"

#include <algorithm>

namespace sciagents::core {

nlohmann::json runInfoJson(const Workflow& workflow, const AgentRegistry& registry,
                           const RunSettings& settings, const RunResult& result,
                           std::int64_t started_us, std::int64_t finished_us) {
  nlohmann::json versions = nlohmann::json::object();
  for (const auto& step : workflow.steps)
    if (const AgentSpec* agent = registry.agent(step.agent)) versions[agent->id] = agent->version;
  std::optional<std::int64_t> threads_used;
  for (const auto& s : result.steps) {
    const auto& p = s.provenance;
    if (!p.is_object()) continue;
    // Agents the workflow reaches only through nested workflows carry their versions here.
    if (p.contains("agent") && p["agent"].is_string() && p.contains("agent_version") &&
        p["agent_version"].is_string() && !versions.contains(p["agent"].get<std::string>()))
      versions[p["agent"].get<std::string>()] = p["agent_version"];
    if (!threads_used && p.contains("threads") && p["threads"].is_number_integer())
      threads_used = p["threads"].get<std::int64_t>();
  }
  nlohmann::json j = {{"seed", settings.seed},
                      {"threads", settings.threads},
                      {"overrides", settings.overrides},
                      {"workflow_file", settings.workflow_file},
                      {"where", settings.where},
                      {"use_cache", settings.use_cache},
                      {"agent_versions", versions},
                      {"sciagents_version", kVersion},
                      {"host", hostName()},
                      {"started", isoTimeMicros(started_us)},
                      {"finished", isoTimeMicros(finished_us)},
                      {"started_unix_us", started_us},
                      {"finished_unix_us", finished_us},
                      {"wall_s", static_cast<double>(finished_us - started_us) * 1e-6}};
  if (threads_used) j["threads_used"] = *threads_used;
  return j;
}

void attachRunProvenance(RunResult& result, const Workflow& workflow, const AgentRegistry& registry,
                         const RunSettings& settings, std::int64_t started_us,
                         std::int64_t finished_us) {
  result.workflow_spec = workflow.toJson();
  result.run_info = runInfoJson(workflow, registry, settings, result, started_us, finished_us);
}

void addRunProvenance(nlohmann::json& doc, const Workflow& workflow, const AgentRegistry& registry,
                      const RunSettings& settings) {
  if (!doc.is_object()) return;
  const std::int64_t now = unixMicros();
  std::int64_t started = now;
  if (doc.contains("steps") && doc["steps"].is_object())
    for (const auto& [id, step] : doc["steps"].items()) {
      (void)id;
      if (step.is_object() && step.contains("timing") && step["timing"].is_object() &&
          step["timing"].contains("start_unix_us") &&
          step["timing"]["start_unix_us"].is_number_integer()) {
        const auto t = step["timing"]["start_unix_us"].get<std::int64_t>();
        if (t > 0) started = std::min(started, t);
      }
    }
  if (!doc.contains("workflow_spec")) doc["workflow_spec"] = workflow.toJson();
  if (!doc.contains("run") || !doc["run"].is_object()) {
    doc["run"] =
        runInfoJson(workflow, registry, settings, runResultFromJson(doc, &workflow), started, now);
    return;
  }
  // A server's result says how the server ran it (seed, threads, host, agent versions); what only
  // the submitter knows is added: where it was sent, the file and the overrides.
  nlohmann::json& run = doc["run"];
  run["where"] = settings.where;
  if (!settings.workflow_file.empty()) run["workflow_file"] = settings.workflow_file;
  if (!settings.overrides.empty()) run["overrides"] = settings.overrides;
}

std::optional<RunSettings> runSettingsFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  RunSettings s;
  if (j.contains("seed") && j["seed"].is_number_unsigned()) s.seed = j["seed"].get<std::uint64_t>();
  if (j.contains("threads") && j["threads"].is_number_integer())
    s.threads = static_cast<int>(j["threads"].get<std::int64_t>());
  if (j.contains("overrides") && j["overrides"].is_array())
    for (const auto& o : j["overrides"])
      if (o.is_string()) s.overrides.push_back(o.get<std::string>());
  s.workflow_file = j.value("workflow_file", std::string());
  s.where = j.value("where", std::string("local"));
  s.use_cache = j.value("use_cache", true);
  return s;
}

}  // namespace sciagents::core
