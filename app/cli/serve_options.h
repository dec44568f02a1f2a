#pragma once

#include "app/cli/cli_options.h"
#include "server/server_config.h"

namespace sciagents::cli {

// Flags win over SCIAGENTS_* environment variables, which win over defaults. Throws UsageError
// naming the option (or variable) and the bad value.
server::ServerConfig resolveServeConfig(const CliOptions& o);
// --data-dir, else $SCIAGENTS_DATA_DIR, else ./sciagents-data.
std::string resolveDataDir(const CliOptions& o);

}  // namespace sciagents::cli
