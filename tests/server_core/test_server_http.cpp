// End-to-end over real sockets: starts `sciagents serve --port 0` with QProcess, talks raw HTTP/1.1
// (keep-alive, pipelining, limits, SSE), stops it with SIGTERM and checks that jobs survive a
// restart.
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>

#include <chrono>
#include <thread>

#include "tests/test_main.h"

namespace test_server_http {

namespace {
const QString kBinary = QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents");

// Sends `request` and reads until the server closes the connection (bounded by a generous timeout).
// client_timed_out: set to whether the exchange ended on the client's own receive timeout
// (EAGAIN) rather than on the server closing or resetting the connection.
std::string httpExchange(int port, const std::string& request, int timeout_s = 60,
                         bool* client_timed_out = nullptr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval tv{timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (client_timed_out) *client_timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string bodyOf(const std::string& response) {
  const auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : response.substr(p + 4);
}
}  // namespace

class TestServerHttp : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  QString m_data;
  std::unique_ptr<QProcess> m_server;
  int m_port = 0;
  std::string m_token;

  QStringList tokenArgs(const QStringList& a) {
    return QStringList{"serve", "token"} + a + QStringList{"--data-dir", m_data};
  }

  static std::pair<int, QString> runCli(const QStringList& args) {
    QProcess p;
    p.start(kBinary, args);
    if (!p.waitForFinished(120000)) return {-1, {}};
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()) +
                              QString::fromUtf8(p.readAllStandardError())};
  }

  void startServer(const QStringList& extra = {}) {
    m_server = std::make_unique<QProcess>();
    m_server->setProcessChannelMode(QProcess::SeparateChannels);
    m_server->setStandardErrorFile(m_dir.filePath("server.log"), QIODevice::Append);
    m_server->start(
        kBinary,
        QStringList{"serve", "--port", "0", "--data-dir", m_data, "--workers", "1"} + extra);
    QVERIFY(m_server->waitForStarted(30000));
    QString line;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!m_server->canReadLine() && std::chrono::steady_clock::now() < end)
      m_server->waitForReadyRead(200);
    line = QString::fromUtf8(m_server->readLine()).trimmed();
    auto m = QRegularExpression("^listening on http://127\\.0\\.0\\.1:(\\d+)$").match(line);
    QVERIFY2(m.hasMatch(), qPrintable(line));
    m_port = m.captured(1).toInt();
  }

  void stopServer() {
    if (!m_server) return;
    ::kill(static_cast<pid_t>(m_server->processId()), SIGTERM);
    QVERIFY(m_server->waitForFinished(120000));
    QCOMPARE(m_server->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_server->exitCode(), 0);
    m_server.reset();
  }

  std::string get(const std::string& target, bool auth = true) {
    return httpExchange(
        m_port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                    (auth ? "Authorization: Bearer " + m_token + "\r\n" : std::string()) + "\r\n");
  }

 private slots:
  void initTestCase() {
    QVERIFY(QFile::exists(kBinary));
    m_data = m_dir.filePath("data");
    auto [rc, out] = runCli(tokenArgs({"create", "alice"}));
    QCOMPARE(rc, 0);
    m_token = out.trimmed().split('\n').last().trimmed().toStdString();
    QCOMPARE(m_token.size(), std::size_t{64});
    auto [rc2, out2] = runCli(tokenArgs({"create", "alice"}));
    QCOMPARE(rc2, 2);
    auto [rc3, out3] = runCli(tokenArgs({"list"}));
    QCOMPARE(rc3, 0);
    QVERIFY(out3.contains("alice") && !out3.contains(QString::fromStdString(m_token)));
    QCOMPARE(runCli(tokenArgs({"revoke", "nobody"})).first, 2);
    startServer();
  }
  void cleanupTestCase() { stopServer(); }

  void badOptionsExitWith2() {
    auto [rc, out] = runCli({"serve", "--queue-max", "abc", "--data-dir", m_data});
    QCOMPARE(rc, 2);
    QVERIFY2(out.contains("--queue-max") && out.contains("abc"), qPrintable(out));
    auto [rc2, out2] = runCli({"serve", "--resume", "maybe", "--data-dir", m_data});
    QCOMPARE(rc2, 2);
    QVERIFY(out2.contains("--resume"));
    QCOMPARE(runCli({"serve", "--tls-cert", "x.pem", "--data-dir", m_data}).first, 2);
  }

  void keepAliveAndPipelining() {
    const std::string one = "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string two = "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string three = "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const auto out = httpExchange(m_port, one + two + three);
    const auto a = out.find("HTTP/1.1 200");
    const auto b = out.find("\"status\":\"ready\"");
    const auto c = out.find("HTTP/1.1 404");
    QVERIFY2(a != std::string::npos && b != std::string::npos && c != std::string::npos,
             out.c_str());
    QVERIFY(a < b && b < c);  // in request order
    QVERIFY(out.find("{\"status\":\"ok\"}") < b);
  }

  void framingLimits() {
    std::string flood = "GET /livez HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i)
      flood += "X-Flood-" + std::to_string(i) + ": " + std::string(200, 'a') + "\r\n";
    flood += "\r\n";
    QVERIFY(httpExchange(m_port, flood).rfind("HTTP/1.1 431", 0) == 0);
    // A 100 MB body is refused from its Content-Length, before it is sent.
    const auto big =
        httpExchange(m_port,
                     "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Authorization: Bearer " +
                         m_token + "\r\nContent-Length: 104857600\r\n\r\n{");
    QVERIFY2(big.rfind("HTTP/1.1 413", 0) == 0, big.c_str());
    QVERIFY(bodyOf(big).find("payload_too_large") != std::string::npos);
    QVERIFY(httpExchange(m_port, "BLAH\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
    QVERIFY(httpExchange(m_port, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .rfind("HTTP/1.1 4", 0) == 0);
    QVERIFY(httpExchange(
                m_port, std::string("GET /livez HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"))
                .rfind("HTTP/1.1 400", 0) == 0);
    // Still alive and fast.
    QVERIFY(get("/livez", false).find("{\"status\":\"ok\"}") != std::string::npos);
  }

  void jobRoundTripWithEvents() {
    const std::string wf =
        R"({"sciagents":1,"name":"lin","steps":[{"id":"s","agent":"linear_algebra","task":"solve","params":{"A":[[2,1],[1,3]],"b":[1,2]}}]})";
    const auto res = httpExchange(m_port,
                                  "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  "application/json\r\nAuthorization: Bearer " +
                                      m_token + "\r\nConnection: close\r\nContent-Length: " +
                                      std::to_string(wf.size()) + "\r\n\r\n" + wf);
    QVERIFY2(res.rfind("HTTP/1.1 202", 0) == 0, res.c_str());
    const auto id = nlohmann::json::parse(bodyOf(res))["id"].get<std::string>();
    QVERIFY(res.find("Location: /v1/jobs/" + id) != std::string::npos);
    // The stream ends with `done` (the server closes it), whatever the timing.
    const auto events = get("/v1/jobs/" + id + "/events");
    QVERIFY2(events.rfind("HTTP/1.1 200", 0) == 0, events.c_str());
    QVERIFY(events.find("Content-Type: text/event-stream") != std::string::npos);
    const auto body = bodyOf(events);
    QVERIFY2(body.rfind("id: ", 0) == 0 && body.find("event: state\n") < body.find("event: done\n"),
             body.c_str());
    QVERIFY(body.find("event: done\ndata: {\"state\":\"succeeded\"}") != std::string::npos);
    QVERIFY(body.find("event: done") > body.rfind("event: step_finished") ||
            body.find("event: step_finished") == std::string::npos);
    const auto status = nlohmann::json::parse(bodyOf(get("/v1/jobs/" + id)));
    QCOMPARE(status["state"].get<std::string>(), std::string("succeeded"));
    const auto result = nlohmann::json::parse(bodyOf(get("/v1/jobs/" + id + "/result")));
    QCOMPARE(result["sciagents_result"].get<int>(), 1);

    // Restart (graceful) and the job and its result are still there.
    stopServer();
    startServer();
    const auto again = nlohmann::json::parse(bodyOf(get("/v1/jobs/" + id + "/result")));
    QCOMPARE(again, result);
    const auto ev2 = bodyOf(get("/v1/jobs/" + id + "/events"));
    QVERIFY(ev2.find("event: state\ndata: {\"state\":\"succeeded\"") != std::string::npos);
    // Tokens created while the server runs work at once; revoked ones stop working.
    auto [rc, out] = runCli(tokenArgs({"create", "late"}));
    QCOMPARE(rc, 0);
    const auto late = out.trimmed().split('\n').last().trimmed().toStdString();
    const auto req =
        "GET /v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + late +
        "\r\n\r\n";
    QVERIFY(httpExchange(m_port, req).rfind("HTTP/1.1 200", 0) == 0);
    QCOMPARE(runCli(tokenArgs({"revoke", "late"})).first, 0);
    QVERIFY(httpExchange(m_port, req).rfind("HTTP/1.1 401", 0) == 0);
  }

  void slowClientIsCutWithoutBlockingOthers() {
    // A client that never finishes its header: the header timeout (10 s) closes it; meanwhile the
    // server keeps answering others.
    std::string partial;
    bool client_timed_out = true;
    std::thread slow([&] {
      partial = httpExchange(m_port, "GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: a", 120,
                             &client_timed_out);
    });
    for (int i = 0; i < 20; ++i)
      QVERIFY(get("/livez", false).find("{\"status\":\"ok\"}") != std::string::npos);
    slow.join();
    QVERIFY(partial.empty() || partial.rfind("HTTP/1.1 4", 0) == 0);  // closed, never served
    // The server closed it (its header timeout), not the client's 120 s receive timeout, which is
    // only the hang guard: checked by how the exchange ended, not by how long it took.
    QVERIFY(!client_timed_out);
  }

  void jsonLogsAndEnvironment() {
    // Configuration from SCIAGENTS_* variables; --log-format json gives one JSON object per line.
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("SCIAGENTS_PORT", "0");
    env.insert("SCIAGENTS_DATA_DIR", m_dir.filePath("json-data"));
    env.insert("SCIAGENTS_LOG_FORMAT", "json");
    env.insert("SCIAGENTS_WORKERS", "1");
    p.setProcessEnvironment(env);
    const QString log = m_dir.filePath("json.log");
    p.setStandardErrorFile(log);
    p.start(kBinary, {"serve"});
    QVERIFY(p.waitForStarted(30000));
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!p.canReadLine() && std::chrono::steady_clock::now() < end) p.waitForReadyRead(200);
    auto m = QRegularExpression("^listening on http://127\\.0\\.0\\.1:(\\d+)$")
                 .match(QString::fromUtf8(p.readLine()).trimmed());
    QVERIFY(m.hasMatch());
    const int port = m.captured(1).toInt();
    QVERIFY(httpExchange(port, "GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .rfind("HTTP/1.1 200", 0) == 0);
    ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    QFile f(log);
    QVERIFY(f.open(QIODevice::ReadOnly));
    int lines = 0;
    bool access = false;
    for (const auto& line : f.readAll().split('\n')) {
      if (line.trimmed().isEmpty()) continue;
      const auto j = nlohmann::json::parse(line.toStdString());  // throws (test fails) if not JSON
      QVERIFY(j.contains("ts") && j.contains("level") && j.contains("msg"));
      if (j["msg"] == "request" && j.value("route", "") == "/livez")
        access = j.value("code", 0) == 200 && j.contains("ms");
      ++lines;
    }
    QVERIFY(lines >= 3);
    QVERIFY(access);
  }

  void metricsAndUnauthenticated() {
    const auto m = get("/metrics", false);
    QVERIFY(m.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
    QVERIFY(m.find("sciagents_http_requests_total{") != std::string::npos);
    QVERIFY(get("/v1/jobs", false).rfind("HTTP/1.1 401", 0) == 0);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestServerHttp)

}  // namespace test_server_http
#include "test_server_http.moc"
