// What the route modules work with: the server's configuration, job manager, token store, metrics
// and agent registry (all owned elsewhere; they outlive the Router).
#pragma once

#include "server/server_config.h"

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

class JobManager;

struct RouteServices {
  const ServerConfig& config;
  JobManager& jobs;
  core::store::TokenStore& tokens;
  core::metrics::MetricsRegistry& metrics;
  const core::AgentRegistry& registry;
};

}  // namespace sciagents::server
