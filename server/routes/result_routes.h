// GET|DELETE /v1/jobs/{id}/result (the result document, streamed from disk; DELETE frees the
// owner's storage quota) and GET /v1/jobs/{id}/files/{name} (a result's .npy sidecar files).
#pragma once

#include "server/route_table.h"
#include "server/routes/route_services.h"

namespace sciagents::server {

void addResultRoutes(RouteTable& table, const RouteServices& services);

}  // namespace sciagents::server
