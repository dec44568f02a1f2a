// Thin Qt Test wrapper: runs one Python test script (tests/server/, tests/package/, tests/slurm/)
// with Debian's /usr/bin/python3 against the built `sciagents` and fails with the script's output
// when it fails. Built once (sciagents_script_test); each ctest names its script in the environment
// (sciagents_add_script_test in tests/CMakeLists.txt):
// SCIAGENTS_SCRIPT: the script; SCIAGENTS_PY_IMPORTS: modules it needs ("requests,yaml"...);
// SCIAGENTS_SCRIPT_TIMEOUT_S: how long it may run (default 280 s). A script that exits with 77 is
// skipped, its output being the reason.
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <QtTest>

namespace {
const QString kPython = QStringLiteral("/usr/bin/python3");
}

class ServerScriptTest : public QObject {
  Q_OBJECT

 private slots:
  void script() {
    if (!QFileInfo::exists(kPython))
      QSKIP(
          "/usr/bin/python3 is missing (Debian's python3 with python3-requests runs the server "
          "tests)");
    const QString script = qEnvironmentVariable("SCIAGENTS_SCRIPT");
    QVERIFY2(!script.isEmpty(), "SCIAGENTS_SCRIPT (the Python script to run) is not set");
    bool timeout_ok = false;
    int timeout_s = qEnvironmentVariableIntValue("SCIAGENTS_SCRIPT_TIMEOUT_S", &timeout_ok);
    if (!timeout_ok) timeout_s = 280;
    const QString imports = qEnvironmentVariable("SCIAGENTS_PY_IMPORTS");
    if (!imports.isEmpty()) {
      QProcess probe;
      probe.start(kPython, {"-c", "import " + imports});
      probe.waitForFinished(30000);
      if (probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
        QSKIP(
            qPrintable("Python modules missing for this test (" + imports +
                       "): install python3-requests / python3-yaml (installers/install-deps.sh)"));
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(QStringLiteral(SCIAGENTS_SOURCE_DIR));
    p.start(kPython,
            {script, "--sciagents", QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents")});
    QVERIFY2(p.waitForStarted(10000), "cannot start /usr/bin/python3");
    const bool finished = p.waitForFinished(timeout_s * 1000);
    if (!finished) {
      p.kill();
      p.waitForFinished(10000);
    }
    const QByteArray out = p.readAll();
    // Exit code 77: the script could not run here and says why (e.g. podman missing).
    if (finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 77)
      QSKIP(qPrintable(QString::fromUtf8(out).trimmed()));
    const bool ok = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!ok || qEnvironmentVariableIsSet("SCIAGENTS_TEST_VERBOSE")) qInfo().noquote() << out;
    QVERIFY2(finished,
             qPrintable(QStringLiteral("the script did not finish within %1 s").arg(timeout_s)));
    QCOMPARE(p.exitCode(), 0);
  }
};

QTEST_GUILESS_MAIN(ServerScriptTest)
#include "test_server_script.moc"
