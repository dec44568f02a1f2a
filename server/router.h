// HTTP routing, independent of the network layer (Beast-free): checks the request target, matches
// it against the route table the route modules fill (server/routes/*, one module per resource
// group), authenticates and rate-limits /v1, then calls the route's handler. Adding a route is one
// line in its module (server/route_table.h; docs/server.md, "Adding a route").
#pragma once

#include "server/http_types.h"
#include "server/route_table.h"
#include "server/routes/route_services.h"
#include "server/server_config.h"

#include <functional>
#include <string>

namespace sciagents::server {

class FeedbackRoutes;
class RateLimiter;

class Router {
 public:
  Router(const ServerConfig& config, JobManager& jobs, core::store::TokenStore& tokens,
         RateLimiter& limiter, core::metrics::MetricsRegistry& metrics,
         const core::AgentRegistry& registry);
  Router(const Router&) = delete;  // the route handlers refer to this object
  Router& operator=(const Router&) = delete;

  // Never throws: internal failures become 500 {"error":"internal"}. Records HTTP metrics.
  HttpResponse handle(const HttpRequest& request);
  // Records metrics of a response produced by the network layer itself (413, 431, 400...).
  void record(const std::string& route, const std::string& method, int status, double seconds);
  // Serves /v1/feedback[/summary] through `feedback` (not owned); without it they are 404.
  void setFeedback(FeedbackRoutes* feedback);
  // Called with the token id after DELETE /v1/tokens/{name} revoked it (closes its streams,
  // applies the revocation policy to its jobs: server/revocation.h).
  void setRevocationHandler(std::function<void(const std::string&)> handler) {
    m_on_revoked = std::move(handler);
  }
  const RouteTable& routes() const { return m_routes; }

 private:
  HttpResponse dispatch(const HttpRequest& request);
  // The bearer token's caller, or the 400/401/429 answer.
  HttpResponse authenticate(const HttpRequest& request, Caller& caller);

  const ServerConfig& m_config;
  core::store::TokenStore& m_tokens;
  RateLimiter& m_limiter;
  core::metrics::MetricsRegistry& m_metrics;
  RouteTable m_routes;
  std::function<void(const std::string&)> m_on_revoked;
};

}  // namespace sciagents::server
