// All of Boost.Beast/Asio is confined to this translation unit (it is heavy to compile).
#include <utility>  // before Asio: g++-12 -std=c++20 needs std::exchange declared first

#include "server/http_server.h"

#include "core/util/sse.h"
#include "server/job_manager.h"
#include "server/log.h"
#include "server/router.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sciagents::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;  // request line + headers
constexpr std::size_t kTargetLimit = 8 * 1024;
constexpr std::size_t kSseQueueMax = 1024;  // frames queued per SSE connection

std::chrono::steady_clock::duration secs(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

std::string sseFrame(const JobEvent& e) {
  return core::encodeSseEvent(std::to_string(e.seq), e.type, e.data);
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;  // thread-safe: posts to the session's strand
};

}  // namespace

struct HttpServer::Impl {
  const ServerConfig& config;
  Router& router;
  JobManager& jobs;
  net::io_context ioc;
  std::unique_ptr<ssl::context> tls;
  // Every use of the acceptor (accept, its completions, the back-off timer, close) runs on this
  // strand: io threads would otherwise race on it (stopAccepting() against a new async_accept).
  net::strand<net::io_context::executor_type> accept_strand{net::make_strand(ioc)};
  tcp::acceptor acceptor{accept_strand};
  std::vector<std::thread> threads;
  // Requests with a body (job submission: parsing, validation, admission checks) are handled
  // here, off the io threads, so a slow body never delays /livez or other connections.
  std::unique_ptr<net::thread_pool> request_pool;
  std::mutex sessions_mutex;
  std::set<std::weak_ptr<SessionBase>, std::owner_less<std::weak_ptr<SessionBase>>> sessions;
  // Open event streams by the token id that opened them (closed at once on revocation).
  std::multimap<std::string, std::weak_ptr<SessionBase>> streams;
  std::atomic<int> live_sessions{0};
  std::atomic<bool> stopping{false};

  Impl(const ServerConfig& c, Router& r, JobManager& j) : config(c), router(r), jobs(j) {}

  void accept();
  void onAccept(beast::error_code ec, tcp::socket socket);
  void track(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(sessions_mutex);
    sessions.insert(s);
  }
  void untrack(const std::weak_ptr<SessionBase>& s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
    for (auto it = streams.begin(); it != streams.end();)
      if (!it->second.owner_before(s) && !s.owner_before(it->second))
        it = streams.erase(it);
      else
        ++it;
  }
  void trackStream(const std::string& owner, const std::weak_ptr<SessionBase>& s) {
    std::lock_guard lock(sessions_mutex);
    auto [b, e] = streams.equal_range(owner);  // drop entries of sessions already gone
    for (auto it = b; it != e;) it = it->second.expired() ? streams.erase(it) : std::next(it);
    streams.emplace(owner, s);
  }
};

namespace {

// One connection. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(HttpServer::Impl& server, Args&&... args)
      : m_server(server),
        m_stream(std::forward<Args>(args)...),
        m_keepalive_timer(m_stream.get_executor()) {
    ++m_server.live_sessions;
  }
  ~Session() override {
    if (m_subscriber) m_server.jobs.unsubscribe(m_sse_job, m_subscriber);
    --m_server.live_sessions;
  }

  void run() {
    net::dispatch(m_stream.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void close() override {
    net::post(m_stream.get_executor(), [self = this->shared_from_this()] { self->shutdownNow(); });
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(m_stream); }

  void begin() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      readRequest();
    } else {
      lowest().expires_after(secs(m_server.config.header_timeout_s));
      m_stream.async_handshake(
          ssl::stream_base::server, m_buffer.data(),
          [self = this->shared_from_this()](beast::error_code ec, std::size_t used) {
            if (ec) return self->shutdownNow();
            self->m_buffer.consume(used);
            self->readRequest();
          });
    }
  }

  void readRequest() {
    if (m_closed) return;
    m_parser.emplace();
    m_parser->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    m_parser->body_limit(m_server.config.max_body);
    if (m_buffer.size() == 0) {
      // Idle keep-alive connection: wait for the first byte of the next request.
      lowest().expires_after(secs(m_server.config.idle_timeout_s));
      m_stream.async_read_some(m_buffer.prepare(4096), [self = this->shared_from_this()](
                                                           beast::error_code ec, std::size_t n) {
        if (ec) return self->shutdownNow();
        self->m_buffer.commit(n);
        self->readHeader();
      });
      return;
    }
    readHeader();
  }

  void readHeader() {
    m_started = std::chrono::steady_clock::now();
    lowest().expires_after(secs(m_server.config.header_timeout_s));
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->onHeader(ec);
                            });
  }

  void onHeader(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset)
      return shutdownNow();
    if (ec == http::error::body_limit)
      return fail(413, "payload_too_large",
                  "request body exceeds the limit of " + std::to_string(m_server.config.max_body) +
                      " bytes (--max-body)");
    if (ec == http::error::header_limit)
      return fail(
          431, "bad_request",
          "request header fields too large (limit " + std::to_string(kHeaderLimit) + " bytes)");
    if (ec) return fail(400, "bad_request", "malformed HTTP request: " + ec.message());
    auto& req = m_parser->get();
    if (req.target().size() > kTargetLimit)
      return fail(400, "bad_request",
                  "request target longer than " + std::to_string(kTargetLimit) + " bytes");
    if (auto len = m_parser->content_length(); len && *len > m_server.config.max_body)
      return fail(413, "payload_too_large",
                  "request body of " + std::to_string(*len) + " bytes exceeds the limit of " +
                      std::to_string(m_server.config.max_body) + " bytes (--max-body)");
    if (m_parser->is_done()) return onRequest();
    auto continue_then_read = [self = this->shared_from_this()] {
      self->lowest().expires_after(secs(self->m_server.config.body_timeout_s));
      http::async_read(self->m_stream, self->m_buffer, *self->m_parser,
                       [self](beast::error_code ec2, std::size_t) { self->onBody(ec2); });
    };
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
      lowest().expires_after(secs(m_server.config.body_timeout_s));
      net::async_write(
          m_stream, net::buffer(cont),
          [self = this->shared_from_this(), continue_then_read](beast::error_code e2, std::size_t) {
            if (e2) return self->shutdownNow();
            continue_then_read();
          });
      return;
    }
    continue_then_read();
  }

  void onBody(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return fail(413, "payload_too_large",
                  "request body exceeds the limit of " + std::to_string(m_server.config.max_body) +
                      " bytes (--max-body)");
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == http::error::partial_message)
      return shutdownNow();
    if (ec) return fail(400, "bad_request", "malformed HTTP request body: " + ec.message());
    onRequest();
  }

  void onRequest() {
    lowest().expires_never();
    auto& req = m_parser->get();
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.authorization = std::string(req[http::field::authorization]);
    r.duplicate_authorization = req.count(http::field::authorization) > 1;
    r.content_type = std::string(req[http::field::content_type]);
    r.last_event_id = std::string(req["Last-Event-ID"]);
    r.body = std::move(req.body());
    m_keep_alive = req.keep_alive();
    m_head = req.method() == http::verb::head;
    m_version = req.version();
    if (m_server.request_pool && (req.method() == http::verb::post || !r.body.empty())) {
      net::post(*m_server.request_pool, [self = this->shared_from_this(), r = std::move(r)] {
        HttpResponse res = self->m_server.router.handle(r);
        net::post(self->m_stream.get_executor(),
                  [self, method = r.method, target = r.target, res = std::move(res)]() mutable {
                    self->respond(method, target, std::move(res));
                  });
      });
      return;
    }
    HttpResponse res = m_server.router.handle(r);
    respond(r.method, r.target, std::move(res));
  }

  void respond(const std::string& method, const std::string& target, HttpResponse res) {
    accessLog(method, res.route, res.status, target);
    if (res.sse) return startSse(res);
    if (m_server.stopping) m_keep_alive = false;
    if (!res.body_file.empty()) return writeFileResponse(std::move(res));
    writeResponse(std::move(res));
  }

  void accessLog(const std::string& method, const std::string& route, int status,
                 const std::string& target) {
    if (!spdlog::should_log(spdlog::level::info)) return;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started)
            .count();
    std::string path = target.substr(0, target.find('?')).substr(0, 200);
    for (auto& c : path)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    logEvent(spdlog::level::info, "request",
             {{"method", method.substr(0, 16)},
              {"route", route},
              {"path", path},
              {"code", status},
              {"ms", ms}});
  }

  // A response produced before routing (framing errors): sent, then the connection is closed.
  void fail(int status, const std::string& code, const std::string& message) {
    m_keep_alive = false;
    m_head = false;
    m_server.router.record("other",
                           m_parser && m_parser->is_header_done()
                               ? std::string(m_parser->get().method_string())
                               : "other",
                           status, 0.0);
    accessLog("-", "other", status, "");
    auto res = errorResponse(status, code, message);
    writeResponse(std::move(res));
  }

  void writeResponse(HttpResponse res) {
    auto msg = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(res.status), m_version ? m_version : 11);
    msg->set(http::field::server, "sciagents");
    msg->set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) msg->set(k, v);
    msg->body() = std::move(res.body);
    if (m_head) msg->body().clear();  // a response to HEAD has no body
    msg->keep_alive(m_keep_alive);
    msg->prepare_payload();
    lowest().expires_after(secs(m_server.config.body_timeout_s));
    http::async_write(m_stream, *msg,
                      [self = this->shared_from_this(), msg](beast::error_code ec, std::size_t) {
                        if (ec || !self->m_keep_alive) return self->shutdownNow();
                        self->readRequest();
                      });
  }

  // A result or sidecar file, streamed from disk by Beast's file_body (never read into memory).
  void writeFileResponse(HttpResponse res) {
    auto msg = std::make_shared<http::response<http::file_body>>(
        static_cast<http::status>(res.status), m_version ? m_version : 11);
    beast::error_code ec;
    msg->body().open(res.body_file.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      logEvent(spdlog::level::err, "cannot open a result file",
               {{"file", res.body_file}, {"error", ec.message()}});
      auto err = errorResponse(500, "internal", "the stored result cannot be read");
      err.route = res.route;
      return writeResponse(std::move(err));
    }
    msg->set(http::field::server, "sciagents");
    msg->set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) msg->set(k, v);
    msg->keep_alive(m_keep_alive);
    msg->prepare_payload();
    lowest().expires_after(secs(m_server.config.body_timeout_s));
    auto done = [self = this->shared_from_this(), msg](beast::error_code e, std::size_t) {
      if (e || !self->m_keep_alive) return self->shutdownNow();
      self->readRequest();
    };
    if (m_head) {  // a response to HEAD has no body: the header (with Content-Length) only
      auto sr = std::make_shared<http::response_serializer<http::file_body>>(*msg);
      http::async_write_header(m_stream, *sr,
                               [sr, done](beast::error_code e, std::size_t n) { done(e, n); });
      return;
    }
    http::async_write(m_stream, *msg, std::move(done));
  }

  // ---- Server-Sent Events
  void startSse(const HttpResponse& res) {
    m_sse = true;
    m_sse_job = res.sse_job;
    if (!res.sse_owner.empty()) m_server.trackStream(res.sse_owner, this->weak_from_this());
    std::weak_ptr<Session> weak = this->shared_from_this();
    auto executor = m_stream.get_executor();
    // The sink runs under the job manager's lock: it only posts, and never owns the session (so the
    // session's destructor, which unsubscribes, can never run inside it).
    auto sub =
        m_server.jobs.subscribe(res.sse_job, res.sse_after, [weak, executor](const EventPtr& ev) {
          net::post(executor, [weak, ev] {
            if (auto self = weak.lock()) self->enqueue(ev);
          });
        });
    m_subscriber = sub.subscriber;
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: sciagents\r\nContent-Type: text/event-stream\r\nCache-Control: "
        "no-cache\r\n"
        "X-Accel-Buffering: no\r\nConnection: close\r\n\r\n";
    if (!sub.found) {
      // The job vanished between the check and the subscription (retention): end the stream.
      head +=
          core::encodeSseEvent(std::to_string(res.sse_after), "done", "{\"state\":\"unknown\"}");
      m_done = true;
    } else {
      JobEvent st;
      st.seq = res.sse_after;
      st.type = "state";
      char frac[32];
      std::snprintf(frac, sizeof frac, "%.6g", sub.fraction);
      st.data = std::string("{\"state\":\"") + std::string(core::store::jobStateName(sub.state)) +
                "\",\"fraction\":" + frac + "}";
      head += sseFrame(st);
    }
    m_out.push_back({std::move(head), false});
    for (const auto& ev : sub.replay) enqueue(ev);
    if (sub.finished) m_done = true;
    armKeepAlive();
    flush();
  }

  void enqueue(const EventPtr& ev) {
    if (m_closed || m_done_queued) return;
    const bool metric = ev->type == "metric";
    if (m_out.size() >= kSseQueueMax) {
      if (metric) return;  // slow subscriber: metric samples are dropped first
      auto it = std::find_if(m_out.begin(), m_out.end(), [](const auto& f) { return f.second; });
      if (it == m_out.end()) {
        logEvent(spdlog::level::warn, "SSE subscriber too slow: closing its stream",
                 {{"job", m_sse_job}});
        return shutdownNow();
      }
      m_out.erase(it);
    }
    m_out.push_back({sseFrame(*ev), metric});
    if (ev->type == "done") m_done_queued = true, m_done = true;
    flush();
  }

  void armKeepAlive() {
    m_keepalive_timer.expires_after(secs(m_server.config.sse_keepalive_s));
    m_keepalive_timer.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->m_closed) return;
      if (self->m_out.size() < kSseQueueMax)
        self->m_out.push_back({core::encodeSseComment("keep-alive"), true});
      self->flush();
      self->armKeepAlive();
    });
  }

  void flush() {
    if (m_writing || m_closed) return;
    if (m_out.empty()) {
      if (m_done) shutdownNow();
      return;
    }
    m_write_buf.clear();
    while (!m_out.empty() && m_write_buf.size() < 64 * 1024) {
      m_write_buf += m_out.front().first;
      m_out.pop_front();
    }
    m_writing = true;
    lowest().expires_after(secs(m_server.config.body_timeout_s));
    net::async_write(m_stream, net::buffer(m_write_buf),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->m_writing = false;
                       if (ec) return self->shutdownNow();
                       self->lowest().expires_never();
                       self->flush();
                     });
  }

  void shutdownNow() {
    if (m_closed) return;
    m_closed = true;
    m_keepalive_timer.cancel();
    if (m_subscriber) {
      m_server.jobs.unsubscribe(m_sse_job, m_subscriber);
      m_subscriber = 0;
    }
    beast::error_code ec;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      // Best effort close_notify without waiting for the peer.
      SSL_shutdown(m_stream.native_handle());
    }
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
    m_server.untrack(this->weak_from_this());
  }

  HttpServer::Impl& m_server;
  Stream m_stream;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  bool m_keep_alive = false;
  bool m_head = false;
  unsigned m_version = 11;
  bool m_closed = false;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
  // SSE
  bool m_sse = false;
  std::string m_sse_job;
  std::uint64_t m_subscriber = 0;
  std::deque<std::pair<std::string, bool>> m_out;  // frame, droppable (metric/keep-alive)
  std::string m_write_buf;
  bool m_writing = false;
  bool m_done = false;
  bool m_done_queued = false;
  net::steady_timer m_keepalive_timer;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    onAccept(ec, std::move(socket));
  });
}

void HttpServer::Impl::onAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (!ec) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::shared_ptr<SessionBase> s;
    if (tls) {
      auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          *this, std::move(socket), *tls);
      s = session;
      track(s);
      session->run();
    } else {
      auto session = std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket));
      s = session;
      track(s);
      session->run();
    }
  } else if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space) {
    logEvent(spdlog::level::err, "accept failed: out of file descriptors",
             {{"error", ec.message()}});
    // Back off briefly instead of spinning.
    auto timer = std::make_shared<net::steady_timer>(accept_strand, std::chrono::milliseconds(100));
    timer->async_wait([this, timer](beast::error_code) { accept(); });
    return;
  }
  accept();
}

HttpServer::HttpServer(const ServerConfig& config, Router& router, JobManager& jobs)
    : m_impl(std::make_unique<Impl>(config, router, jobs)) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::closeStreamsOf(const std::string& token_id) {
  auto& d = *m_impl;
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(d.sessions_mutex);
    auto [b, e] = d.streams.equal_range(token_id);
    for (auto it = b; it != e; ++it)
      if (auto s = it->second.lock()) open.push_back(s);
  }
  for (auto& s : open) s->close();
  return static_cast<int>(open.size());
}

int HttpServer::listen() {
  auto& d = *m_impl;
  if (d.config.tls()) {
    d.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
    beast::error_code ec;
    d.tls->use_certificate_chain_file(d.config.tls_cert, ec);
    if (ec)
      throw std::runtime_error("--tls-cert " + d.config.tls_cert +
                               ": cannot load the certificate chain: " + ec.message());
    d.tls->use_private_key_file(d.config.tls_key, ssl::context::pem, ec);
    if (ec)
      throw std::runtime_error("--tls-key " + d.config.tls_key +
                               ": cannot load the private key: " + ec.message());
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(d.config.host, ec);
  if (ec)
    throw std::runtime_error("--host " + d.config.host + ": not an IP address (" + ec.message() +
                             ")");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(d.config.port));
  d.acceptor.open(endpoint.protocol(), ec);
  if (!ec) d.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor.bind(endpoint, ec);
  if (!ec) d.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + d.config.host + ":" +
                             std::to_string(d.config.port) + ": " + ec.message());
  return d.acceptor.local_endpoint().port();
}

void HttpServer::start() {
  auto& d = *m_impl;
  d.accept();
  int n = d.config.io_threads;
  if (n <= 0) n = static_cast<int>(std::min(4u, std::max(2u, std::thread::hardware_concurrency())));
  for (int i = 0; i < n; ++i) d.threads.emplace_back([&d] { d.ioc.run(); });
  const auto request_threads = static_cast<std::size_t>(std::max(1, d.config.request_threads));
  d.request_pool = std::make_unique<net::thread_pool>(request_threads);
}

void HttpServer::stopAccepting() {
  auto& d = *m_impl;
  net::post(d.accept_strand, [&d] {
    beast::error_code ec;
    d.acceptor.close(ec);
  });
}

void HttpServer::stop() {
  auto& d = *m_impl;
  if (d.threads.empty()) return;
  d.stopping = true;
  if (d.request_pool) d.request_pool->stop();  // queued requests are dropped with their sessions
  stopAccepting();
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(d.sessions_mutex);
    for (const auto& w : d.sessions)
      if (auto s = w.lock()) open.push_back(s);
  }
  for (auto& s : open) s->close();
  open.clear();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (d.live_sessions > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  d.ioc.stop();
  for (auto& t : d.threads)
    if (t.joinable()) t.join();
  d.threads.clear();
  if (d.request_pool) d.request_pool->join();
}

}  // namespace sciagents::server
