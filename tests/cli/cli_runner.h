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

inline CliRun runCli(const QStringList& args, const QString& cache_dir = {},
                     int timeout_ms = 300000) {
  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  if (!cache_dir.isEmpty()) env.insert("SCIAGENTS_CACHE_DIR", cache_dir);
  p.setProcessEnvironment(env);
  p.setWorkingDirectory(QStringLiteral(SCIAGENTS_SOURCE_DIR));
  p.start(QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"), args);
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

}  // namespace sciagents::test
