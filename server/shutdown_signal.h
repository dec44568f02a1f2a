#pragma once

#include <string>

namespace sciagents::server {

// How `sciagents serve` learns it should stop: SIGTERM or SIGINT (on Windows also Ctrl-Break).
// Constructing it installs the handlers, ignores SIGPIPE (a client that hangs up must not kill the
// server) and raises the open-file soft limit to the hard one (many SSE streams need descriptors).
class ShutdownSignal {
 public:
  ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  // Blocks until a shutdown signal arrives and returns its name ("SIGTERM", "SIGINT"). Further
  // signals are ignored from then on: the grace period's own deadline still applies.
  std::string wait();
};

}  // namespace sciagents::server
