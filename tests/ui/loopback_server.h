// A real `sciagents serve` on loopback for GUI tests: an API token made with `serve token create`,
// the server on a free port (`--port 0`, address read from its log), stopped by PID (SIGTERM).
#pragma once

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest/QtTest>

#include <csignal>

namespace studio_test {

class LoopbackServer {
 public:
  static QString cli() { return QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"); }

  // Starts the server with one worker (later jobs queue behind a running one). Use with QVERIFY
  // in initTestCase: `server.start(); if (QTest::currentTestFailed()) return;`.
  void start(const QString& token_name) {
    QVERIFY(m_data.isValid());
    QVERIFY2(QFile::exists(cli()), qPrintable(cli() + " is not built"));
    QProcess token;
    token.start(cli(), {"serve", "token", "create", token_name, "--data-dir", m_data.path()});
    QVERIFY(token.waitForFinished(60000));
    QCOMPARE(token.exitCode(), 0);
    m_token =
        QString::fromUtf8(token.readAllStandardOutput()).trimmed().split('\n').last().trimmed();
    QVERIFY(!m_token.isEmpty());
    m_server.setProcessChannelMode(QProcess::MergedChannels);
    m_server.start(cli(), {"serve", "--port", "0", "--data-dir", m_data.path(), "--rate-limit", "0",
                           "--workers", "1"});
    QVERIFY(m_server.waitForStarted(30000));
    const QRegularExpression listening(
        QStringLiteral("listening on (http://127\\.0\\.0\\.1:[0-9]+)"));
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT(
        (out += QString::fromUtf8(m_server.readAll()), listening.match(out).hasMatch()), 30000);
    m_url = QUrl(listening.match(out).captured(1));
  }

  void stop() {
    if (m_server.state() == QProcess::NotRunning) return;
    ::kill(static_cast<pid_t>(m_server.processId()), SIGTERM);
    QVERIFY(m_server.waitForFinished(30000));
  }

  const QUrl& url() const { return m_url; }
  const QString& token() const { return m_token; }
  QString dataDir() const { return m_data.path(); }

 private:
  QTemporaryDir m_data;
  QProcess m_server;
  QUrl m_url;
  QString m_token;
};

}  // namespace studio_test
