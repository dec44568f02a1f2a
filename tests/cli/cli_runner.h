// Runs the built `sciagents` executable as a user would, with its own cache directory.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::test {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline QString sourcePath(const QString& rel) {
  return QStringLiteral(SCIAGENTS_SOURCE_DIR "/") + rel;
}

// Waits for a started process (killed after `timeout_ms`) and collects its exit code and output:
// every test that runs a program (the CLI, Python) sets up its QProcess and ends here.
inline CliRun finishProcess(QProcess& p, int timeout_ms) {
  CliRun r;
  if (!p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished();
    r.err = "timed out";
    return r;
  }
  r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;  // -2: crashed
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

inline CliRun runCli(const QStringList& args, const QString& cache_dir = {},
                     int timeout_ms = 300000) {
  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  if (!cache_dir.isEmpty()) env.insert("SCIAGENTS_CACHE_DIR", cache_dir);
  p.setProcessEnvironment(env);
  p.setWorkingDirectory(QStringLiteral(SCIAGENTS_SOURCE_DIR));
  p.start(QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"), args);
  return finishProcess(p, timeout_ms);
}

}  // namespace sciagents::test
