// A small blocking HTTP/1.1 client for the CLI (submit, health, run --target URL).
// Boost.Beast/Asio stay inside http_client.cpp: this header pulls in no Boost.
//
// - http:// and https:// URLs (TLS via OpenSSL; the peer is verified against the system CA store,
//   plus the PEM file named by $SCIAGENTS_CA_FILE when set; host name checked).
// - Every network operation has a deadline; failures to resolve, connect, handshake or read throw
//   HttpError (kind Unreachable or Timeout) with a message naming the URL.
// - streamEvents() reads a text/event-stream response and calls back once per event.
#pragma once

#include "core/util/sse.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace sciagents::cli {

class HttpError : public std::runtime_error {
 public:
  enum class Kind { BadUrl, Unreachable, Timeout, Protocol, Cancelled };
  HttpError(Kind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
  Kind kind() const { return m_kind; }

 private:
  Kind m_kind;
};

struct HttpUrl {
  std::string scheme;     // http | https
  std::string host;       // without brackets for IPv6 literals
  std::string port;       // always set (80/443 by default)
  std::string base_path;  // without a trailing slash ("" for the root)
  bool tls() const { return scheme == "https"; }
  std::string origin() const;  // scheme://host:port
};
// Throws HttpError(BadUrl).
HttpUrl parseHttpUrl(const std::string& url);

// A response as received (the server builds its answers as server::HttpResponse,
// server/http_types.h; both carry the same {"error", "message"} documents, read back by
// describeHttpError()).
struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const;
};

// One event of a text/event-stream, parsed by core/util/sse.h (the codec the server writes with).
using core::SseEvent;

class HttpClient {
 public:
  // `token` is sent as "Authorization: Bearer TOKEN" when not empty.
  HttpClient(const std::string& base_url, std::string token = {},
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const HttpUrl& url() const;
  // When set and it becomes true, a blocking call is aborted (HttpError kind Cancelled).
  void setCancelFlag(const std::atomic<bool>* cancel);

  // `target` is appended to the base URL's path ("/v1/jobs").
  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::string& content_type = "application/json");
  HttpReply get(const std::string& target) { return request("GET", target); }

  // GET target with Accept: text/event-stream. For a 200 response, calls on_event per event until
  // the server closes the stream or on_event returns false; the returned response then has an empty
  // body. Any other status returns the complete response without calling on_event. `idle_timeout`
  // bounds the silence between two reads (the server sends a keep-alive comment every 15 s).
  HttpReply streamEvents(const std::string& target, const std::string& last_event_id,
                         const std::function<bool(const SseEvent&)>& on_event,
                         std::chrono::milliseconds idle_timeout = std::chrono::seconds(60));

 private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

}  // namespace sciagents::cli
