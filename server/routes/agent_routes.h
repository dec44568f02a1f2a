// GET /v1/agents: the agent registry with its task schemas (built once, served as is).
#pragma once

#include "server/route_table.h"
#include "server/routes/route_services.h"

namespace sciagents::server {

void addAgentRoutes(RouteTable& table, const RouteServices& services);

}  // namespace sciagents::server
