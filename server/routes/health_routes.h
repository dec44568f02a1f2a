// GET /livez, GET /readyz (no token) and GET /metrics (Prometheus text format 0.0.4, no token).
#pragma once

#include "server/route_table.h"
#include "server/routes/route_services.h"

namespace sciagents::server {

void addHealthRoutes(RouteTable& table, const RouteServices& services);

}  // namespace sciagents::server
