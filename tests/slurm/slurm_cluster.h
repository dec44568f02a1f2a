// Test helpers for the `slurm` tests: a private single-node cluster (tests/slurm/slurm-cluster.sh)
// that is brought up in a temporary directory and always torn down by PID, and a way to run the
// CLI.
#pragma once

#include <QDir>
#include <QFile>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace sciagents::test {

inline QString slurmScript() {
  return QStringLiteral(SCIAGENTS_SOURCE_DIR "/tests/slurm/slurm-cluster.sh");
}
inline QString slurmData(const QString& name) {
  return QStringLiteral(SCIAGENTS_SOURCE_DIR "/tests/slurm/data/") + name;
}
inline QString sciagentsBinary() { return QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"); }

struct Proc {
  int exit_code = -1;
  std::string out, err;
};

inline Proc runProgram(const QString& program, const QStringList& args, int timeout_ms = 120000) {
  QProcess p;
  p.start(program, args);
  Proc r;
  if (!p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished();
    r.err = "timed out";
    return r;
  }
  r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

// Why the cluster cannot run here (empty when it can).
inline QString slurmSkipReason() {
#if defined(_WIN32)
  return QStringLiteral("Slurm tests need Linux");
#else
  if (::geteuid() != 0)
    return QStringLiteral("Slurm tests need root (munged runs as user munge, slurmd as root)");
  for (const char* bin :
       {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/sbin/mungekey"})
    if (!QFile::exists(QString::fromLatin1(bin)))
      return QStringLiteral("%1 is missing (install slurm-wlm and munge)")
          .arg(QString::fromLatin1(bin));
  for (const char* tool : {"sbatch", "squeue", "scancel", "sinfo"})
    if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
      return QStringLiteral("%1 is not on PATH (install slurm-wlm)").arg(QString::fromLatin1(tool));
  return {};
#endif
}

// Brings the cluster up in DIR and down again (by the PIDs it recorded) when destroyed.
class SlurmCluster {
 public:
  explicit SlurmCluster(QString dir) : m_dir(std::move(dir)) {}
  ~SlurmCluster() { down(); }
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  // Starts it and exports SLURM_CONF for this process and its children. Returns the script's
  // output.
  bool up(std::string* log) {
    const Proc r = runProgram("bash", {slurmScript(), "up", m_dir}, 90000);
    if (log) *log = r.out + r.err;
    m_up = true;  // even a half-started cluster is torn down
    if (r.exit_code != 0) return false;
    qputenv("SLURM_CONF", (m_dir + "/slurm.conf").toLocal8Bit());
    return true;
  }
  void down() {
    if (!m_up) return;
    runProgram("bash", {slurmScript(), "down", m_dir}, 60000);
    m_up = false;
  }
  bool stopController() {
    return runProgram("bash", {slurmScript(), "stop-ctld", m_dir}).exit_code == 0;
  }
  bool startController(std::string* log = nullptr) {
    const Proc r = runProgram("bash", {slurmScript(), "start-ctld", m_dir}, 60000);
    if (log) *log = r.out + r.err;
    return r.exit_code == 0;
  }
  const QString& dir() const { return m_dir; }

 private:
  QString m_dir;
  bool m_up = false;
};

inline std::optional<nlohmann::json> readJson(const QString& path) {
  std::ifstream in(path.toStdString());
  if (!in) return std::nullopt;
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// The one job directory under a --slurm-dir (empty until submit created it).
inline QString jobDirIn(const QString& slurm_dir) {
  const auto entries = QDir(slurm_dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
  return entries.size() == 1 ? slurm_dir + "/" + entries[0] : QString();
}

// Step documents equal in everything a local run fixes: status, outputs, diagnostics, sweep counts,
// per-point parameter hashes and seeds, and the same keys (timing, host and pid naturally differ).
inline std::string compareResults(const nlohmann::json& local, const nlohmann::json& other) {
  if (local.value("status", "") != other.value("status", "")) return "status differs";
  for (auto it = local["steps"].begin(); it != local["steps"].end(); ++it) {
    const std::string id = it.key();
    if (!other["steps"].contains(id)) return "step " + id + " missing";
    const auto& a = it.value();
    const auto& b = other["steps"][id];
    for (const char* k : {"status", "outputs", "diagnostics", "sweep_points", "cached_points",
                          "cached", "agent", "task"})
      if (a.value(k, nlohmann::json()) != b.value(k, nlohmann::json()))
        return "step " + id + ": '" + k + "' differs";
    for (const char* k : {"params_hashes", "params_hash", "seed", "sweep"})
      if (a["provenance"].value(k, nlohmann::json()) != b["provenance"].value(k, nlohmann::json()))
        return "step " + id + ": provenance '" + k + "' differs";
    std::set<std::string> ka, kb;
    for (auto i = a.begin(); i != a.end(); ++i) ka.insert(i.key());
    for (auto i = b.begin(); i != b.end(); ++i) kb.insert(i.key());
    if (ka != kb) return "step " + id + ": different keys";
  }
  if (local["steps"].size() != other["steps"].size()) return "different steps";
  return {};
}

// Base of a test class that shares one cluster across its test functions: call bringUpCluster()
// from initTestCase (skips when Slurm is missing, fails with the script's log when it does not
// start) and tearDownCluster() from cleanupTestCase (down, by PID).
class SlurmClusterTest : public QObject {
 protected:
  QTemporaryDir m_tmp;
  std::unique_ptr<SlurmCluster> m_cluster;

  QString path(const QString& rel) const { return m_tmp.path() + "/" + rel; }

  void bringUpCluster() {
    const QString skip = slurmSkipReason();
    if (!skip.isEmpty()) QSKIP(qPrintable(skip));
    QVERIFY(m_tmp.isValid());
    m_cluster = std::make_unique<SlurmCluster>(path("cluster"));
    std::string log;
    QVERIFY2(m_cluster->up(&log), log.c_str());
  }
  void tearDownCluster() { m_cluster.reset(); }
};

}  // namespace sciagents::test
