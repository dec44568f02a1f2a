// POST /v1/feedback (any valid token) and GET /v1/feedback/summary (admin tokens): survey
// responses and opt-in analytics events from Studio, stored once per response id.
#pragma once

#include "server/route_table.h"

#include <string>

namespace sciagents::core {
namespace metrics {
class MetricsRegistry;
}
namespace store {
class FeedbackStore;
}
}  // namespace sciagents::core

namespace sciagents::server {

class FeedbackRoutes {
 public:
  static constexpr std::size_t kMaxBody = 64 * 1024;  // one response, with long free-text answers

  FeedbackRoutes(core::store::FeedbackStore& store, core::metrics::MetricsRegistry& metrics);

  // Adds POST /v1/feedback and GET /v1/feedback/summary (this object must outlive `table`).
  void addRoutes(RouteTable& table);

 private:
  HttpResponse post(const HttpRequest& req, const std::string& caller);
  HttpResponse summary(bool admin);

  core::store::FeedbackStore& m_store;
  core::metrics::MetricsRegistry& m_metrics;
};

}  // namespace sciagents::server
