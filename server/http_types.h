// The HTTP request and the response being built, as the router and its route modules see them
// (Beast-free): the network layer (server/http_server.cpp) fills an HttpRequest from each parsed
// request and writes the HttpResponse back. SSE responses are only described here (sse = true);
// the network layer streams the events.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sciagents::server {

struct HttpRequest {
  std::string method;                    // "GET", "POST", ...
  std::string target;                    // raw request target ("/v1/jobs?state=running")
  std::string authorization;             // header values ("" when absent)
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

// {"error": CODE, "message": MESSAGE} with `status` (server/responses.h has the other builders).
HttpResponse errorResponse(int status, const std::string& code, const std::string& message);

}  // namespace sciagents::server
