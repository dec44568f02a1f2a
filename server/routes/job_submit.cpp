// Job admission for POST /v1/jobs (server/routes/job_submit.h). Backend names and what each
// backend accepts come from its runner (server/job_backends.h); nothing here names a backend.
#include "server/routes/job_submit.h"

#include "core/workflow/workflow_validator.h"
#include "server/job_backends.h"
#include "server/job_limits.h"
#include "server/job_manager.h"
#include "server/json_body.h"
#include "server/responses.h"
#include "server/result_files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::server {

using nlohmann::json;

namespace {

const char* const kEnvelopeFields[] = {"workflow", "seed", "no_cache", "wall_time_s", "backend"};

// The envelope members a job may send: the fixed ones and the options of every backend that takes
// options ("slurm": {...}).
std::vector<std::string> envelopeFields(const JobManager& jobs) {
  std::vector<std::string> out(std::begin(kEnvelopeFields), std::end(kEnvelopeFields));
  for (const auto& name : jobBackendNames())
    if (const JobRunner* r = jobs.runner(name); r && r->takesOptions()) out.push_back(name);
  return out;
}

std::string commaList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// "\"a\"", "\"a\" or \"b\"", "\"a\", \"b\" or \"c\"".
std::string alternatives(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += std::string(i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + '"' + items[i] + '"';
  return out;
}

// The envelope {"workflow": ..., "seed", ...} into `sr`; `wf` then points at the workflow. Returns
// the refusal, or nullopt.
std::optional<HttpResponse> readEnvelope(const json& doc, JobManager& jobs, SubmitRequest& sr,
                                         const std::string& default_backend, const json*& wf) {
  auto bad = [](const std::string& msg) { return errorJson(400, "bad_request", msg); };
  const auto fields = envelopeFields(jobs);
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (std::find(fields.begin(), fields.end(), it.key()) == fields.end())
      return bad("unknown field '" + echo(it.key()) + "' in the job envelope (" +
                 commaList(fields) + ")");
  wf = &doc["workflow"];
  if (!wf->is_object()) return bad("field 'workflow' must be a workflow object");
  if (doc.contains("seed")) {
    const auto& s = doc["seed"];
    if (!s.is_number_unsigned()) return bad("field 'seed' must be a non-negative integer");
    sr.seed = s.get<std::uint64_t>();
  }
  if (doc.contains("no_cache")) {
    if (!doc["no_cache"].is_boolean()) return bad("field 'no_cache' must be true or false");
    sr.no_cache = doc["no_cache"].get<bool>();
  }
  if (doc.contains("wall_time_s")) {
    const auto& w = doc["wall_time_s"];
    if (!w.is_number() || !std::isfinite(w.get<double>()) || w.get<double>() <= 0)
      return bad("field 'wall_time_s' must be a positive number of seconds");
    sr.wall_time_s = w.get<double>();
  }
  if (doc.contains("backend")) {  // docs/slurm.md
    const auto& b = doc["backend"];
    if (!b.is_string() || !isJobBackend(b.get<std::string>()))
      return bad("field 'backend' must be " + alternatives(jobBackendNames()));
    sr.backend = b.get<std::string>();
  }
  const std::string backend = sr.backend.empty() ? default_backend : sr.backend;
  for (const auto& name : jobBackendNames()) {
    if (!doc.contains(name)) continue;  // only backends that take options get here
    if (auto problem = jobs.runner(name)->optionsError(doc[name])) return bad(*problem);
    if (name == backend) sr.backend_options = doc[name];
  }
  return std::nullopt;
}

}  // namespace

HttpResponse submitJob(const RouteCall& call, const RouteServices& services) {
  const HttpRequest& req = call.request;
  const ServerConfig& config = services.config;
  JobManager& jobs = services.jobs;
  if (mediaType(req.content_type) != "application/json")
    return errorJson(415, "unsupported_media_type",
                     "Content-Type must be application/json, got '" + echo(req.content_type) + "'");
  if (req.body.size() > config.max_body)
    return errorJson(413, "payload_too_large",
                     "request body of " + std::to_string(req.body.size()) +
                         " bytes exceeds the limit of " + std::to_string(config.max_body));
  if (trimBlanks(req.body).empty())
    return errorJson(400, "invalid_json", "request body is empty; expected a workflow JSON object");
  const AdmissionLimits limits = admissionLimits(config);
  if (auto n = stepsAbove(req.body, limits.max_steps))
    return errorJson(422, "limit_exceeded",
                     "the workflow has more than " + std::to_string(limits.max_steps) +
                         " steps (the server limit, --max-steps); refused after " +
                         std::to_string(*n) + " steps",
                     {{"param", "steps"}, {"limit", "--max-steps"}});
  auto parsed = parseJsonStrict(req.body, 64, config.max_body);
  if (!parsed.value) return errorJson(400, "invalid_json", parsed.error);
  const json& doc = *parsed.value;
  if (!doc.is_object())
    return errorJson(400, "bad_request",
                     "request body must be a JSON object (a workflow or {\"workflow\": ...})");
  SubmitRequest sr;
  sr.owner = call.caller.name;
  sr.owner_id = call.caller.id;
  const json* wf = &doc;
  if (!doc.contains("sciagents") && doc.contains("workflow"))
    if (auto refused = readEnvelope(doc, jobs, sr, config.backend, wf)) return *refused;
  if (limits.max_steps > 0 && wf->contains("steps") && (*wf)["steps"].is_array() &&
      (*wf)["steps"].size() > static_cast<std::size_t>(limits.max_steps))
    return errorJson(422, "limit_exceeded",
                     "the workflow has " + std::to_string((*wf)["steps"].size()) +
                         " steps, more than the server limit of " +
                         std::to_string(limits.max_steps) + " (--max-steps)",
                     {{"param", "steps"}, {"limit", "--max-steps"}});
  try {
    sr.workflow = core::workflowFromJson(*wf);
  } catch (const std::exception& e) {
    return errorJson(422, "invalid_workflow", std::string("invalid workflow: ") + e.what(),
                     {{"issues", json::array({e.what()})}});
  }
  const auto issues = core::validateWorkflow(sr.workflow, services.registry);
  if (!issues.empty()) {
    json list = json::array();
    for (const auto& i : issues) list.push_back(i.describe());
    return errorJson(422, "invalid_workflow",
                     "the workflow has " + std::to_string(issues.size()) +
                         " problem(s); first: " + issues.front().describe(),
                     {{"issues", list}});
  }
  if (auto v = checkWorkflowLimits(sr.workflow, services.registry, limits))
    return errorJson(422, "limit_exceeded", v->message,
                     {{"step", v->step}, {"param", v->param}, {"limit", v->limit}});
  if (const JobRunner* runner = jobs.runner(sr.backend.empty() ? config.backend : sr.backend))
    if (auto v = runner->refusal(sr.workflow))
      return errorJson(422, "limit_exceeded", v->message,
                       {{"step", v->step}, {"param", v->param}, {"limit", v->limit}});
  if (config.result_quota_bytes > 0) {
    const auto used = jobs.store().resultBytesOf(call.caller.id);
    if (used >= static_cast<std::int64_t>(config.result_quota_bytes))
      return errorJson(507, "quota_exceeded",
                       "token '" + call.caller.name + "' has used its storage quota of " +
                           describeBytes(config.result_quota_bytes) + " (--result-quota-mb; " +
                           describeBytes(static_cast<std::uint64_t>(used)) +
                           " of stored results); delete old results (DELETE "
                           "/v1/jobs/{id}/result) or ask the operator",
                       {{"quota_bytes", config.result_quota_bytes}, {"used_bytes", used}});
  }
  const auto res = jobs.submit(std::move(sr));
  if (res.outcome == SubmitOutcome::ShuttingDown)
    return errorJson(503, "unavailable", "the server is shutting down and accepts no new jobs");
  if (res.outcome == SubmitOutcome::QueueFull) {
    auto r = errorJson(429, "too_many_requests",
                       "the job queue is full (" + std::to_string(config.queue_max) +
                           " queued jobs, --queue-max); retry later");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  if (res.outcome == SubmitOutcome::UserQueueFull) {
    auto r = errorJson(429, "too_many_requests",
                       "you already have " + std::to_string(config.max_queued_per_user) +
                           " queued jobs, the per-user limit (--max-queued-per-user); retry when "
                           "some have started");
    r.headers.emplace_back("Retry-After", "10");
    return r;
  }
  const std::string loc = "/v1/jobs/" + res.id;
  auto r = jsonResponse(202, {{"id", res.id}, {"state", "queued"}, {"location", loc}});
  r.headers.emplace_back("Location", loc);
  return r;
}

}  // namespace sciagents::server
