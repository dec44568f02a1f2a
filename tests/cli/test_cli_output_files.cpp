// What the CLI writes and prints when the names come from users (issue 22, findings 5 and 9):
// `-o` never replaces a FIFO or device, never follows a planted link, `-o -` is stdout; cache files
// are owner-only; names and messages with terminal escapes or bidi overrides are printed escaped;
// `x=3` and NUL in expressions are refused; oversized workflow files are refused before reading.
//
// SCIAGENTS_TEST_CLI=/path/to/sciagents runs these checks against another build (e.g. the old
// one, to see them fail there).
#include "cli_runner.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#if __has_include(<sys/sysmacros.h>)
#include <sys/sysmacros.h>  // makedev (Linux)
#endif
#include <sys/types.h>
#include <unistd.h>

#include "tests/test_main.h"

namespace test_cli_output_files {

using sciagents::test::CliRun;
using sciagents::test::sourcePath;
namespace fs = std::filesystem;

namespace {

QString cliBinary() {
  const QString over = qEnvironmentVariable("SCIAGENTS_TEST_CLI");
  return over.isEmpty() ? QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents") : over;
}

// Runs the CLI under umask 022 with extra environment variables.
CliRun run(const QStringList& args, const QString& cache_dir,
           const QList<QPair<QString, QString>>& env_extra = {}) {
  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("SCIAGENTS_CACHE_DIR", cache_dir);
  for (const auto& [k, v] : env_extra) env.insert(k, v);
  p.setProcessEnvironment(env);
  p.setChildProcessModifier([] { ::umask(022); });
  p.start(cliBinary(), args);
  return sciagents::test::finishProcess(p, 120000);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

unsigned modeOf(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0xFFFF;
}

long lastPid() {
  std::ifstream in("/proc/sys/kernel/ns_last_pid");
  long pid = 0;
  in >> pid;
  return pid;
}

const char* kSmall = R"({"sciagents": 1, "name": "small", "steps": [
  {"id": "s", "agent": "linear_algebra", "task": "solve",
   "params": {"A": [[2, 3], [1, 4]], "b": [8, 10]}}]})";

}  // namespace

class TestCliOutputFiles : public QObject {
  Q_OBJECT

  QTemporaryDir m_tmp;
  fs::path m_dir;
  QString m_cache;
  QString m_small;

  QString path(const std::string& name) const {
    return QString::fromStdString((m_dir / name).string());
  }

 private slots:
  void initTestCase() {
    QVERIFY(m_tmp.isValid());
    m_dir = fs::path(m_tmp.path().toStdString());
    m_cache = path("cache");
    m_small = path("small.workflow.json");
    spit(m_small.toStdString(), kSmall);
    QDir::setCurrent(m_tmp.path());  // the CLI runs here: an old `-o -` would create ./-
  }

  void fifoTargetIsRefusedAndStaysAFifo() {
    const fs::path fifo = m_dir / "result.fifo";
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    const auto r = run({"run", m_small, "-o", QString::fromStdString(fifo.string())}, m_cache);
    QVERIFY(fs::is_fifo(fs::symlink_status(fifo)));
    QVERIFY2(r.exit_code == 2, ("exit " + std::to_string(r.exit_code) + ": " + r.err).c_str());
    QVERIFY2(r.err.find("FIFO") != std::string::npos, r.err.c_str());
  }

  // A device node made in our own temporary directory (never the machine's /dev/null).
  void deviceTargetIsRefusedAndStaysADevice() {
    const fs::path dev = m_dir / "null";
    if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
      QSKIP("cannot create a device node here (needs CAP_MKNOD)");
    const auto r = run({"run", m_small, "-o", QString::fromStdString(dev.string())}, m_cache);
    struct stat st {};
    QCOMPARE(::lstat(dev.c_str(), &st), 0);
    QVERIFY2(S_ISCHR(st.st_mode), "the device node was replaced by a regular file");
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("character device") != std::string::npos, r.err.c_str());
  }

  void dashMeansStdout() {
    const auto r = run({"run", m_small, "-o", "-"}, m_cache);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    QVERIFY2(j.is_object() && j.contains("sciagents_result"), r.out.c_str());
    QVERIFY(
        !QFile::exists(QDir(QString::fromStdString(fs::current_path().string())).filePath("-")));
  }

  void symlinkTargetIsNotFollowed() {
    const fs::path victim = m_dir / "victim-a.txt", link = m_dir / "out-link.json";
    spit(victim, "precious");
    fs::create_symlink(victim, link);
    const auto r = run({"run", m_small, "-o", QString::fromStdString(link.string())}, m_cache);
    QCOMPARE(slurp(victim), std::string("precious"));
    QVERIFY(fs::is_symlink(link));
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("symbolic link") != std::string::npos, r.err.c_str());
  }

  // The old writer wrote OUT.tmp-PID (no O_EXCL|O_NOFOLLOW) and renamed it: a link planted at that
  // name made the result overwrite the link's target. Links are planted at every name the next
  // few thousand process ids would give.
  void plantedTemporaryLinksAreNotFollowed() {
    const fs::path victim = m_dir / "victim-b.txt";
    const fs::path out = m_dir / "planted" / "result.json";
    fs::create_directories(out.parent_path());
    spit(victim, "precious");
    const long from = lastPid() > 0 ? lastPid() : static_cast<long>(::getpid());  // no /proc: ours
    for (long pid = from + 1; pid <= from + 3000; ++pid)
      fs::create_symlink(victim, out.string() + ".tmp-" + std::to_string(pid));
    const auto r = run({"run", m_small, "-o", QString::fromStdString(out.string())}, m_cache);
    QCOMPARE(slurp(victim), std::string("precious"));
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY(fs::is_regular_file(fs::symlink_status(out)));
    QVERIFY(slurp(out).find("sciagents_result") != std::string::npos);
    QCOMPARE(modeOf(out), 0644u);  // a new result file: 0666 minus the umask (022)
  }

  void sidecarsRefuseAPlantedDirectoryLink() {
    const fs::path elsewhere = m_dir / "elsewhere";
    fs::create_directories(elsewhere);
    const fs::path out = m_dir / "side" / "result.json";
    fs::create_directories(out.parent_path());
    fs::create_directory_symlink(elsewhere, out.string() + ".d");
    const auto r = run({"run", sourcePath("examples/quickstart.workflow.json"), "-o",
                        QString::fromStdString(out.string()), "--sidecar-min", "2", "--no-cache"},
                       m_cache);
    QVERIFY2(r.exit_code != 0, "wrote sidecars through a link");
    QVERIFY(fs::is_empty(elsewhere));
  }

  void cacheFilesAreOwnerOnly() {
    const QString cache = path("modes-cache");
    const auto r = run({"run", m_small}, cache);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    int files = 0;
    for (const auto& e : fs::recursive_directory_iterator(cache.toStdString())) {
      if (e.is_regular_file()) {
        ++files;
        QVERIFY2(modeOf(e.path()) == 0600u, e.path().c_str());
      } else if (e.is_directory()) {
        QVERIFY2(modeOf(e.path()) == 0700u, e.path().c_str());
      }
    }
    QVERIFY(files > 0);
  }

  void terminalEscapesArePrintedEscaped() {
    // A workflow name with ANSI colour, a window-title escape and a bidi override: printed by run.
    const QString file = path("ansi.workflow.json");
    nlohmann::json w = nlohmann::json::parse(kSmall);
    w["name"] =
        "\x1b[31mred\x1b]0;owned\x07 \xe2\x80\xae"
        "exe.txt";
    spit(file.toStdString(), w.dump());
    auto r = run({"run", file, "--progress", "lines"}, m_cache);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(r.out.find('\x1b') == std::string::npos, r.out.c_str());
    QVERIFY(r.out.find("\xe2\x80\xae") == std::string::npos);
    QVERIFY2(r.out.find("\\x1b[31mred") != std::string::npos, r.out.c_str());
    QVERIFY2(r.out.find("\\u202e") != std::string::npos, r.out.c_str());
    // A step id with escapes is invalid; the error that quotes it is escaped too.
    const QString bad = path("ansi-id.workflow.json");
    w = nlohmann::json::parse(kSmall);
    w["steps"][0]["id"] =
        "a\x1b[2J\xe2\x80\xae"
        "b";
    spit(bad.toStdString(), w.dump());
    for (const char* cmd : {"run", "validate"}) {
      r = run({cmd, bad}, m_cache);
      QCOMPARE(r.exit_code, 2);
      QVERIFY2(r.err.find('\x1b') == std::string::npos, r.err.c_str());
      QVERIFY(r.err.find("\xe2\x80\xae") == std::string::npos);
      QVERIFY2(r.err.find("\\x1b[2J") != std::string::npos, r.err.c_str());
    }
  }

  void expressionAssignmentAndNulAreRefused() {
    const QString assign = path("assign.workflow.json");
    spit(assign.toStdString(), R"({"sciagents": 1, "steps": [{"id": "q", "agent": "integration",
      "task": "quad", "params": {"f": "x=3", "a": 0, "b": 1}}]})");
    auto r = run({"validate", assign}, m_cache);
    QVERIFY2(r.exit_code == 2, r.out.c_str());
    QVERIFY2(r.err.find("assignment '='") != std::string::npos, r.err.c_str());
    r = run({"run", assign}, m_cache);
    QCOMPARE(r.exit_code, 2);
    const QString nul = path("nul.workflow.json");
    spit(nul.toStdString(), R"({"sciagents": 1, "steps": [{"id": "q", "agent": "integration",
      "task": "quad", "params": {"f": "x\u0000+1000", "a": 0, "b": 1}}]})");
    r = run({"validate", nul}, m_cache);
    QVERIFY2(r.exit_code == 2, r.out.c_str());
    QVERIFY2(r.err.find("NUL character") != std::string::npos, r.err.c_str());
  }

  void longExpressionErrorIsElided() {
    std::string f;
    for (int i = 0; i < 100000; ++i) f += "x+";
    f += ")";
    const QString file = path("long.workflow.json");
    spit(file.toStdString(), R"({"sciagents": 1, "steps": [{"id": "q", "agent": "integration",
      "task": "quad", "params": {"f": ")" +
                                 f + R"(", "a": 0, "b": 1}}]})");
    const auto r = run({"validate", file}, m_cache);
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.size() < 2000, ("stderr of " + std::to_string(r.err.size()) + " bytes").c_str());
  }

  void oversizedWorkflowFilesAreRefused() {
    // A valid workflow padded with whitespace to 2 MB, under a 1 MB limit set for the test.
    const QString padded = path("padded.workflow.json");
    spit(padded.toStdString(), std::string(kSmall) + std::string(2u << 20, ' '));
    auto r = run({"validate", padded}, m_cache, {{"SCIAGENTS_MAX_WORKFLOW_BYTES", "1048576"}});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("the limit is 1048576 bytes") != std::string::npos, r.err.c_str());
    // The default limit (64 MiB): a sparse 65 MiB file is refused without being read.
    const fs::path sparse = m_dir / "sparse.workflow.json";
    spit(sparse, kSmall);
    fs::resize_file(sparse, 65u << 20);
    r = run({"validate", QString::fromStdString(sparse.string())}, m_cache);
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("the limit is 67108864 bytes") != std::string::npos, r.err.c_str());
    fs::remove(sparse);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestCliOutputFiles)

}  // namespace test_cli_output_files
#include "test_cli_output_files.moc"
