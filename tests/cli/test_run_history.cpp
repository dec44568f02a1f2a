// The run history store (core/store/run_history.h): record, list newest first with a limit, get,
// delete, the default file's environment variables, and several writers at once (separate
// connections, as two CLI processes have) without a failure or a lost row.
#include "core/store/run_history.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/test_main.h"

namespace test_run_history {

using sciagents::core::store::RunHistory;
using sciagents::core::store::RunRecord;

namespace {
RunRecord sampleRun(std::int64_t started_us, const std::string& name) {
  RunRecord r;
  r.started_us = started_us;
  r.finished_us = started_us + 1000;
  r.status = "succeeded";
  r.where = "local";
  r.workflow_file = "/tmp/" + name + ".workflow.json";
  r.workflow_name = name;
  r.workflow_json = "{\"sciagents\":1,\"name\":\"" + name + "\",\"steps\":[]}";
  r.overrides_json = "[\"s.k=2\"]";
  r.seed = 18446744073709551615ull;  // the largest seed: stored as text, read back exactly
  r.threads = 2;
  r.agent_versions_json = "{\"ode_pde\":\"1.4\"}";
  r.host = "box";
  r.result_file = "/tmp/" + name + ".json";
  r.wall_s = 0.001;
  return r;
}
}  // namespace

class TestRunHistory : public QObject {
  Q_OBJECT
  QTemporaryDir m_tmp;

 private slots:
  void recordsListsGetsAndDeletes() {
    RunHistory h(m_tmp.filePath("a/b/history.sqlite").toStdString());  // folders are created
    const auto id1 = h.record(sampleRun(1000, "first"));
    const auto id2 = h.record(sampleRun(3000, "second"));
    const auto id3 = h.record(sampleRun(2000, "third"));
    QVERIFY(id1 > 0 && id2 > id1 && id3 > id2);
    const auto all = h.list(0);
    QCOMPARE(all.size(), std::size_t(3));
    QCOMPARE(all[0].workflow_name, std::string("second"));  // newest start first
    QCOMPARE(all[1].workflow_name, std::string("third"));
    QCOMPARE(all[2].workflow_name, std::string("first"));
    QVERIFY(all[0].workflow_json.empty());  // list leaves the large columns out
    QCOMPARE(h.list(2).size(), std::size_t(2));
    const auto got = h.get(id1);
    QVERIFY(got.has_value());
    QCOMPARE(got->workflow_json, sampleRun(1000, "first").workflow_json);
    QCOMPARE(got->overrides_json, std::string("[\"s.k=2\"]"));
    QCOMPARE(*got->seed, 18446744073709551615ull);
    QCOMPARE(got->threads, 2);
    QCOMPARE(got->agent_versions_json, std::string("{\"ode_pde\":\"1.4\"}"));
    QCOMPARE(got->result_file, std::string("/tmp/first.json"));
    QVERIFY(h.remove(id1));
    QVERIFY(!h.remove(id1));
    QVERIFY(!h.get(id1).has_value());
    QCOMPARE(h.list(0).size(), std::size_t(2));
  }

  void reopenedFileKeepsTheRuns() {
    const std::string file = m_tmp.filePath("reopen.sqlite").toStdString();
    std::int64_t id = 0;
    {
      RunHistory h(file);
      id = h.record(sampleRun(5, "kept"));
    }
    RunHistory again(file);
    QVERIFY(again.get(id).has_value());
    QCOMPARE(again.get(id)->workflow_name, std::string("kept"));
  }

  void largeResultsAreNotStoredInTheRow() {
    RunHistory h(m_tmp.filePath("large.sqlite").toStdString());
    RunRecord r = sampleRun(1, "large");
    r.result_file.clear();
    r.result_json = std::string(RunHistory::kMaxStoredResultBytes + 1, 'x');
    const auto id = h.record(r);
    QVERIFY(h.get(id)->result_json.empty());
    r.result_json = "{\"sciagents_result\":1}";
    QCOMPARE(h.get(h.record(r))->result_json, r.result_json);
  }

  void defaultFileFollowsTheEnvironment() {
    const QByteArray old_history = qgetenv("SCIAGENTS_HISTORY"), old_xdg = qgetenv("XDG_DATA_HOME");
    qputenv("SCIAGENTS_HISTORY", "/x/h.sqlite");
    QCOMPARE(RunHistory::defaultFile().string(), std::string("/x/h.sqlite"));
    qunsetenv("SCIAGENTS_HISTORY");
    qputenv("XDG_DATA_HOME", "/data");
    QCOMPARE(RunHistory::defaultFile().string(), std::string("/data/sciagents/history.sqlite"));
    qunsetenv("XDG_DATA_HOME");
    QVERIFY(RunHistory::defaultFile().string().find(".local/share/sciagents/history.sqlite") !=
            std::string::npos);
    if (!old_history.isNull()) qputenv("SCIAGENTS_HISTORY", old_history);
    if (!old_xdg.isNull()) qputenv("XDG_DATA_HOME", old_xdg);
  }

  // Two CLI runs finishing at once each open their own connection: every record must land.
  void concurrentWritersAllSucceed() {
    const std::string file = m_tmp.filePath("concurrent.sqlite").toStdString();
    constexpr int kWriters = 4, kEach = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w)
      threads.emplace_back([&, w] {
        try {
          for (int i = 0; i < kEach; ++i) {
            RunHistory h(file);  // a new connection each time, like a new process
            h.record(sampleRun(w * 1000 + i, "w" + std::to_string(w)));
          }
        } catch (const std::exception& e) {
          qWarning("writer %d: %s", w, e.what());
          ++failures;
        }
      });
    for (auto& t : threads) t.join();
    QCOMPARE(failures.load(), 0);
    RunHistory h(file);
    QCOMPARE(h.list(0).size(), std::size_t(kWriters * kEach));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestRunHistory)
}  // namespace test_run_history
#include "test_run_history.moc"
