#include "server/router.h"

#include "server/slurm_job_options.h"
#include "core/agent/agent_registry.h"
#include "core/agent/registry_json.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/token_store.h"
#include "core/util/error.h"
#include "core/util/text_format.h"
#include "core/util/version.h"
#include "core/workflow/workflow_validator.h"
#include "server/feedback_routes.h"
#include "server/job_limits.h"
#include "server/job_manager.h"
#include "server/json_body.h"
#include "server/log.h"
#include "server/process_stats.h"
#include "server/rate_limiter.h"
#include "server/result_files.h"
#include "server/slurm_job_options.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace sciagents::server {

namespace {

using nlohmann::json;

std::string dumpJson(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = dumpJson(body);
  return r;
}

HttpResponse errorJson(int status, const std::string& code, const std::string& message,
                       json extra = json::object()) {
  json body = {{"error", code}, {"message", message}};
  for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
  return jsonResponse(status, body);
}

// core/util/text_format.h; header values are trimmed of spaces and tabs only.
std::string lower(std::string s) { return core::toLower(std::move(s)); }
std::string trim(const std::string& s) { return core::trim(s, core::kBlanks); }

bool isJobId(const std::string& s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Printable, short, ASCII: safe to echo in a message.
std::string echo(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 80) out += "...";
  return out;
}

std::string methodLabel(const std::string& m) {
  static const std::set<std::string> known = {"GET",   "POST", "DELETE", "PUT",
                                              "PATCH", "HEAD", "OPTIONS"};
  return known.count(m) ? m : "other";
}

bool parseUint(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

struct Caller {
  std::string id;    // token id: what jobs belong to
  std::string name;  // token name (display, messages)
  bool admin = false;
};

bool isTokenId(const std::string& s) { return isJobId(s); }  // also 32 hex digits

}  // namespace

HttpResponse errorResponse(int status, const std::string& code, const std::string& message) {
  return errorJson(status, code, message);
}

Router::Router(const ServerConfig& config, JobManager& jobs, core::store::TokenStore& tokens,
               RateLimiter& limiter, core::metrics::MetricsRegistry& metrics,
               const core::AgentRegistry& registry)
    : m_config(config),
      m_jobs(jobs),
      m_tokens(tokens),
      m_limiter(limiter),
      m_metrics(metrics),
      m_registry(registry),
      m_agents_json(core::registryJsonDocument(registry)) {
  m_metrics.counter("errors_total",
                    "Errors: HTTP 5xx responses (type=http) and failed or timed-out jobs (type=job)",
                    {{"type", "http"}});
}

void Router::record(const std::string& route, const std::string& method, int status,
                    double seconds) {
  m_metrics
      .counter(
          "sciagents_http_requests_total", "HTTP requests by route pattern, method and status code",
          {{"route", route}, {"method", methodLabel(method)}, {"code", std::to_string(status)}})
      .inc();
  m_metrics
      .histogram("sciagents_http_request_duration_seconds",
                 "Time to produce HTTP responses, by route pattern", {{"route", route}})
      .observe(seconds);
  if (status >= 500)
    m_metrics
        .counter("errors_total",
                 "Errors: HTTP 5xx responses (type=http) and failed or timed-out jobs (type=job)",
                 {{"type", "http"}})
        .inc();
}

HttpResponse Router::handle(const HttpRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  HttpResponse r;
  try {
    r = dispatch(req);
  } catch (const std::exception& e) {
    logEvent(spdlog::level::err, "internal error",
             {{"target", echo(req.target)}, {"error", e.what()}});
    r = errorJson(500, "internal", "internal server error");
  }
  if (!r.sse)
    record(r.route, req.method, r.status,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return r;
}

HttpResponse Router::dispatch(const HttpRequest& req) {
  // ---- target checks: never decode, never normalise; anything unusual is rejected.
  const std::string& target = req.target;
  if (target.empty() || target[0] != '/')
    return errorJson(400, "bad_request", "request target must start with '/'");
  if (target.size() > 8192)
    return errorJson(400, "bad_request", "request target longer than 8192 bytes");
  const auto qpos = target.find('?');
  const std::string path = target.substr(0, qpos);
  const std::string query = qpos == std::string::npos ? std::string() : target.substr(qpos + 1);
  for (unsigned char c : path)
    if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\')
      return errorJson(400, "bad_request",
                       "request path '" + echo(path) +
                           "' contains characters that are not allowed"
                           " (percent-encoding, spaces, backslashes, control or non-ASCII bytes)");
  std::vector<std::string> seg;
  {
    std::size_t start = 1;
    while (start <= path.size()) {
      const auto slash = path.find('/', start);
      const auto end = slash == std::string::npos ? path.size() : slash;
      seg.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    if (path == "/") seg.clear();
    for (std::size_t i = 0; i < seg.size(); ++i)
      if (seg[i] == "." || seg[i] == ".." || (seg[i].empty() && i + 1 < seg.size()))
        return errorJson(400, "bad_request",
                         "request path '" + echo(path) + "' has empty, '.' or '..' segments");
    if (!seg.empty() && seg.back().empty()) seg.pop_back();  // tolerate one trailing slash
  }
  const std::string& method = req.method;
  auto methodNotAllowed = [&](const std::string& allow, const std::string& route) {
    auto r = errorJson(
        405, "method_not_allowed",
        "method " + echo(method) + " is not allowed on " + route + " (allowed: " + allow + ")");
    r.headers.emplace_back("Allow", allow);
    r.route = route;
    return r;
  };

  // ---- unauthenticated routes
  if (seg.size() == 1 && seg[0] == "livez") {
    if (method != "GET") return methodNotAllowed("GET", "/livez");
    auto r = jsonResponse(200, {{"status", "ok"}});
    r.route = "/livez";
    return r;
  }
  if (seg.size() == 1 && seg[0] == "readyz") {
    if (method != "GET") return methodNotAllowed("GET", "/readyz");
    HttpResponse r;
    if (m_jobs.shuttingDown())
      r = errorJson(503, "unavailable", "the server is shutting down",
                    {{"status", "shutting_down"}});
    else if (!m_jobs.store().healthy())
      r = errorJson(503, "unavailable", "the job store is not usable",
                    {{"status", "store_unavailable"}});
    else
      r = jsonResponse(200, {{"status", "ready"},
                             {"queue", m_jobs.queued()},
                             {"running", m_jobs.running()},
                             {"workers", m_jobs.workers()},
                             {"version", sciagents::kVersion}});
    r.route = "/readyz";
    return r;
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    if (method != "GET") return methodNotAllowed("GET", "/metrics");
    const auto counts = m_jobs.store().countByState();
    for (auto s : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed,
                   JobState::Cancelled, JobState::TimedOut}) {
      const auto it = counts.find(s);
      m_metrics
          .gauge("sciagents_jobs", "Jobs in the store by state",
                 {{"state", std::string(core::store::jobStateName(s))}})
          .set(it == counts.end() ? 0.0 : static_cast<double>(it->second));
    }
    m_metrics.gauge("sciagents_queue_depth", "Jobs waiting for a worker").set(m_jobs.queued());
    m_metrics.gauge("sciagents_jobs_running", "Jobs running now").set(m_jobs.running());
    m_metrics.gauge("sciagents_workers", "Job slots (--workers)").set(m_jobs.workers());
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = m_metrics.exposition() + processMetricsText();
    r.route = "/metrics";
    return r;
  }
  if (seg.empty() || seg[0] != "v1") {
    auto r = errorJson(404, "not_found", "no route for '" + echo(path) + "'");
    return r;
  }

  // ---- /v1: authentication, then rate limit
  Caller caller;
  {
    if (req.duplicate_authorization) {
      auto r = errorJson(400, "bad_request", "more than one Authorization header; send exactly one");
      r.route = "/v1";
      return r;
    }
    const std::string& auth = req.authorization;
    std::string token;
    if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") token = trim(auth.substr(7));
    std::optional<core::store::TokenInfo> info;
    if (!token.empty()) info = m_tokens.verify(token);
    if (!info) {
      auto r = errorJson(401, "unauthorized",
                         auth.empty() ? "missing 'Authorization: Bearer <token>' header"
                                      : "invalid or revoked bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"sciagents\"");
      r.route = "/v1";
      return r;
    }
    caller.id = info->id;
    caller.name = info->name;
    caller.admin = info->scope == core::store::TokenScope::Admin;
  }
  if (const int wait = m_limiter.acquire(caller.id); wait > 0) {
    auto r =
        errorJson(429, "too_many_requests",
                  "rate limit of " + std::to_string(static_cast<long long>(m_config.rate_limit)) +
                      " requests/s for token '" + caller.name + "' exceeded; retry in " +
                      std::to_string(wait) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    r.route = "/v1";
    return r;
  }

  auto notFoundJob = [&](const std::string& id, const std::string& route) {
    auto r = errorJson(404, "not_found", "no job '" + echo(id) + "'");
    r.route = route;
    return r;
  };
  // Loads a job visible to the caller (own jobs; admin: all).
  auto visible = [&](const std::string& id) -> std::optional<JobStatus> {
    if (!isJobId(id)) return std::nullopt;
    auto s = m_jobs.status(id);
    if (!s || (!caller.admin && s->record.owner_id != caller.id)) return std::nullopt;
    return s;
  };

  if (seg.size() >= 2 && seg[1] == "feedback" && m_feedback)
    return m_feedback->handle(req, seg, caller.name, caller.admin);

  if (seg.size() == 2 && seg[1] == "agents") {
    if (method != "GET") return methodNotAllowed("GET", "/v1/agents");
    HttpResponse r;
    r.body = m_agents_json;
    r.route = "/v1/agents";
    return r;
  }

  if (seg.size() >= 2 && seg[1] == "tokens") {
    const std::string route = seg.size() == 3 ? "/v1/tokens/{name}" : "/v1/tokens";
    if (seg.size() != 3) {
      auto r = errorJson(404, "not_found", "no route for '" + echo(path) + "'");
      r.route = "/v1";
      return r;
    }
    if (method != "DELETE") return methodNotAllowed("DELETE", route);
    if (!caller.admin) {
      auto r = errorJson(403, "forbidden", "only an admin token may revoke tokens");
      r.route = route;
      return r;
    }
    std::string revoked;
    try {
      revoked = m_tokens.revoke(seg[2]);
    } catch (const core::Error& e) {
      auto r = errorJson(404, "not_found", e.what());
      r.route = route;
      return r;
    }
    logEvent(spdlog::level::info, "token revoked",
             {{"name", seg[2]}, {"token_id", revoked}, {"by", caller.name}});
    if (m_on_revoked) m_on_revoked(revoked);
    auto r = jsonResponse(200, {{"name", seg[2]}, {"id", revoked}, {"revoked", true}});
    r.route = route;
    return r;
  }

  if (seg.size() >= 2 && seg[1] == "jobs") {
    if (seg.size() == 2) {
      const std::string route = "/v1/jobs";
      if (method == "GET") {
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
            if (!state) {
              auto r = errorJson(400, "bad_request",
                                 "query parameter 'state': expected queued, running, succeeded, "
                                 "failed, cancelled or timed_out, got '" +
                                     echo(v) + "'");
              r.route = route;
              return r;
            }
          } else if (k == "limit") {
            std::uint64_t n = 0;
            if (!parseUint(v, n) || n < 1 || n > 1000) {
              auto r = errorJson(
                  400, "bad_request",
                  "query parameter 'limit': expected an integer 1..1000, got '" + echo(v) + "'");
              r.route = route;
              return r;
            }
            limit = static_cast<int>(n);
          } else if (k == "owner") {
            // A token name (its active token) or a token id (also of a revoked token).
            if (!caller.admin && v != caller.name && v != caller.id) {
              auto r = errorJson(
                  403, "forbidden",
                  "only an admin token may list the jobs of another token ('" + echo(v) + "')");
              r.route = route;
              return r;
            }
            if (!caller.admin)
              owner = caller.id;
            else if (auto id = m_tokens.activeId(v))
              owner = *id;
            else if (isTokenId(v))
              owner = v;
            else {
              auto r = errorJson(404, "not_found",
                                 "query parameter 'owner': no active token named '" + echo(v) +
                                     "' (give a token id for the jobs of a revoked token)");
              r.route = route;
              return r;
            }
          } else {
            auto r = errorJson(400, "bad_request",
                               "unknown query parameter '" + echo(k) + "' (state, limit, owner)");
            r.route = route;
            return r;
          }
        }
        json jobs = json::array();
        for (const auto& s : m_jobs.list(owner, state, limit)) jobs.push_back(s.toJson());
        auto r = jsonResponse(200, {{"jobs", jobs}});
        r.route = route;
        return r;
      }
      if (method != "POST") return methodNotAllowed("GET, POST", route);
      auto fail = [&](int status, const std::string& code, const std::string& msg,
                      json extra = json::object()) {
        auto r = errorJson(status, code, msg, std::move(extra));
        r.route = route;
        return r;
      };
      const std::string ct = lower(trim(req.content_type.substr(0, req.content_type.find(';'))));
      if (ct != "application/json")
        return fail(415, "unsupported_media_type",
                    "Content-Type must be application/json, got '" + echo(req.content_type) + "'");
      if (req.body.size() > m_config.max_body)
        return fail(413, "payload_too_large",
                    "request body of " + std::to_string(req.body.size()) +
                        " bytes exceeds the limit of " + std::to_string(m_config.max_body));
      if (trim(req.body).empty())
        return fail(400, "invalid_json", "request body is empty; expected a workflow JSON object");
      const AdmissionLimits limits = admissionLimits(m_config);
      if (auto n = stepsAbove(req.body, limits.max_steps))
        return fail(422, "limit_exceeded",
                    "the workflow has more than " + std::to_string(limits.max_steps) +
                        " steps (the server limit, --max-steps); refused after " +
                        std::to_string(*n) + " steps",
                    {{"param", "steps"}, {"limit", "--max-steps"}});
      auto parsed = parseJsonStrict(req.body, 64, m_config.max_body);
      if (!parsed.value) return fail(400, "invalid_json", parsed.error);
      const json& doc = *parsed.value;
      if (!doc.is_object())
        return fail(400, "bad_request",
                    "request body must be a JSON object (a workflow or {\"workflow\": ...})");
      SubmitRequest sr;
      sr.owner = caller.name;
      sr.owner_id = caller.id;
      const json* wf = &doc;
      if (!doc.contains("sciagents") && doc.contains("workflow")) {
        for (auto it = doc.begin(); it != doc.end(); ++it)
          if (it.key() != "workflow" && it.key() != "seed" && it.key() != "no_cache" &&
              it.key() != "wall_time_s" && it.key() != "backend" && it.key() != "slurm")
            return fail(400, "bad_request",
                        "unknown field '" + echo(it.key()) +
                            "' in the job envelope (workflow, seed, no_cache, wall_time_s, backend, slurm)");
        wf = &doc["workflow"];
        if (!wf->is_object())
          return fail(400, "bad_request", "field 'workflow' must be a workflow object");
        if (doc.contains("seed")) {
          const auto& s = doc["seed"];
          if (!s.is_number_unsigned())
            return fail(400, "bad_request", "field 'seed' must be a non-negative integer");
          sr.seed = s.get<std::uint64_t>();
        }
        if (doc.contains("no_cache")) {
          if (!doc["no_cache"].is_boolean())
            return fail(400, "bad_request", "field 'no_cache' must be true or false");
          sr.no_cache = doc["no_cache"].get<bool>();
        }
        if (doc.contains("wall_time_s")) {
          const auto& w = doc["wall_time_s"];
          if (!w.is_number() || !std::isfinite(w.get<double>()) || w.get<double>() <= 0)
            return fail(400, "bad_request",
                        "field 'wall_time_s' must be a positive number of seconds");
          sr.wall_time_s = w.get<double>();
        }
        if (doc.contains("backend")) {  // docs/slurm.md
          const auto& b = doc["backend"];
          if (!b.is_string() || (b != "local" && b != "slurm"))
            return fail(400, "bad_request", "field 'backend' must be \"local\" or \"slurm\"");
          sr.backend = b.get<std::string>();
        }
        if (doc.contains("slurm")) {
          if (auto problem = checkSlurmJobOptions(doc["slurm"])) return fail(400, "bad_request", *problem);
          sr.backend_options = doc["slurm"];
        }
      }
      if (limits.max_steps > 0 && wf->contains("steps") && (*wf)["steps"].is_array() &&
          (*wf)["steps"].size() > static_cast<std::size_t>(limits.max_steps))
        return fail(422, "limit_exceeded",
                    "the workflow has " + std::to_string((*wf)["steps"].size()) +
                        " steps, more than the server limit of " +
                        std::to_string(limits.max_steps) + " (--max-steps)",
                    {{"param", "steps"}, {"limit", "--max-steps"}});
      try {
        sr.workflow = core::workflowFromJson(*wf);
      } catch (const std::exception& e) {
        return fail(422, "invalid_workflow", std::string("invalid workflow: ") + e.what(),
                    {{"issues", json::array({e.what()})}});
      }
      const auto issues = core::validateWorkflow(sr.workflow, m_registry);
      if (!issues.empty()) {
        json list = json::array();
        for (const auto& i : issues) list.push_back(i.describe());
        return fail(422, "invalid_workflow",
                    "the workflow has " + std::to_string(issues.size()) +
                        " problem(s); first: " + issues.front().describe(),
                    {{"issues", list}});
      }
      if (auto v = checkWorkflowLimits(sr.workflow, m_registry, limits))
        return fail(422, "limit_exceeded", v->message,
                    {{"step", v->step}, {"param", v->param}, {"limit", v->limit}});
      if ((sr.backend.empty() ? m_config.backend : sr.backend) == "slurm")
        for (const auto& s : sr.workflow.steps)
          if (mayRunExternalCode(s))  // array tasks would run it without the server's limits
            return fail(422, "limit_exceeded",
                        "step '" + s.id + "': external steps (and nested workflows that hold one or "
                        "come from a file) run only on the server's local backend (Slurm array tasks "
                        "would run them without its limits)",
                        {{"step", s.id}, {"param", "agent"}, {"limit", "--allow-external"}});
      if (m_config.result_quota_bytes > 0) {
        const auto used = m_jobs.store().resultBytesOf(caller.id);
        if (used >= static_cast<std::int64_t>(m_config.result_quota_bytes))
          return fail(507, "quota_exceeded",
                      "token '" + caller.name + "' has used its storage quota of " +
                          describeBytes(m_config.result_quota_bytes) + " (--result-quota-mb; " +
                          describeBytes(static_cast<std::uint64_t>(used)) +
                          " of stored results); delete old results (DELETE "
                          "/v1/jobs/{id}/result) or ask the operator",
                      {{"quota_bytes", m_config.result_quota_bytes}, {"used_bytes", used}});
      }
      const auto res = m_jobs.submit(std::move(sr));
      if (res.outcome == SubmitOutcome::ShuttingDown)
        return fail(503, "unavailable", "the server is shutting down and accepts no new jobs");
      if (res.outcome == SubmitOutcome::QueueFull) {
        auto r = fail(429, "too_many_requests",
                      "the job queue is full (" + std::to_string(m_config.queue_max) +
                          " queued jobs, --queue-max); retry later");
        r.headers.emplace_back("Retry-After", "5");
        return r;
      }
      if (res.outcome == SubmitOutcome::UserQueueFull) {
        auto r = fail(429, "too_many_requests",
                      "you already have " + std::to_string(m_config.max_queued_per_user) +
                          " queued jobs, the per-user limit (--max-queued-per-user); retry when "
                          "some have started");
        r.headers.emplace_back("Retry-After", "10");
        return r;
      }
      const std::string loc = "/v1/jobs/" + res.id;
      auto r = jsonResponse(202, {{"id", res.id}, {"state", "queued"}, {"location", loc}});
      r.headers.emplace_back("Location", loc);
      r.route = route;
      return r;
    }
    const std::string& id = seg[2];
    if (seg.size() == 3) {
      const std::string route = "/v1/jobs/{id}";
      if (method != "GET" && method != "DELETE") return methodNotAllowed("GET, DELETE", route);
      auto s = visible(id);
      if (!s) return notFoundJob(id, route);
      if (method == "GET") {
        auto r = jsonResponse(200, s->toJson());
        r.route = route;
        return r;
      }
      const bool was_finished = core::store::isFinished(s->record.state);
      const auto st = m_jobs.cancel(id);
      if (!st) return notFoundJob(id, route);
      auto r = jsonResponse(was_finished ? 200 : 202,
                            {{"id", id}, {"state", core::store::jobStateName(*st)}});
      r.route = route;
      return r;
    }
    if (seg.size() == 4 && seg[3] == "result") {
      const std::string route = "/v1/jobs/{id}/result";
      if (method != "GET" && method != "DELETE") return methodNotAllowed("GET, DELETE", route);
      auto s = visible(id);
      if (!s) return notFoundJob(id, route);
      const std::string state(core::store::jobStateName(s->record.state));
      if (method == "DELETE") {  // frees the owner's storage quota; the job record stays
        if (!core::store::isFinished(s->record.state)) {
          auto r = errorJson(409, "conflict",
                             "job '" + id + "' is " + state + "; cancel it first",
                             {{"state", state}});
          r.route = route;
          return r;
        }
        const auto freed = m_jobs.store().dropResult(id);
        auto r = jsonResponse(200, {{"id", id}, {"freed_bytes", freed}});
        r.route = route;
        return r;
      }
      if (!core::store::isFinished(s->record.state)) {
        auto r =
            errorJson(404, "not_ready",
                      "job '" + id + "' is " + state + "; the result is available when it finishes",
                      {{"state", state}});
        r.route = route;
        return r;
      }
      if (auto file = m_jobs.store().resultFile(id)) {
        HttpResponse r;  // streamed from disk, never built in memory (result_files.h)
        r.body_file = *file;
        r.route = route;
        return r;
      }
      auto doc = m_jobs.result(id);
      if (!doc) {
        auto r = errorJson(404, "not_found",
                           "job '" + id + "' ended " + state + " without a result" +
                               (s->record.error.empty() ? "" : ": " + s->record.error),
                           {{"state", state}});
        r.route = route;
        return r;
      }
      HttpResponse r;
      r.body = std::move(*doc);
      r.route = route;
      return r;
    }
    if (seg.size() == 5 && seg[3] == "files") {
      const std::string route = "/v1/jobs/{id}/files/{name}";
      if (method != "GET") return methodNotAllowed("GET", route);
      auto s = visible(id);
      if (!s) return notFoundJob(id, route);
      const auto file = m_jobs.store().resultFile(id);
      const auto path = file ? ResultFiles::sidecar(*file, seg[4]) : std::nullopt;
      if (!path) {
        auto r = errorJson(404, "not_found",
                           "job '" + id + "' has no result file '" + echo(seg[4]) + "'");
        r.route = route;
        return r;
      }
      HttpResponse r;
      r.content_type = "application/octet-stream";
      r.body_file = path->string();
      r.route = route;
      return r;
    }
    if (seg.size() == 4 && seg[3] == "events") {
      const std::string route = "/v1/jobs/{id}/events";
      if (method != "GET") return methodNotAllowed("GET", route);
      if (!visible(id)) return notFoundJob(id, route);
      HttpResponse r;
      r.sse = true;
      r.sse_job = id;
      r.sse_owner = caller.id;
      r.content_type = "text/event-stream";
      std::uint64_t after = 0;
      if (parseUint(trim(req.last_event_id), after)) r.sse_after = after;
      r.route = route;
      return r;
    }
  }
  auto r = errorJson(404, "not_found", "no route for '" + echo(path) + "'");
  r.route = "/v1";
  return r;
}

}  // namespace sciagents::server
