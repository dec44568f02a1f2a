// End to end: survey answers submitted in a Studio session (a separate process that answers the
// final survey through SurveyDialog and is then SIGKILLed) wait in the outbox while the server is
// down; a new process opens the same outbox, fails to deliver (back-off recorded), then a real
// `sciagents serve` comes up on loopback and the flush delivers every answer exactly once, counted
// on the server through GET /v1/feedback/summary with an admin token. One answer reached the server
// before but its reply was lost: the retry is deduplicated (200, duplicate: true), not stored
// twice.
#include "core/store/feedback_outbox.h"
#include "core/util/clock.h"
#include "ui/feedback/feedback_delivery.h"

#include <nlohmann/json.hpp>

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

#include "tests/test_main.h"

namespace test_feedback_delivery {

using namespace sciagents;
using nlohmann::json;

namespace {
const QString kCli = QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents");
const QString kDriver = QStringLiteral(SCIAGENTS_BINARY_DIR "/tests/feedback_studio_driver");
constexpr int kAnswers = 6;

QString cliToken(const QString& dataDir, const QString& name, bool admin) {
  QProcess p;
  QStringList args = {"serve", "token", "create", name, "--data-dir", dataDir};
  if (admin) args << "--admin";
  p.start(kCli, args);
  if (!p.waitForFinished(60000) || p.exitCode() != 0) return {};
  return QString::fromUtf8(p.readAllStandardOutput()).trimmed().split('\n').last().trimmed();
}

// A port nobody listens on: bind, read the number, close.
int deadPort() {
  QTcpServer s;
  s.listen(QHostAddress::LocalHost, 0);
  const int port = s.serverPort();
  s.close();
  return port;
}

struct Reply {
  int status = 0;
  json body;
};

Reply request(QNetworkAccessManager& net, const QString& method, const QUrl& url,
              const QString& token, const QByteArray& body = {}) {
  QNetworkRequest req(url);
  req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
  req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
  req.setTransferTimeout(30000);
  QNetworkReply* r = method == "POST" ? net.post(req, body) : net.get(req);
  QEventLoop loop;
  QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
  loop.exec();
  Reply out;
  out.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  out.body = json::parse(r->readAll().toStdString(), nullptr, false);
  r->deleteLater();
  return out;
}
}  // namespace

class TestFeedbackDelivery : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QProcess m_server;
  std::int64_t m_now = 0;

 private slots:
  void cleanupTestCase() {
    if (m_server.state() == QProcess::NotRunning) return;
    ::kill(static_cast<pid_t>(m_server.processId()), SIGTERM);
    QVERIFY(m_server.waitForFinished(30000));
  }

  void everyAnswerArrivesExactlyOnce() {
    QVERIFY(m_dir.isValid());
    const QString outboxFile = m_dir.filePath("studio/feedback-outbox.db");
    QDir().mkpath(m_dir.filePath("studio"));

    // 1. A Studio session answers the survey kAnswers times and is killed.
    QProcess studio;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    studio.setProcessEnvironment(env);
    studio.start(kDriver, {outboxFile, QString::number(kAnswers)});
    QVERIFY2(studio.waitForFinished(60000), "driver did not finish");
    QCOMPARE(studio.exitStatus(), QProcess::CrashExit);  // SIGKILL: no clean shutdown
    const QStringList ids =
        QString::fromUtf8(studio.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(ids.size(), kAnswers);

    // 2. The restarted Studio (this process) finds them all in the outbox. The clock is injected
    //    so back-off waits can be skipped without sleeping.
    m_now = core::unixMicros();
    core::store::FeedbackOutbox outbox(
        outboxFile.toStdString(), [this] { return m_now; }, 11);
    auto pending = outbox.pending();
    QCOMPARE(int(pending.size()), kAnswers);
    for (const auto& it : pending) QVERIFY(ids.contains(QString::fromStdString(it.id)));

    // 3. The server is down: the attempt fails, nothing is lost, a retry is scheduled.
    ui::FeedbackDelivery delivery(&outbox);
    QSignalSpy flushed(&delivery, &ui::FeedbackDelivery::flushFinished);
    delivery.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(deadPort())), "nobody");
    delivery.flush();
    QTRY_VERIFY_WITH_TIMEOUT(flushed.size() == 1, 60000);
    QCOMPARE(flushed.at(0).at(0).toInt(), 0);
    QCOMPARE(flushed.at(0).at(1).toInt(), kAnswers);
    pending = outbox.pending();
    QCOMPARE(int(pending.size()), kAnswers);
    for (const auto& it : pending) {
      QCOMPARE(it.attempts, 1);
      QVERIFY(it.next_attempt_us > m_now);
      QVERIFY(!it.last_error.empty());
    }
    QCOMPARE(outbox.due().size(), std::size_t(0));  // backing off

    // 4. The server comes up (a real `sciagents serve` on loopback).
    const QString data = m_dir.filePath("server");
    const QString user = cliToken(data, "studio", false);
    const QString admin = cliToken(data, "admin", true);
    QVERIFY(!user.isEmpty() && !admin.isEmpty());
    m_server.setProcessChannelMode(QProcess::MergedChannels);
    m_server.start(
        kCli, {"serve", "--port", "0", "--data-dir", data, "--rate-limit", "0", "--workers", "1"});
    QVERIFY(m_server.waitForStarted(30000));
    const QRegularExpression listening(
        QStringLiteral("listening on (http://127\\.0\\.0\\.1:[0-9]+)"));
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT(
        (out += QString::fromUtf8(m_server.readAll()), listening.match(out).hasMatch()), 30000);
    const QUrl url(listening.match(out).captured(1));

    // 5. A lost reply: the first answer reached the server, but Studio never saw the answer.
    QNetworkAccessManager net;
    const Reply first = request(net, "POST", url.resolved(QUrl("/v1/feedback")), user,
                                QByteArray::fromStdString(pending[0].body));
    QCOMPARE(first.status, 201);

    // 6. The back-off has passed: the flush delivers everything.
    m_now += 7LL * 3600 * 1000000;
    QCOMPARE(int(outbox.due().size()), kAnswers);
    delivery.setServer(url, user);
    delivery.flush();
    QTRY_VERIFY_WITH_TIMEOUT(flushed.size() == 2, 60000);
    QCOMPARE(flushed.at(1).at(0).toInt(), kAnswers);
    QCOMPARE(flushed.at(1).at(1).toInt(), 0);
    QCOMPARE(outbox.pending().size(), std::size_t(0));
    for (const QString& id : ids) QVERIFY(outbox.get(id.toStdString())->delivered_us.has_value());
    // Nothing left: another flush sends nothing.
    delivery.flush();
    QTRY_VERIFY_WITH_TIMEOUT(flushed.size() == 3, 60000);
    QCOMPARE(flushed.at(2).at(0).toInt(), 0);

    // 7. Counted on the server: each answer exactly once.
    const Reply sum = request(net, "GET", url.resolved(QUrl("/v1/feedback/summary")), admin);
    QCOMPARE(sum.status, 200);
    qInfo("server counts %d final responses for %d answers",
          sum.body["surveys"]["final"]["responses"].get<int>(), kAnswers);
    QCOMPARE(sum.body["responses"].get<int>(), kAnswers);
    QCOMPARE(sum.body["surveys"]["final"]["responses"].get<int>(), kAnswers);
    QCOMPARE(sum.body["nps"]["n"].get<int>(), kAnswers);
    // And the retry of the answer the server already had was a duplicate, not a second copy.
    const Reply again = request(net, "POST", url.resolved(QUrl("/v1/feedback")), user,
                                QByteArray::fromStdString(pending[0].body));
    QCOMPARE(again.status, 200);
    QVERIFY(again.body["duplicate"].get<bool>());
  }
};

SCIAGENTS_TEST_MAIN(TestFeedbackDelivery)

}  // namespace test_feedback_delivery
#include "test_feedback_delivery.moc"
