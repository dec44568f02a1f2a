// `sciagents serve`: wires the job store, job manager, router and HTTP server together, prints the
// `listening on` line, and shuts down gracefully on SIGTERM/SIGINT.
#pragma once

#include "server/server_config.h"

#include <cstdint>

namespace sciagents::server {

// Blocks until SIGTERM/SIGINT; returns the process exit code (0 after a clean shutdown).
// Throws std::runtime_error for startup failures (unusable data dir, port in use, bad TLS files).
int runServer(const ServerConfig& config);

// Opens the data directory (created when missing; made owner-only, 0700, when it is wider) and
// returns its database file.
std::filesystem::path databaseFile(const std::filesystem::path& data_dir);

// The result cache of the server's jobs: $SCIAGENTS_CACHE_DIR when set, else DATA_DIR/cache.
std::filesystem::path serverCacheDir(const std::filesystem::path& data_dir);
// The per-user running cap in effect: --max-running-per-user (at most --workers); 0: none.
int effectiveMaxRunningPerUser(const ServerConfig& c);
// The RLIMIT_AS of a job worker in MB: --job-memory-mb, or the machine's physical memory when 0.
std::int64_t effectiveJobMemoryMb(const ServerConfig& c);

}  // namespace sciagents::server
