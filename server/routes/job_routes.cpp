// Listing, status, cancel and event streams of jobs (server/routes/job_routes.h).
#include "server/routes/job_routes.h"

#include "core/store/token_store.h"
#include "server/responses.h"
#include "server/routes/job_submit.h"

#include <nlohmann/json.hpp>

namespace sciagents::server {

using nlohmann::json;

namespace {

// GET /v1/jobs?state=S&limit=N&owner=NAME|ID
HttpResponse listJobs(const RouteCall& call, JobManager& jobs, core::store::TokenStore& tokens) {
  const Caller& caller = call.caller;
  const std::string& query = call.query;
  std::optional<JobState> state;
  int limit = 100;
  std::string owner = caller.admin ? std::string() : caller.id;
  std::size_t start = 0;
  while (start < query.size()) {
    auto amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string kv = query.substr(start, amp - start);
    start = amp + 1;
    if (kv.empty()) continue;
    const auto eq = kv.find('=');
    const std::string k = kv.substr(0, eq),
                      v = eq == std::string::npos ? std::string() : kv.substr(eq + 1);
    if (k == "state") {
      state = core::store::jobStateFromName(v);
      if (!state)
        return errorJson(400, "bad_request",
                         "query parameter 'state': expected queued, running, succeeded, "
                         "failed, cancelled or timed_out, got '" +
                             echo(v) + "'");
    } else if (k == "limit") {
      std::uint64_t n = 0;
      if (!parseUint(v, n) || n < 1 || n > 1000)
        return errorJson(
            400, "bad_request",
            "query parameter 'limit': expected an integer 1..1000, got '" + echo(v) + "'");
      limit = static_cast<int>(n);
    } else if (k == "owner") {
      // A token name (its active token) or a token id (also of a revoked token).
      if (!caller.admin && v != caller.name && v != caller.id)
        return errorJson(
            403, "forbidden",
            "only an admin token may list the jobs of another token ('" + echo(v) + "')");
      if (!caller.admin)
        owner = caller.id;
      else if (auto id = tokens.activeId(v))
        owner = *id;
      else if (isHexId(v))
        owner = v;
      else
        return errorJson(404, "not_found",
                         "query parameter 'owner': no active token named '" + echo(v) +
                             "' (give a token id for the jobs of a revoked token)");
    } else {
      return errorJson(400, "bad_request",
                       "unknown query parameter '" + echo(k) + "' (state, limit, owner)");
    }
  }
  json list = json::array();
  for (const auto& s : jobs.list(owner, state, limit)) list.push_back(s.toJson());
  return jsonResponse(200, {{"jobs", list}});
}

// DELETE /v1/jobs/{id}: 202 while the work stops, 200 when the job had already finished.
HttpResponse cancelJob(const RouteCall& call, JobManager& jobs) {
  const std::string& id = call.param(0);
  auto s = visibleJob(jobs, call.caller, id);
  if (!s) return jobNotFound(id);
  const bool was_finished = core::store::isFinished(s->record.state);
  const auto st = jobs.cancel(id);
  if (!st) return jobNotFound(id);
  return jsonResponse(was_finished ? 200 : 202,
                      {{"id", id}, {"state", core::store::jobStateName(*st)}});
}

// GET /v1/jobs/{id}/events: described here, streamed by the network layer from Last-Event-ID on.
HttpResponse jobEvents(const RouteCall& call, JobManager& jobs) {
  const std::string& id = call.param(0);
  if (!visibleJob(jobs, call.caller, id)) return jobNotFound(id);
  HttpResponse r;
  r.sse = true;
  r.sse_job = id;
  r.sse_owner = call.caller.id;
  r.content_type = "text/event-stream";
  std::uint64_t after = 0;
  if (parseUint(trimBlanks(call.request.last_event_id), after)) r.sse_after = after;
  return r;
}

}  // namespace

std::optional<JobStatus> visibleJob(JobManager& jobs, const Caller& caller, const std::string& id) {
  if (!isHexId(id)) return std::nullopt;
  auto s = jobs.status(id);
  if (!s || (!caller.admin && s->record.owner_id != caller.id)) return std::nullopt;
  return s;
}

HttpResponse jobNotFound(const std::string& id) {
  return errorJson(404, "not_found", "no job '" + echo(id) + "'");
}

void addJobRoutes(RouteTable& table, const RouteServices& s) {
  JobManager& jobs = s.jobs;
  core::store::TokenStore& tokens = s.tokens;
  table.add("GET", "/v1/jobs", Access::Token,
            [&jobs, &tokens](const RouteCall& c) { return listJobs(c, jobs, tokens); });
  table.add("POST", "/v1/jobs", Access::Token, [s](const RouteCall& c) { return submitJob(c, s); });
  table.add("GET", "/v1/jobs/{id}", Access::Token, [&jobs](const RouteCall& c) {
    auto st = visibleJob(jobs, c.caller, c.param(0));
    return st ? jsonResponse(200, st->toJson()) : jobNotFound(c.param(0));
  });
  table.add("DELETE", "/v1/jobs/{id}", Access::Token,
            [&jobs](const RouteCall& c) { return cancelJob(c, jobs); });
  table.add("GET", "/v1/jobs/{id}/events", Access::Token,
            [&jobs](const RouteCall& c) { return jobEvents(c, jobs); });
}

}  // namespace sciagents::server
