// POST /v1/feedback (any valid token) and GET /v1/feedback/summary (admin tokens): survey
// responses and opt-in analytics events from Studio, stored once per response id.
#pragma once

#include "server/router.h"

#include <string>
#include <vector>

namespace sciagents::core::store {
class FeedbackStore;
}

namespace sciagents::server {

class FeedbackRoutes {
 public:
  static constexpr std::size_t kMaxBody = 64 * 1024;  // one response, with long free-text answers

  FeedbackRoutes(core::store::FeedbackStore& store, core::metrics::MetricsRegistry& metrics);

  // `seg` are the path segments ("v1", "feedback", ...); the caller is already authenticated.
  HttpResponse handle(const HttpRequest& req, const std::vector<std::string>& seg,
                      const std::string& caller, bool admin);

 private:
  HttpResponse post(const HttpRequest& req, const std::string& caller);
  HttpResponse summary(bool admin);

  core::store::FeedbackStore& m_store;
  core::metrics::MetricsRegistry& m_metrics;
};

}  // namespace sciagents::server
