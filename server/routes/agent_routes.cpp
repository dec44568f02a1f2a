// The registry route (server/routes/agent_routes.h).
#include "server/routes/agent_routes.h"

#include "core/agent/registry_json.h"
#include "server/responses.h"

#include <memory>

namespace sciagents::server {

void addAgentRoutes(RouteTable& table, const RouteServices& s) {
  auto doc = std::make_shared<const std::string>(core::registryJsonDocument(s.registry));
  table.add("GET", "/v1/agents", Access::Token, [doc](const RouteCall&) {
    HttpResponse r;
    r.body = *doc;
    return r;
  });
}

}  // namespace sciagents::server
