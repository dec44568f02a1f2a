// History and provenance through the CLI (docs/history.md): a result file carries the workflow as
// run (overrides applied), seed, threads, overrides and agent versions; `run` records into the
// history (not with --no-history); `history`, `history show`, `history delete`; `replay`
// reproduces a run bit for bit (exit 0) and is recorded in the history itself; it names the first
// differing step and output of a tampered result (exit 1); unreadable or old result files exit 2
// naming the file.
#include "cli_runner.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

#include "tests/test_main.h"

namespace test_history_replay {

using sciagents::test::CliRun;
using sciagents::test::sourcePath;
using json = nlohmann::json;

namespace {
json readJsonFile(const QString& path) {
  std::ifstream in(path.toStdString());
  return json::parse(in, nullptr, false);
}
void writeJsonFile(const QString& path, const json& j) {
  std::ofstream out(path.toStdString());
  out << j.dump(1);
}
}  // namespace

class TestHistoryReplay : public QObject {
  Q_OBJECT
  QTemporaryDir m_tmp;
  QString m_history;

  CliRun cli(const QStringList& args) {
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("SCIAGENTS_CACHE_DIR", m_tmp.filePath("cache"));
    env.insert("SCIAGENTS_HISTORY", m_history);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(QStringLiteral(SCIAGENTS_SOURCE_DIR));
    p.start(QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"), args);
    return sciagents::test::finishProcess(p, 600000);
  }

  json historyList() {
    const auto r = cli({"history", "--json", "--limit", "0"});
    if (r.exit_code != 0) return json();
    return json::parse(r.out, nullptr, false);
  }

 private slots:
  void initTestCase() {
    QVERIFY(m_tmp.isValid());
    m_history = m_tmp.filePath("hist/history.sqlite");
  }

  void resultFileCarriesTheWorkflowAsRun() {
    const QString out = m_tmp.filePath("quick.json");
    const auto r = cli({"run", sourcePath("examples/quickstart.workflow.json"), "-o", out, "--set",
                        "solve.b=[1,2]", "--seed", "42", "--threads", "2", "--progress", "none"});
    QVERIFY2(r.exit_code == 0, (r.err + r.out).c_str());
    const json doc = readJsonFile(out);
    QCOMPARE(doc["workflow"].get<std::string>(), std::string("Quick start: a 2x2 linear system"));
    QVERIFY2(doc["workflow_spec"].is_object(), doc.dump().substr(0, 300).c_str());
    QCOMPARE(doc["workflow_spec"]["steps"][0]["params"]["b"], json::parse("[1,2]"));  // override
    const json& run = doc["run"];
    QCOMPARE(run["seed"].get<std::uint64_t>(), std::uint64_t(42));
    QCOMPARE(run["threads"].get<int>(), 2);
    QCOMPARE(run["threads_used"].get<int>(), 2);
    QCOMPARE(run["overrides"], json::parse("[\"solve.b=[1,2]\"]"));
    QVERIFY(run["agent_versions"].contains("linear_algebra"));
    QVERIFY(!run["host"].get<std::string>().empty());
    QVERIFY(run["workflow_file"].get<std::string>().find("examples/quickstart.workflow.json") !=
            std::string::npos);
    QCOMPARE(run["where"].get<std::string>(), std::string("local"));
    QVERIFY(run.contains("started") && run.contains("finished"));
  }

  void runsAreRecordedNewestFirst() {
    const json before = historyList();
    QVERIFY2(before.is_array(), "history --json failed");
    const QString out = m_tmp.filePath("quick2.json");
    auto r = cli({"run", sourcePath("examples/quickstart.workflow.json"), "-o", out, "--progress",
                  "none", "--seed", "7"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(r.err.find("history: run ") != std::string::npos, r.err.c_str());
    r = cli({"run", sourcePath("examples/quickstart.workflow.json"), "--no-history", "--progress",
             "none"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json after = historyList();
    QCOMPARE(after.size(), before.size() + 1);  // --no-history added nothing
    const json& newest = after[0];
    QCOMPARE(newest["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE(newest["seed"].get<std::uint64_t>(), std::uint64_t(7));
    QVERIFY(newest["result_file"].get<std::string>().find("quick2.json") != std::string::npos);
    QCOMPARE(newest["where"].get<std::string>(), std::string("local"));
    QVERIFY(newest["agent_versions"].contains("linear_algebra"));

    // show: the full row, with the workflow as run.
    const std::string id = std::to_string(newest["id"].get<std::int64_t>());
    const auto show = cli({"history", "show", QString::fromStdString(id), "--json"});
    QVERIFY2(show.exit_code == 0, show.err.c_str());
    const json shown = json::parse(show.out, nullptr, false);
    QCOMPARE(shown["workflow"]["name"].get<std::string>(),
             std::string("Quick start: a 2x2 linear system"));
    const auto text = cli({"history", "show", QString::fromStdString(id)});
    QVERIFY2(text.exit_code == 0 && text.out.find("workflow as run:") != std::string::npos,
             text.out.c_str());
    const auto table = cli({"history", "--limit", "1"});
    QVERIFY2(
        table.exit_code == 0 && table.out.find("quickstart.workflow.json") != std::string::npos,
        table.out.c_str());

    // A run without -o keeps its (small) result in the history.
    r = cli({"run", sourcePath("examples/quickstart.workflow.json"), "--progress", "none"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json latest = historyList()[0];
    const auto stored =
        cli({"history", "show", QString::number(latest["id"].get<std::int64_t>()), "--json"});
    QVERIFY2(json::parse(stored.out, nullptr, false)["result"]["steps"].contains("solve"),
             stored.out.substr(0, 400).c_str());

    // delete, then show and delete again fail with exit 2.
    QCOMPARE(cli({"history", "delete", QString::fromStdString(id)}).exit_code, 0);
    const auto gone = cli({"history", "show", QString::fromStdString(id)});
    QCOMPARE(gone.exit_code, 2);
    QVERIFY2(gone.err.find("no run " + id) != std::string::npos, gone.err.c_str());
    QCOMPARE(cli({"history", "delete", QString::fromStdString(id)}).exit_code, 2);
    QCOMPARE(cli({"history", "show", "abc"}).exit_code, 2);
    QCOMPARE(cli({"history", "frobnicate"}).exit_code, 2);
    QCOMPARE(cli({"history", "--limit", "-3"}).exit_code, 2);
  }

  // Two runs at once both land in the history.
  void concurrentRunsAreBothRecorded() {
    const std::size_t before = historyList().size();
    QList<QProcess*> procs;
    for (int i = 0; i < 2; ++i) {
      auto* p = new QProcess(this);
      auto env = QProcessEnvironment::systemEnvironment();
      env.insert("SCIAGENTS_CACHE_DIR", m_tmp.filePath("cache-c" + QString::number(i)));
      env.insert("SCIAGENTS_HISTORY", m_history);
      p->setProcessEnvironment(env);
      p->start(QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"),
               {"run", sourcePath("examples/linked-steps.workflow.json"), "--progress", "none"});
      procs.push_back(p);
    }
    for (auto* p : procs) {
      QVERIFY(p->waitForFinished(300000));
      QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
      const QByteArray err = p->readAllStandardError();
      QVERIFY2(!err.contains("not recorded"), err.constData());
    }
    QCOMPARE(historyList().size(), before + 2);
  }

  void replayReproducesASampledRun() {
    const QString out = m_tmp.filePath("sobol.json");
    auto r = cli({"run", sourcePath("examples/uq-ode-sobol.workflow.json"), "-o", out, "--progress",
                  "none", "--seed", "3", "--set", "spread.n=200", "--sidecar-min", "4"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::size_t before = historyList().size();
    const QString again = m_tmp.filePath("sobol-replay.json");
    r = cli({"replay", out, "-o", again});
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());
    QVERIFY2(r.out.find("reproduced: 3 steps") != std::string::npos, r.out.c_str());
    QVERIFY2(r.err.find("history: run ") != std::string::npos, r.err.c_str());
    const json replayed = readJsonFile(again);
    QCOMPARE(replayed["run"]["seed"].get<std::uint64_t>(), std::uint64_t(3));
    QCOMPARE(replayed["workflow_spec"]["steps"][1]["params"]["n"].get<int>(), 200);
    // The re-run is in the history like any run: newest, the replay's result file, the seed and
    // the workflow as run (the override applied), and listed by `sciagents history`.
    const json after = historyList();
    QCOMPARE(after.size(), before + 1);
    const json& newest = after[0];
    QCOMPARE(newest["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE(newest["where"].get<std::string>(), std::string("local"));
    QCOMPARE(newest["seed"].get<std::uint64_t>(), std::uint64_t(3));
    QVERIFY2(
        newest["result_file"].get<std::string>().find("sobol-replay.json") != std::string::npos,
        newest.dump().c_str());
    const std::string id = std::to_string(newest["id"].get<std::int64_t>());
    const auto show = cli({"history", "show", QString::fromStdString(id), "--json"});
    QVERIFY2(show.exit_code == 0, show.err.c_str());
    QCOMPARE(
        json::parse(show.out, nullptr, false)["workflow"]["steps"][1]["params"]["n"].get<int>(),
        200);
    const auto table = cli({"history", "--limit", "1"});
    QVERIFY2(table.exit_code == 0 && table.out.find(id) != std::string::npos &&
                 table.out.find("uq-ode-sobol.workflow.json") != std::string::npos,
             table.out.c_str());
    // On another thread count the outputs are the same bits too; --no-history records nothing.
    r = cli({"replay", out, "--threads", "1", "--json", "--quiet", "--no-history"});
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());
    QCOMPARE(json::parse(r.out, nullptr, false)["reproduced"].get<bool>(), true);
    QCOMPARE(historyList().size(), before + 1);
  }

  void replayNamesTheFirstDifference() {
    const QString out = m_tmp.filePath("linked.json");
    auto r = cli({"run", sourcePath("examples/linked-steps.workflow.json"), "-o", out, "--progress",
                  "none", "--sidecar-min", "0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    json doc = readJsonFile(out);
    auto& x = doc["steps"]["second"]["outputs"]["x"];
    QVERIFY2(x.is_array() && !x.empty(), doc.dump().substr(0, 400).c_str());
    x[0] = x[0].get<double>() + 1e-12;  // one bit-level change
    const QString tampered = m_tmp.filePath("linked-tampered.json");
    writeJsonFile(tampered, doc);
    r = cli({"replay", tampered, "--quiet"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.out.find("differs: step 'second' output 'x': [0]") != std::string::npos,
             r.out.c_str());
  }

  void replayRefusesWhatItCannotReplay() {
    auto r = cli({"replay", m_tmp.filePath("missing.json")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("missing.json") != std::string::npos, r.err.c_str());
    r = cli({"replay", sourcePath("examples/quickstart.workflow.json")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("is not a SciAgents result file") != std::string::npos, r.err.c_str());
    // A result written before provenance was recorded: no workflow_spec.
    json doc = readJsonFile(m_tmp.filePath("quick.json"));
    doc.erase("workflow_spec");
    doc.erase("run");
    writeJsonFile(m_tmp.filePath("old.json"), doc);
    r = cli({"replay", m_tmp.filePath("old.json")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("old.json") != std::string::npos &&
                 r.err.find("workflow_spec") != std::string::npos,
             r.err.c_str());
    QFile bad(m_tmp.filePath("bad.json"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{not json");
    bad.close();
    r = cli({"replay", m_tmp.filePath("bad.json")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("bad.json' is not valid JSON") != std::string::npos, r.err.c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestHistoryReplay)
}  // namespace test_history_replay
#include "test_history_replay.moc"
