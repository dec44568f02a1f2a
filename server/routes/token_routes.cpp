// Token revocation (server/routes/token_routes.h).
#include "server/routes/token_routes.h"

#include "core/store/token_store.h"
#include "core/util/error.h"
#include "server/log.h"
#include "server/responses.h"

namespace sciagents::server {

void addTokenRoutes(RouteTable& table, const RouteServices& s,
                    const std::function<void(const std::string&)>& on_revoked) {
  core::store::TokenStore& tokens = s.tokens;
  table.add("DELETE", "/v1/tokens/{name}", Access::Token,
            [&tokens, &on_revoked](const RouteCall& call) {
              const std::string& name = call.param(0);
              if (!call.caller.admin)
                return errorJson(403, "forbidden", "only an admin token may revoke tokens");
              std::string revoked;
              try {
                revoked = tokens.revoke(name);
              } catch (const core::Error& e) {
                return errorJson(404, "not_found", e.what());
              }
              logEvent(spdlog::level::info, "token revoked",
                       {{"name", name}, {"token_id", revoked}, {"by", call.caller.name}});
              if (on_revoked) on_revoked(revoked);
              return jsonResponse(200, {{"name", name}, {"id", revoked}, {"revoked", true}});
            });
}

}  // namespace sciagents::server
