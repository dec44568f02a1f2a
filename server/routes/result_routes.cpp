// Results and their sidecar files (server/routes/result_routes.h).
#include "server/routes/result_routes.h"

#include "server/job_manager.h"
#include "server/responses.h"
#include "server/result_files.h"
#include "server/routes/job_routes.h"

namespace sciagents::server {

namespace {

HttpResponse getResult(const RouteCall& call, JobManager& jobs) {
  const std::string& id = call.param(0);
  auto s = visibleJob(jobs, call.caller, id);
  if (!s) return jobNotFound(id);
  const std::string state(core::store::jobStateName(s->record.state));
  if (!core::store::isFinished(s->record.state))
    return errorJson(404, "not_ready",
                     "job '" + id + "' is " + state + "; the result is available when it finishes",
                     {{"state", state}});
  if (auto file = jobs.store().resultFile(id)) {
    HttpResponse r;  // streamed from disk, never built in memory (result_files.h)
    r.body_file = *file;
    return r;
  }
  auto doc = jobs.result(id);
  if (!doc)
    return errorJson(404, "not_found",
                     "job '" + id + "' ended " + state + " without a result" +
                         (s->record.error.empty() ? "" : ": " + s->record.error),
                     {{"state", state}});
  HttpResponse r;
  r.body = std::move(*doc);
  return r;
}

// Frees the owner's storage quota; the job record stays.
HttpResponse deleteResult(const RouteCall& call, JobManager& jobs) {
  const std::string& id = call.param(0);
  auto s = visibleJob(jobs, call.caller, id);
  if (!s) return jobNotFound(id);
  if (!core::store::isFinished(s->record.state)) {
    const std::string state(core::store::jobStateName(s->record.state));
    return errorJson(409, "conflict", "job '" + id + "' is " + state + "; cancel it first",
                     {{"state", state}});
  }
  const auto freed = jobs.store().dropResult(id);
  return jsonResponse(200, {{"id", id}, {"freed_bytes", freed}});
}

HttpResponse getSidecar(const RouteCall& call, JobManager& jobs) {
  const std::string& id = call.param(0);
  const std::string& name = call.param(1);
  if (!visibleJob(jobs, call.caller, id)) return jobNotFound(id);
  const auto file = jobs.store().resultFile(id);
  const auto path = file ? ResultFiles::sidecar(*file, name) : std::nullopt;
  if (!path)
    return errorJson(404, "not_found", "job '" + id + "' has no result file '" + echo(name) + "'");
  HttpResponse r;
  r.content_type = "application/octet-stream";
  r.body_file = path->string();
  return r;
}

}  // namespace

void addResultRoutes(RouteTable& table, const RouteServices& s) {
  JobManager& jobs = s.jobs;
  table.add("GET", "/v1/jobs/{id}/result", Access::Token,
            [&jobs](const RouteCall& c) { return getResult(c, jobs); });
  table.add("DELETE", "/v1/jobs/{id}/result", Access::Token,
            [&jobs](const RouteCall& c) { return deleteResult(c, jobs); });
  table.add("GET", "/v1/jobs/{id}/files/{name}", Access::Token,
            [&jobs](const RouteCall& c) { return getSidecar(c, jobs); });
}

}  // namespace sciagents::server
