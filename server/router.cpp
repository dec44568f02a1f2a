// The Router (server/router.h): target checks, matching, authentication, rate limits, metrics.
#include "server/router.h"

#include "core/metrics/metrics_registry.h"
#include "core/store/token_store.h"
#include "core/util/text_format.h"
#include "server/log.h"
#include "server/rate_limiter.h"
#include "server/responses.h"
#include "server/routes/agent_routes.h"
#include "server/routes/feedback_routes.h"
#include "server/routes/health_routes.h"
#include "server/routes/job_routes.h"
#include "server/routes/result_routes.h"
#include "server/routes/token_routes.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <vector>

namespace sciagents::server {

namespace {

constexpr const char* kErrorsHelp =
    "Errors: HTTP 5xx responses (type=http) and failed or timed-out jobs (type=job)";

std::string methodLabel(const std::string& m) {
  static const std::set<std::string> known = {"GET",   "POST", "DELETE", "PUT",
                                              "PATCH", "HEAD", "OPTIONS"};
  return known.count(m) ? m : "other";
}

HttpResponse withRoute(HttpResponse r, const std::string& route) {
  r.route = route;
  return r;
}

}  // namespace

Router::Router(const ServerConfig& config, JobManager& jobs, core::store::TokenStore& tokens,
               RateLimiter& limiter, core::metrics::MetricsRegistry& metrics,
               const core::AgentRegistry& registry)
    : m_config(config), m_tokens(tokens), m_limiter(limiter), m_metrics(metrics) {
  m_metrics.counter("errors_total", kErrorsHelp, {{"type", "http"}});
  const RouteServices services{config, jobs, tokens, metrics, registry};
  addHealthRoutes(m_routes, services);
  addAgentRoutes(m_routes, services);
  addTokenRoutes(m_routes, services, m_on_revoked);
  addJobRoutes(m_routes, services);
  addResultRoutes(m_routes, services);
}

void Router::setFeedback(FeedbackRoutes* feedback) {
  if (feedback) feedback->addRoutes(m_routes);
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
  if (status >= 500) m_metrics.counter("errors_total", kErrorsHelp, {{"type", "http"}}).inc();
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

HttpResponse Router::authenticate(const HttpRequest& req, Caller& caller) {
  if (req.duplicate_authorization)
    return errorJson(400, "bad_request", "more than one Authorization header; send exactly one");
  const std::string& auth = req.authorization;
  std::string token;
  if (auth.size() > 7 && core::toLower(auth.substr(0, 7)) == "bearer ")
    token = trimBlanks(auth.substr(7));
  std::optional<core::store::TokenInfo> info;
  if (!token.empty()) info = m_tokens.verify(token);
  if (!info) {
    auto r = errorJson(401, "unauthorized",
                       auth.empty() ? "missing 'Authorization: Bearer <token>' header"
                                    : "invalid or revoked bearer token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"sciagents\"");
    return r;
  }
  caller.id = info->id;
  caller.name = info->name;
  caller.admin = info->scope == core::store::TokenScope::Admin;
  if (const int wait = m_limiter.acquire(caller.id); wait > 0) {
    auto r =
        errorJson(429, "too_many_requests",
                  "rate limit of " + std::to_string(static_cast<long long>(m_config.rate_limit)) +
                      " requests/s for token '" + caller.name + "' exceeded; retry in " +
                      std::to_string(wait) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  return HttpResponse{};  // status 200: authenticated
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

  // ---- match; every route but the open ones (health, metrics) needs a token, and so does any
  // unknown path under /v1 (what exists there is not told to anonymous callers).
  std::vector<std::string> params;
  const RouteTable::Pattern* route = m_routes.match(seg, params);
  const bool v1 = !seg.empty() && seg[0] == "v1";
  if (!route && !v1) return errorJson(404, "not_found", "no route for '" + echo(path) + "'");
  Caller caller;
  if (!route || route->access == Access::Token) {
    auto refused = authenticate(req, caller);
    if (refused.status != 200) return withRoute(std::move(refused), "/v1");
  }
  if (!route)
    return withRoute(errorJson(404, "not_found", "no route for '" + echo(path) + "'"), "/v1");
  const RouteTable::Method* method = route->find(req.method);
  if (!method) {
    auto r = errorJson(405, "method_not_allowed",
                       "method " + echo(req.method) + " is not allowed on " + route->text +
                           " (allowed: " + route->allow() + ")");
    r.headers.emplace_back("Allow", route->allow());
    return withRoute(std::move(r), route->text);
  }
  const RouteCall call{req, params, query, caller};
  return withRoute(method->handler(call), route->text);
}

}  // namespace sciagents::server
