#include "app/cli/remote_run.h"

#include "app/cli/cli_options.h"
#include "app/cli/http_client.h"
#include "core/value/value_json.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#if !defined(_WIN32)
#include <sys/stat.h>
#endif

namespace sciagents::cli {

namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

core::Map mapFrom(const nlohmann::json& j) {
  if (!j.is_object()) return {};
  try {
    core::Value v = core::fromJson(j);
    if (v.kind() == core::ValueKind::Map) return v.asMap();
  } catch (const std::exception&) {
  }
  return {};
}
}  // namespace

std::string readToken(const CliOptions& o) {
  if (!o.token_file.empty()) {
    std::ifstream in(o.token_file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read token file '" + o.token_file + "'");
#if !defined(_WIN32)
    struct stat st {};
    if (::stat(o.token_file.c_str(), &st) == 0 && (st.st_mode & 077))
      std::cerr << "warning: token file '" << o.token_file
                << "' is readable by other users; restrict it with: chmod 600 " << o.token_file << "\n";
#endif
    std::ostringstream s;
    s << in.rdbuf();
    std::string token = trim(s.str());
    if (token.empty()) throw std::runtime_error("token file '" + o.token_file + "' is empty");
    return token;
  }
  if (const char* t = std::getenv("SCIAGENTS_TOKEN"); t && *t) return trim(t);
  return {};
}

std::string describeHttpError(const HttpResponse& r) {
  std::string msg = "HTTP " + std::to_string(r.status);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error") && j["error"].is_string()) msg += " " + j["error"].get<std::string>();
    if (j.contains("message") && j["message"].is_string()) msg += ": " + j["message"].get<std::string>();
  } else if (!r.body.empty()) {
    msg += ": " + (r.body.size() > 200 ? r.body.substr(0, 200) + "..." : r.body);
  }
  return msg;
}

core::StepStatus stepStatusFromName(const std::string& name) {
  using core::StepStatus;
  if (name == "succeeded") return StepStatus::Succeeded;
  if (name == "failed" || name == "timed_out") return StepStatus::Failed;
  if (name == "cancelled") return StepStatus::Cancelled;
  if (name == "skipped") return StepStatus::Skipped;
  if (name == "running") return StepStatus::Running;
  return StepStatus::Pending;
}

core::RunResult resultFromJson(const nlohmann::json& doc, const core::Workflow* w) {
  core::RunResult r;
  r.workflow = doc.value("workflow", std::string());
  r.status = stepStatusFromName(doc.value("status", std::string()));
  if (doc.contains("wall_s") && doc["wall_s"].is_number()) r.wall_seconds = doc["wall_s"].get<double>();
  const nlohmann::json steps = doc.contains("steps") && doc["steps"].is_object() ? doc["steps"] : nlohmann::json::object();
  std::vector<std::string> order;
  if (w)
    for (const auto& s : w->steps)
      if (steps.contains(s.id)) order.push_back(s.id);
  for (auto it = steps.begin(); it != steps.end(); ++it)
    if (std::find(order.begin(), order.end(), it.key()) == order.end()) order.push_back(it.key());
  for (const auto& id : order) {
    const auto& j = steps[id];
    core::StepResult s;
    s.id = id;
    s.agent = j.value("agent", std::string());
    s.task = j.value("task", std::string());
    if (w && (s.agent.empty() || s.task.empty()))
      if (const auto* ws = w->step(id)) s.agent = ws->agent, s.task = ws->task;
    s.status = stepStatusFromName(j.value("status", std::string()));
    s.cached = j.value("cached", false);
    if (j.contains("outputs")) s.outputs = mapFrom(j["outputs"]);
    if (j.contains("diagnostics")) s.diagnostics = mapFrom(j["diagnostics"]);
    if (j.contains("timing") && j["timing"].is_object()) {
      const auto& t = j["timing"];
      if (t.contains("wall_s") && t["wall_s"].is_number()) s.wall_seconds = t["wall_s"].get<double>();
      if (t.contains("start_unix_us") && t["start_unix_us"].is_number_integer()) s.start_us = t["start_unix_us"].get<std::int64_t>();
      if (t.contains("end_unix_us") && t["end_unix_us"].is_number_integer()) s.end_us = t["end_unix_us"].get<std::int64_t>();
    }
    if (j.contains("provenance")) s.provenance = j["provenance"];
    if (j.contains("error") && j["error"].is_string()) s.error = j["error"].get<std::string>();
    if (j.contains("sweep_points") && j["sweep_points"].is_number_unsigned()) s.points = j["sweep_points"].get<std::size_t>();
    r.steps.push_back(std::move(s));
  }
  return r;
}

}  // namespace sciagents::cli
