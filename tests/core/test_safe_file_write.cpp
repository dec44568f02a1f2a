// The writer behind every user-named output file (`-o`, sidecars, exports, the result cache):
// special files and links at the name are refused, a planted temporary name is never followed,
// modes follow the documented policy (issue 22, findings 5 and 9).
#include "core/util/atomic_file.h"
#include "core/util/safe_file_write.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "tests/test_main.h"

namespace test_safe_file_write {

using namespace sciagents::core;
namespace fs = std::filesystem;

namespace {
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
}  // namespace

class TestSafeFileWrite : public QObject {
  Q_OBJECT

  QTemporaryDir m_tmp;
  fs::path dir() const { return fs::path(m_tmp.path().toStdString()); }

 private slots:
  void writesAndReplacesRegularFiles() {
    const fs::path out = dir() / "out.json";
    std::string why;
    QVERIFY2(writeFileSafely(out, "one", &why), why.c_str());
    QCOMPARE(slurp(out), std::string("one"));
    QVERIFY2(writeFileSafely(out, "two", &why), why.c_str());
    QCOMPARE(slurp(out), std::string("two"));
    // No temporary file is left behind.
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir())) ++files;
    QCOMPARE(files, 1);
    fs::remove(out);
  }

  void fifoIsRefusedAndStaysAFifo() {
    const fs::path fifo = dir() / "pipe";
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    std::string why;
    QVERIFY(!writeFileSafely(fifo, "x", &why));
    QVERIFY2(why.find("FIFO") != std::string::npos, why.c_str());
    QVERIFY(fs::is_fifo(fs::symlink_status(fifo)));
    QVERIFY(!writeFileAtomic(fifo, "x", &why));
    QVERIFY(fs::is_fifo(fs::symlink_status(fifo)));
    QVERIFY(!outputTargetProblem(fifo).empty());
    fs::remove(fifo);
  }

  void directoryIsRefused() {
    const fs::path d = dir() / "adir";
    fs::create_directory(d);
    std::string why;
    QVERIFY(!writeFileSafely(d, "x", &why));
    QVERIFY2(why.find("directory") != std::string::npos, why.c_str());
    QVERIFY(fs::is_directory(d));
    fs::remove(d);
  }

  void symlinkTargetIsNeitherFollowedNorReplaced() {
    const fs::path victim = dir() / "victim.txt";
    const fs::path link = dir() / "out.json";
    spit(victim, "precious");
    fs::create_symlink(victim, link);
    std::string why;
    QVERIFY(!writeFileSafely(link, "attack", &why));
    QVERIFY2(why.find("symbolic link") != std::string::npos, why.c_str());
    QCOMPARE(slurp(victim), std::string("precious"));
    QVERIFY(fs::is_symlink(link));
    fs::remove(link);
    fs::remove(victim);
  }

  // The old writer used OUT.tmp-PID: a link planted there made it write into the link's target.
  void plantedTemporaryNamesAreNotFollowed() {
    const fs::path victim = dir() / "victim.txt";
    const fs::path out = dir() / "result.json";
    spit(victim, "precious");
    const long pid = static_cast<long>(::getpid());
    for (const std::string& name :
         {"result.json.tmp-" + std::to_string(pid), std::string(".result.json.tmp"),
          std::string("result.json.tmp")})
      fs::create_symlink(victim, dir() / name);
    std::string why;
    QVERIFY2(writeFileSafely(out, "result", &why), why.c_str());
    QVERIFY2(writeFileAtomic(out, "result2", &why), why.c_str());
    QCOMPARE(slurp(victim), std::string("precious"));
    QCOMPARE(slurp(out), std::string("result2"));
    QVERIFY(fs::is_regular_file(fs::symlink_status(out)));
    for (const auto& e : fs::directory_iterator(dir())) fs::remove(e.path());
  }

  void modes() {
    const mode_t old = ::umask(022);
    const fs::path fresh = dir() / "fresh";
    std::string why;
    QVERIFY(writeFileSafely(fresh, "x", &why));
    QCOMPARE(modeOf(fresh), 0644u);  // 0666 minus the umask
    ::chmod(fresh.c_str(), 0640);
    QVERIFY(writeFileSafely(fresh, "y", &why));
    QCOMPARE(modeOf(fresh), 0640u);  // a replaced file keeps its mode
    const fs::path priv = dir() / "private";
    QVERIFY(writeFileSafely(priv, "z", &why, {.mode = 0600, .sync = false}));
    QCOMPARE(modeOf(priv), 0600u);
    ::umask(077);
    const fs::path tight = dir() / "tight";
    QVERIFY(writeFileSafely(tight, "x", &why));
    QCOMPARE(modeOf(tight), 0600u);
    ::umask(old);
    for (const auto& e : fs::directory_iterator(dir())) fs::remove(e.path());
  }

  void streamingWriterLeavesNothingWithoutCommit() {
    const fs::path out = dir() / "partial.npy";
    spit(out, "old");
    {
      SafeFileWriter w(out);
      w.write("new", 3);
    }  // no commit
    QCOMPARE(slurp(out), std::string("old"));
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir())) files += e.is_regular_file() ? 1 : 0;
    QCOMPARE(files, 1);
    fs::remove(out);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSafeFileWrite)

}  // namespace test_safe_file_write
#include "test_safe_file_write.moc"
