// libFuzzer target: raw bytes -> Beast HTTP/1.1 request parser (same limits as the server) ->
// router and request validation (auth, path checks, strict JSON, workflow validation, job routes).
// No network and no job execution: the job manager keeps submitted jobs queued.
// "Bearer u" / "Bearer a" in the input stand for a valid user / admin token.
#include <utility>  // before Asio (g++-12 -std=c++20)

#include "core/agent/agent_registry.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/job_store.h"
#include "core/store/token_store.h"
#include "server/job_manager.h"
#include "server/rate_limiter.h"
#include "server/router.h"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace {

namespace http = boost::beast::http;
using namespace sciagents;

struct World {
  server::ServerConfig config;
  core::store::JobStore store{":memory:"};
  core::store::TokenStore tokens{":memory:"};
  core::metrics::MetricsRegistry metrics;
  std::unique_ptr<server::JobManager> jobs;
  server::RateLimiter limiter{0, 0};
  std::unique_ptr<server::Router> router;
  std::string user, admin;

  World() {
    spdlog::set_level(spdlog::level::off);
    config.max_body = 1 << 20;
    config.queue_max = 64;
    user = tokens.create("user", core::store::TokenScope::User);
    admin = tokens.create("admin", core::store::TokenScope::Admin);
    server::JobManagerOptions o;
    o.queue_max = config.queue_max;
    o.start_workers = false;
    o.retention_days = 0;
    o.registry = &core::AgentRegistry::builtin();
    jobs = std::make_unique<server::JobManager>(store, o, metrics);
    jobs->start();
    router = std::make_unique<server::Router>(config, *jobs, tokens, limiter, metrics,
                                              core::AgentRegistry::builtin());
  }
};

World& world() {
  static World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& w = world();
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(w.config.max_body);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (!ec && !parser.is_done() && used < size) {
    const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (n == 0) break;
    used += n;
  }
  if (!ec && !parser.is_done() && parser.is_header_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;

  auto& req = parser.get();
  server::HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.authorization = std::string(req[http::field::authorization]);
  if (r.authorization == "Bearer u")
    r.authorization = "Bearer " + w.user;
  else if (r.authorization == "Bearer a")
    r.authorization = "Bearer " + w.admin;
  r.content_type = std::string(req[http::field::content_type]);
  r.last_event_id = std::string(req["Last-Event-ID"]);
  r.body = std::move(req.body());
  const auto res = w.router->handle(r);
  if (res.status < 200 || res.status > 599) __builtin_trap();
  if (!res.sse && res.status >= 500) __builtin_trap();  // internal errors are bugs
  // Keep the queue from filling up so submissions keep reaching the validator.
  if (w.jobs->queued() >= w.config.queue_max - 1) {
    for (const auto& s : w.jobs->list("", core::store::JobState::Queued, 0))
      w.jobs->cancel(s.record.id);
  }
  return 0;
}
