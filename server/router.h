// HTTP routing and request validation, independent of the network layer (Beast-free): the HTTP
// server converts each parsed request into an HttpRequest and writes the HttpResponse back. SSE
// responses are only described here (sse = true); the network layer streams the events.
#pragma once

#include "server/server_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sciagents::core {
class AgentRegistry;
namespace metrics {
class MetricsRegistry;
}
namespace store {
class TokenStore;
}
}  // namespace sciagents::core

namespace sciagents::server {

class FeedbackRoutes;
class JobManager;
class RateLimiter;

struct HttpRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // raw request target ("/v1/jobs?state=running")
  std::string authorization;  // header values ("" when absent)
  bool duplicate_authorization = false;  // more than one Authorization header: ambiguous, refused
  std::string content_type;
  std::string last_event_id;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is this file, streamed from disk by the network layer (results, sidecars).
  std::string body_file;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route = "other";  // the route pattern, for metrics and logs
  // SSE: stream the events of sse_job after sequence number sse_after (body unused).
  bool sse = false;
  std::string sse_job;
  std::uint64_t sse_after = 0;
  std::string sse_owner;  // token id of the caller: its streams close when it is revoked
};

HttpResponse errorResponse(int status, const std::string& code, const std::string& message);

class Router {
 public:
  Router(const ServerConfig& config, JobManager& jobs, core::store::TokenStore& tokens,
         RateLimiter& limiter, core::metrics::MetricsRegistry& metrics,
         const core::AgentRegistry& registry);

  // Never throws: internal failures become 500 {"error":"internal"}. Records HTTP metrics.
  HttpResponse handle(const HttpRequest& request);
  // Records metrics of a response produced by the network layer itself (413, 431, 400...).
  void record(const std::string& route, const std::string& method, int status, double seconds);
  // Serves /v1/feedback[/summary] through `feedback` (not owned); without it they are 404.
  void setFeedback(FeedbackRoutes* feedback) { m_feedback = feedback; }
  // Called with the token id after DELETE /v1/tokens/{name} revoked it (closes its streams,
  // applies the revocation policy to its jobs: server/revocation.h).
  void setRevocationHandler(std::function<void(const std::string&)> handler) {
    m_on_revoked = std::move(handler);
  }

 private:
  HttpResponse dispatch(const HttpRequest& request);

  const ServerConfig& m_config;
  JobManager& m_jobs;
  core::store::TokenStore& m_tokens;
  RateLimiter& m_limiter;
  core::metrics::MetricsRegistry& m_metrics;
  const core::AgentRegistry& m_registry;
  std::string m_agents_json;  // GET /v1/agents, built once
  FeedbackRoutes* m_feedback = nullptr;
  std::function<void(const std::string&)> m_on_revoked;
};

}  // namespace sciagents::server
