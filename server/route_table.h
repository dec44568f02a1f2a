// The server's routes as data: each route module (server/routes/*) adds its routes here, one line
// each (method, path pattern, access, handler); the Router only splits the path, matches it,
// authenticates and rate-limits /v1, and calls the handler. Patterns are literal segments and
// {name} parameters ("/v1/jobs/{id}/result"); the pattern is also the route label of metrics/logs.
#pragma once

#include "server/http_types.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::server {

// Who called an authenticated route (empty on open routes).
struct Caller {
  std::string id;    // token id: what jobs belong to
  std::string name;  // token name (display, messages)
  bool admin = false;
};

// One matched request as a handler sees it.
struct RouteCall {
  const HttpRequest& request;
  const std::vector<std::string>& params;  // the {…} segments of the pattern, in order
  const std::string& query;                // the raw query string (after '?'; "" when none)
  const Caller& caller;
  const std::string& param(std::size_t i) const { return params.at(i); }
};

using RouteHandler = std::function<HttpResponse(const RouteCall&)>;

// Open: no token (health, metrics). Token: a valid bearer token, then the per-token rate limit.
enum class Access { Open, Token };

class RouteTable {
 public:
  struct Method {
    std::string name;  // "GET", "POST", "DELETE", ...
    RouteHandler handler;
  };
  struct Pattern {
    std::string text;                   // "/v1/jobs/{id}"
    std::vector<std::string> segments;  // "v1", "jobs", "{id}"
    Access access = Access::Token;
    std::vector<Method> methods;  // in the order added: the order of the Allow header
    const Method* find(const std::string& method) const;
    std::string allow() const;  // "GET, DELETE"
  };

  // Adds METHOD on PATTERN. Throws std::logic_error when the pair exists already or the pattern
  // was added before with another access.
  void add(const std::string& method, const std::string& pattern, Access access,
           RouteHandler handler);
  // The pattern `segments` (the path split at '/') matches, with its parameters; null when none.
  const Pattern* match(const std::vector<std::string>& segments,
                       std::vector<std::string>& params) const;
  const std::vector<Pattern>& patterns() const { return m_patterns; }

 private:
  std::vector<Pattern> m_patterns;
};

}  // namespace sciagents::server
