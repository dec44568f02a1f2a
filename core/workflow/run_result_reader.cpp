#include "core/workflow/run_result_reader.h"

#include "core/util/error.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

namespace sciagents::core {

namespace {
Map mapFrom(const nlohmann::json& j, const std::filesystem::path& base_dir = {}) {
  if (!j.is_object()) return {};
  try {
    Value v = fromJson(j, base_dir);
    if (v.kind() == ValueKind::Map) return v.asMap();
  } catch (const std::exception&) {
    // One entry that cannot be read (a missing sidecar, no base_dir) must not lose the others.
    Map out;
    for (auto it = j.begin(); it != j.end(); ++it) {
      try {
        out[it.key()] = fromJson(it.value(), base_dir);
      } catch (const std::exception&) {
      }
    }
    return out;
  }
  return {};
}
}  // namespace

StepStatus stepStatusFromName(const std::string& name) {
  if (name == "succeeded") return StepStatus::Succeeded;
  if (name == "failed" || name == "timed_out") return StepStatus::Failed;
  if (name == "cancelled") return StepStatus::Cancelled;
  if (name == "skipped") return StepStatus::Skipped;
  if (name == "running") return StepStatus::Running;
  return StepStatus::Pending;
}

RunResult runResultFromJson(const nlohmann::json& doc, const Workflow* workflow,
                            const std::filesystem::path& base_dir) {
  RunResult r;
  if (!doc.is_object()) return r;
  r.workflow = doc.value("workflow", std::string());
  r.status = stepStatusFromName(doc.value("status", std::string()));
  if (doc.contains("wall_s") && doc["wall_s"].is_number())
    r.wall_seconds = doc["wall_s"].get<double>();
  const nlohmann::json steps =
      doc.contains("steps") && doc["steps"].is_object() ? doc["steps"] : nlohmann::json::object();
  std::vector<std::string> order;
  if (workflow)
    for (const auto& s : workflow->steps)
      if (steps.contains(s.id)) order.push_back(s.id);
  for (auto it = steps.begin(); it != steps.end(); ++it)
    if (std::find(order.begin(), order.end(), it.key()) == order.end()) order.push_back(it.key());
  for (const auto& id : order) {
    const auto& j = steps[id];
    StepResult s;
    s.id = id;
    s.agent = j.value("agent", std::string());
    s.task = j.value("task", std::string());
    if (workflow && (s.agent.empty() || s.task.empty()))
      if (const auto* ws = workflow->step(id)) s.agent = ws->agent, s.task = ws->task;
    if (workflow)
      if (const auto* ws = workflow->step(id))
        s.params = mapFrom(ws->params);  // state names for plots
    s.status = stepStatusFromName(j.value("status", std::string()));
    s.cached = j.value("cached", false);
    if (j.contains("outputs")) s.outputs = mapFrom(j["outputs"], base_dir);
    if (j.contains("diagnostics")) s.diagnostics = mapFrom(j["diagnostics"]);
    if (j.contains("timing") && j["timing"].is_object()) {
      const auto& t = j["timing"];
      if (t.contains("wall_s") && t["wall_s"].is_number())
        s.wall_seconds = t["wall_s"].get<double>();
      if (t.contains("start_unix_us") && t["start_unix_us"].is_number_integer())
        s.start_us = t["start_unix_us"].get<std::int64_t>();
      if (t.contains("end_unix_us") && t["end_unix_us"].is_number_integer())
        s.end_us = t["end_unix_us"].get<std::int64_t>();
    }
    if (j.contains("provenance")) s.provenance = j["provenance"];
    if (j.contains("error") && j["error"].is_string()) s.error = j["error"].get<std::string>();
    if (j.contains("sweep_points") && j["sweep_points"].is_number_unsigned())
      s.points = j["sweep_points"].get<std::size_t>();
    r.steps.push_back(std::move(s));
  }
  if (doc.contains("workflow_spec")) r.workflow_spec = doc["workflow_spec"];
  if (doc.contains("run")) r.run_info = doc["run"];
  return r;
}

nlohmann::json readResultDocument(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(ErrorCode::InvalidInput, "result file '" + name +
                                             "' does not exist or is not a "
                                             "regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::InvalidInput, "cannot read result file '" + name + "'");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded())
    throw Error(ErrorCode::InvalidInput, "result file '" + name + "' is not valid JSON");
  if (!doc.is_object() || !doc.contains("sciagents_result") || !doc.contains("steps") ||
      !doc["steps"].is_object())
    throw Error(ErrorCode::InvalidInput,
                "'" + name +
                    "' is not a SciAgents result file (expected an object with "
                    "\"sciagents_result\" and \"steps\"; write one with sciagents run -o)");
  return doc;
}

RunResult readRunResultFile(const std::filesystem::path& file) {
  const nlohmann::json doc = readResultDocument(file);
  std::optional<Workflow> workflow;
  if (doc.contains("workflow_spec") && doc["workflow_spec"].is_object()) {
    try {
      workflow = workflowFromJson(doc["workflow_spec"]);
    } catch (const std::exception&) {  // the steps keep the file's order
    }
  }
  return runResultFromJson(doc, workflow ? &*workflow : nullptr, file.parent_path());
}

}  // namespace sciagents::core
