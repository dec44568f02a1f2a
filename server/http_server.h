// The network layer: Boost.Beast/Asio HTTP/1.1 (optionally TLS) on one io_context with a few
// threads, keep-alive, in-order request processing, header/body/idle timeouts, body and header
// size limits, and Server-Sent Events streaming without a thread per connection.
// This header stays Beast-free; all of Beast lives in http_server.cpp.
#pragma once

#include "server/server_config.h"

#include <memory>
#include <string>

namespace sciagents::server {

class Router;
class JobManager;

class HttpServer {
 public:
  HttpServer(const ServerConfig& config, Router& router, JobManager& jobs);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0: any free port) and starts listening; returns the bound port.
  // Throws std::runtime_error naming the address (or the TLS file) on failure.
  int listen();
  void start();          // starts the io threads (returns at once)
  void stopAccepting();  // closes the listening socket; open connections keep working
  void stop();  // closes every connection (SSE streams end), stops and joins the io threads
  // Closes every event stream opened with this token id (revocation); returns how many.
  int closeStreamsOf(const std::string& token_id);

  struct Impl;  // defined in http_server.cpp (Beast types)

 private:
  std::unique_ptr<Impl> m_impl;
};

}  // namespace sciagents::server
