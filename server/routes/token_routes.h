// DELETE /v1/tokens/{name} (admin tokens): revokes a token; its event streams close and its jobs
// follow the revocation policy (server/revocation.h) through the Router's revocation handler.
#pragma once

#include "server/route_table.h"
#include "server/routes/route_services.h"

#include <functional>
#include <string>

namespace sciagents::server {

// `on_revoked` is referenced, not copied (the Router's handler, which may be set later); it is
// called with the revoked token's id.
void addTokenRoutes(RouteTable& table, const RouteServices& services,
                    const std::function<void(const std::string&)>& on_revoked);

}  // namespace sciagents::server
