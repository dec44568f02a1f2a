// The only translation unit of the CLI that includes Boost.Beast/Asio (they are heavy to compile).
#include <utility>  // before Asio: g++ 12 with -std=c++20 needs std::exchange declared first

#include "app/cli/http_client.h"

#include "core/util/text_format.h"
#include "core/util/version.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace sciagents::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

bool isIpLiteral(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string seconds(std::chrono::milliseconds ms) {
  const auto s = ms.count() / 1000.0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

std::string HttpUrl::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

HttpUrl parseHttpUrl(const std::string& url) {
  HttpUrl u;
  std::string rest;
  if (url.rfind("http://", 0) == 0)
    u.scheme = "http", rest = url.substr(7);
  else if (url.rfind("https://", 0) == 0)
    u.scheme = "https", rest = url.substr(8);
  else
    throw HttpError(HttpError::Kind::BadUrl, "'" + url + "' is not an http:// or https:// URL");
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.base_path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!u.base_path.empty() && u.base_path.back() == '/') u.base_path.pop_back();
  if (authority.find('@') != std::string::npos)
    throw HttpError(HttpError::Kind::BadUrl,
                    "'" + url + "': user info in URLs is not supported (use --token-file)");
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos)
      throw HttpError(HttpError::Kind::BadUrl, "'" + url + "': unterminated [IPv6] host");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        throw HttpError(HttpError::Kind::BadUrl, "'" + url + "': bad port");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) throw HttpError(HttpError::Kind::BadUrl, "'" + url + "' has no host");
  if (!port.empty()) {
    const bool digits =
        port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535)
      throw HttpError(HttpError::Kind::BadUrl,
                      "'" + url + "': port '" + port + "' is not a number from 1 to 65535");
    u.port = port;
  } else {
    u.port = u.tls() ? "443" : "80";
  }
  return u;
}

std::string HttpReply::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  HttpUrl url;
  std::string token;
  std::chrono::milliseconds timeout;
  const std::atomic<bool>* cancel = nullptr;
  asio::io_context ioc;
  std::unique_ptr<asio::ssl::context> ssl_ctx;

  // One connection per request: either a plain socket or a TLS stream over one.
  struct Conn {
    std::optional<tcp::socket> plain;
    std::optional<asio::ssl::stream<tcp::socket>> tls;
    tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
  };

  using Done = std::function<void(beast::error_code)>;

  // Starts one asynchronous operation and runs the io_context until it completes, the deadline
  // passes (throws Timeout) or the cancel flag is raised (throws Cancelled).
  beast::error_code await(const std::function<void(Done)>& start,
                          const std::function<void()>& abort, std::chrono::milliseconds limit,
                          const std::string& what) {
    // Checked before every operation too: a busy stream completes each read at once.
    if (cancel && cancel->load()) throw HttpError(HttpError::Kind::Cancelled, what + " cancelled");
    bool done = false;
    beast::error_code result;
    start([&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    ioc.restart();
    const auto deadline = Clock::now() + limit;
    bool timed_out = false, cancelled = false;
    while (!done) {
      ioc.run_for(std::chrono::milliseconds(100));
      if (done) break;
      if (ioc.stopped()) {  // no work left but no completion: should not happen
        result = asio::error::operation_aborted;
        break;
      }
      if (!timed_out && !cancelled) {
        if (cancel && cancel->load())
          cancelled = true, abort();
        else if (Clock::now() >= deadline)
          timed_out = true, abort();
      }
    }
    if (cancelled) throw HttpError(HttpError::Kind::Cancelled, what + " cancelled");
    if (timed_out)
      throw HttpError(HttpError::Kind::Timeout, "no answer from " + url.origin() + " within " +
                                                    seconds(limit) + " s (" + what + ")");
    return result;
  }

  Conn connect() {
    Conn c;
    if (url.tls()) {
      if (!ssl_ctx) {
        ssl_ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        ssl_ctx->set_default_verify_paths();
        if (const char* ca = std::getenv("SCIAGENTS_CA_FILE"); ca && *ca) {
          beast::error_code ec;
          ssl_ctx->load_verify_file(ca, ec);
          if (ec)
            throw HttpError(HttpError::Kind::Unreachable,
                            std::string("cannot load the CA file named by SCIAGENTS_CA_FILE (") +
                                ca + "): " + ec.message());
        }
        ssl_ctx->set_verify_mode(asio::ssl::verify_peer);
      }
      c.tls.emplace(ioc, *ssl_ctx);
    } else {
      c.plain.emplace(ioc);
    }

    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    auto ec = await(
        [&](Done done) {
          resolver.async_resolve(
              url.host, url.port,
              [&endpoints, done](beast::error_code e, tcp::resolver::results_type r) {
                endpoints = std::move(r);
                done(e);
              });
        },
        [&] { resolver.cancel(); }, timeout, "resolving " + url.host);
    if (ec)
      throw HttpError(HttpError::Kind::Unreachable,
                      "cannot reach server " + url.origin() + ": " + ec.message());

    tcp::socket& sock = c.socket();
    ec = await(
        [&](Done done) {
          asio::async_connect(sock, endpoints,
                              [done](beast::error_code e, const tcp::endpoint&) { done(e); });
        },
        [&] {
          beast::error_code ignored;
          sock.close(ignored);
        },
        timeout, "connecting");
    if (ec)
      throw HttpError(HttpError::Kind::Unreachable,
                      "cannot reach server " + url.origin() + ": " + ec.message());
    beast::error_code ignored;
    sock.set_option(tcp::no_delay(true), ignored);

    if (c.tls) {
      if (!isIpLiteral(url.host))
        SSL_set_tlsext_host_name(c.tls->native_handle(), url.host.c_str());
      c.tls->set_verify_mode(asio::ssl::verify_peer);
      c.tls->set_verify_callback(asio::ssl::host_name_verification(url.host));
      ec = await(
          [&](Done done) {
            c.tls->async_handshake(asio::ssl::stream_base::client,
                                   [done](beast::error_code e) { done(e); });
          },
          [&] {
            beast::error_code ig;
            sock.close(ig);
          },
          timeout, "TLS handshake");
      if (ec)
        throw HttpError(
            HttpError::Kind::Unreachable,
            "TLS handshake with " + url.origin() + " failed: " + ec.message() +
                " (set SCIAGENTS_CA_FILE to the server's CA certificate if it is self-signed)");
    }
    return c;
  }

  template <class F>
  auto withStream(Conn& c, F&& f) {
    if (c.tls) return f(*c.tls);
    return f(*c.plain);
  }

  http::request<http::string_body> makeRequest(const std::string& method, const std::string& target,
                                               const std::string& body,
                                               const std::string& content_type) {
    const auto verb = http::string_to_verb(method);
    if (verb == http::verb::unknown)
      throw HttpError(HttpError::Kind::Protocol, "unknown HTTP method " + method);
    http::request<http::string_body> req{verb, url.base_path + target, 11};
    const bool v6 = url.host.find(':') != std::string::npos;
    req.set(http::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port);
    req.set(http::field::user_agent, std::string("sciagents/") + sciagents::kVersion);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.keep_alive(false);
    req.prepare_payload();
    return req;
  }

  [[noreturn]] void lost(const beast::error_code& ec, const std::string& what) {
    throw HttpError(
        HttpError::Kind::Unreachable,
        "connection to " + url.origin() + " failed while " + what + ": " + ec.message());
  }

  template <class Stream>
  void write(Conn& c, Stream& s, http::request<http::string_body>& req) {
    auto ec = await(
        [&](Done done) {
          http::async_write(s, req, [done](beast::error_code e, std::size_t) { done(e); });
        },
        [&] {
          beast::error_code ig;
          c.socket().cancel(ig);
        },
        timeout, "sending the request");
    if (ec) lost(ec, "sending the request");
  }

  static void copyHeaders(const http::response_header<>& h, HttpReply& out) {
    out.status = static_cast<int>(h.result_int());
    for (const auto& f : h)
      out.headers[core::toLower(std::string(f.name_string()))] = std::string(f.value());
  }

  HttpReply request(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type) {
    Conn c = connect();
    auto req = makeRequest(method, target, body, content_type);
    return withStream(c, [&](auto& s) {
      write(c, s, req);
      beast::flat_buffer buf;
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::uint64_t{4} << 30);
      parser.header_limit(1u << 20);
      auto ec = await(
          [&](Done done) {
            http::async_read(s, buf, parser, [done](beast::error_code e, std::size_t) { done(e); });
          },
          [&] {
            beast::error_code ig;
            c.socket().cancel(ig);
          },
          timeout, "waiting for the response");
      if (ec) lost(ec, "reading the response");
      HttpReply out;
      copyHeaders(parser.get().base(), out);
      out.body = std::move(parser.get().body());
      beast::error_code ig;
      c.socket().close(ig);
      return out;
    });
  }

  HttpReply stream(const std::string& target, const std::string& last_event_id,
                   const std::function<bool(const SseEvent&)>& on_event,
                   std::chrono::milliseconds idle) {
    Conn c = connect();
    auto req = makeRequest("GET", target, {}, {});
    req.set(http::field::accept, "text/event-stream");
    if (!last_event_id.empty()) req.set("Last-Event-ID", last_event_id);
    return withStream(c, [&](auto& s) {
      write(c, s, req);
      beast::flat_buffer buf;
      http::response_parser<http::buffer_body> parser;
      parser.body_limit(boost::none);
      auto abort = [&] {
        beast::error_code ig;
        c.socket().cancel(ig);
      };
      auto ec = await(
          [&](Done done) {
            http::async_read_header(s, buf, parser,
                                    [done](beast::error_code e, std::size_t) { done(e); });
          },
          abort, timeout, "waiting for the event stream");
      if (ec) lost(ec, "reading the event stream's header");
      HttpReply out;
      copyHeaders(parser.get().base(), out);
      const bool events = out.status == 200;

      core::SseParser sse;  // core/util/sse.h
      bool keep_going = true;
      auto deliver = [&](const std::vector<SseEvent>& batch) {
        for (const auto& ev : batch)
          if (keep_going) keep_going = on_event(ev);
      };

      char chunk[16384];
      while (!parser.is_done() && keep_going) {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        ec = await(
            [&](Done done) {
              http::async_read_some(s, buf, parser,
                                    [done](beast::error_code e, std::size_t) { done(e); });
            },
            abort, events ? idle : timeout, events ? "waiting for events" : "reading the response");
        if (ec == http::error::need_buffer) ec = {};
        const std::size_t n = sizeof chunk - parser.get().body().size;
        if (ec == http::error::end_of_stream || ec == asio::error::eof) {
          if (!events)
            out.body.append(chunk, n);
          else
            deliver(sse.feed(std::string_view(chunk, n)));
          break;
        }
        if (ec) lost(ec, "reading events");
        if (!events) {
          out.body.append(chunk, n);
          continue;
        }
        deliver(sse.feed(std::string_view(chunk, n)));
      }
      if (events && keep_going) deliver(sse.finish());  // tolerate a missing final blank line
      beast::error_code ig;
      c.socket().close(ig);
      return out;
    });
  }
};

HttpClient::HttpClient(const std::string& base_url, std::string token,
                       std::chrono::milliseconds timeout)
    : m(std::make_unique<Impl>()) {
  m->url = parseHttpUrl(base_url);
  m->token = std::move(token);
  m->timeout = timeout;
}

HttpClient::~HttpClient() = default;

const HttpUrl& HttpClient::url() const { return m->url; }

void HttpClient::setCancelFlag(const std::atomic<bool>* cancel) { m->cancel = cancel; }

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const std::string& content_type) {
  return m->request(method, target, body, content_type);
}

HttpReply HttpClient::streamEvents(const std::string& target, const std::string& last_event_id,
                                   const std::function<bool(const SseEvent&)>& on_event,
                                   std::chrono::milliseconds idle_timeout) {
  return m->stream(target, last_event_id, on_event, idle_timeout);
}

}  // namespace sciagents::cli
