#include "cli_runner.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <set>

#include "tests/test_main.h"

namespace test_cli {

using namespace sciagents::test;
using nlohmann::json;

class TestCli : public QObject {
  Q_OBJECT

  QTemporaryDir m_tmp;

  json readJson(const QString& path) {
    std::ifstream in(path.toStdString());
    return json::parse(in);
  }

 private slots:
  void versionAndHelp() {
    auto v = runCli({"--version"});
    QCOMPARE(v.exit_code, 0);
    QVERIFY(v.out.rfind("sciagents ", 0) == 0);
    auto h = runCli({"--help"});
    QCOMPARE(h.exit_code, 0);
    QVERIFY(h.out.find("validate") != std::string::npos);
    auto rh = runCli({"run", "--help"});
    QCOMPARE(rh.exit_code, 0);
    QVERIFY(rh.out.find("--set STEP.PARAM=VALUE") != std::string::npos);
    QCOMPARE(runCli({}).exit_code, 2);
    QCOMPARE(runCli({"frobnicate"}).exit_code, 2);
    QCOMPARE(runCli({"run", "x.json", "--threads", "zero"}).exit_code, 2);
  }

  void agentsJsonListsEveryAgentWithSchemas() {
    auto r = runCli({"agents", "--json"});
    QCOMPARE(r.exit_code, 0);
    const json j = json::parse(r.out);
    std::set<std::string> ids;
    for (const auto& a : j["agents"]) {
      ids.insert(a["id"].get<std::string>());
      QVERIFY(!a["tasks"].empty());
      for (const auto& t : a["tasks"]) {
        QVERIFY(t.contains("params") && t.contains("outputs") && t.contains("status"));
        if (t["status"] == "available")
          QVERIFY2(!t["outputs"].empty(), t["id"].get<std::string>().c_str());
      }
    }
    const std::set<std::string> expected = {"ode_pde",
                                            "linear_algebra",
                                            "optimization",
                                            "integration",
                                            "special_functions",
                                            "physics_informed_ml",
                                            "surrogate",
                                            "inverse",
                                            "uq",
                                            "problem_analyzer",
                                            "algorithm_selector",
                                            "executor_validator",
                                            "performance_profiler",
                                            "workflow_orchestration",
                                            "external"};
    for (const auto& id : expected) QVERIFY2(ids.count(id), id.c_str());
    QCOMPARE(ids.size(), expected.size());
    const auto& la = *std::find_if(j["agents"].begin(), j["agents"].end(),
                                   [](auto& a) { return a["id"] == "linear_algebra"; });
    for (const auto& t : la["tasks"])
      QCOMPARE(t["status"].get<std::string>(), std::string("available"));
    auto md = runCli({"agents", "--markdown"});
    QCOMPARE(md.exit_code, 0);
    QVERIFY(md.out.find("### linear_algebra.solve") != std::string::npos);
    auto one = runCli({"agents", "linear_algebra.solve"});
    QCOMPARE(one.exit_code, 0);
    QVERIFY(one.out.find("method") != std::string::npos);
  }

  void agentsReferenceIsUpToDate() {
    auto md = runCli({"agents", "--markdown"});
    QCOMPARE(md.exit_code, 0);
    QFile f(sourcePath("docs/agents.md"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY2(f.readAll().toStdString() == md.out,
             "docs/agents.md is stale: regenerate with build/bin/sciagents agents --markdown > "
             "docs/agents.md");
  }

  void validateRejectsBrokenWorkflows_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("where");  // the step (and param) the message must name
    QTest::addColumn<QString>("what");
    auto row = [](const char* f, const char* where, const char* what) {
      QTest::newRow(f) << f << where << what;
    };
    row("invalid-json", "", "invalid JSON");
    row("not-a-workflow", "", "missing \"sciagents\"");
    row("duplicate-id", "step 'solve'", "duplicate step id");
    row("unknown-agent", "step 's1'", "unknown agent 'linear_algebre'");
    row("unknown-task", "step 's1'", "unknown task 'invert'");
    row("nested-not-an-object", "step 'sim', param 'workflow'", "expected an object");
    row("unknown-param", "step 'solve', param 'rtoll'", "unknown parameter");
    row("missing-param", "step 'solve', param 'b'", "required parameter is missing");
    row("wrong-type", "step 'solve', param 'A'", "expected");
    row("out-of-range", "step 'solve', param 'tol'", "out of range");
    row("bad-choice", "step 'solve', param 'method'", "expected one of");
    row("missing-link-target", "step 'second', param 'b'", "step 'frist', which does not exist");
    row("unknown-output", "step 'second', param 'b[0]'", "has no output 'solution'");
    row("cycle", "step '", "cycle in links");
    row("bad-sweep", "step 'solve', param 'sweep'", "'tolerance' is not a parameter");
  }
  void validateRejectsBrokenWorkflows() {
    QFETCH(QString, file);
    QFETCH(QString, where);
    QFETCH(QString, what);
    const QString path = sourcePath("tests/cli/broken/" + file + ".workflow.json");
    auto r = runCli({"validate", path});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find(where.toStdString()) != std::string::npos, r.err.c_str());
    QVERIFY2(r.err.find(what.toStdString()) != std::string::npos, r.err.c_str());
    auto j = runCli({"validate", path, "--json"});
    QCOMPARE(j.exit_code, 2);
    QCOMPARE(json::parse(j.out)["valid"].get<bool>(), false);
    auto run = runCli({"run", path}, m_tmp.filePath("cache"));
    QCOMPARE(run.exit_code, 2);  // run refuses what validate refuses
  }

  void examplesProduceTheirExpectedResults_data() {
    QTest::addColumn<QString>("example");
    const auto files =
        QDir(sourcePath("examples")).entryList({"*.workflow.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 3);
    for (const auto& f : files) QTest::newRow(f.toUtf8().constData()) << f;
  }
  void examplesProduceTheirExpectedResults() {
    QFETCH(QString, example);
    const QString base = example.left(example.size() - QStringLiteral(".workflow.json").size());
    const QString expected_path = sourcePath("examples/" + base + ".expected.json");
    QVERIFY2(QFile::exists(expected_path), "every example has an .expected.json");
    const QString out = m_tmp.filePath(base + ".result.json");
    auto r = runCli({"validate", sourcePath("examples/" + example)});
    QCOMPARE(r.exit_code, 0);
    r = runCli(
        {"run", sourcePath("examples/" + example), "-o", out, "--threads", "4", "--no-cache"});
    const json expected = readJson(expected_path);
    const int want_exit = expected.value("exit_code", 0);
    QVERIFY2(r.exit_code == want_exit, (r.err + r.out).c_str());
    const json result = readJson(out);
    QCOMPARE(result["status"].get<std::string>(), expected["status"].get<std::string>());
    for (auto it = expected["outputs"].begin(); it != expected["outputs"].end(); ++it) {
      const std::string key = it.key();
      const auto dot = key.find('.');
      const json& got = result["steps"][key.substr(0, dot)]["outputs"][key.substr(dot + 1)];
      const json& want = it.value()["value"];
      // "atol" is one number, or one per element of an array value (parameters of unlike scales).
      const double rtol = it.value().value("rtol", 0.0);
      const json atols = it.value().value("atol", json(0.0));
      auto close = [&](double g, double w, std::size_t i) {
        const double atol = atols.is_array() ? atols.at(i).get<double>() : atols.get<double>();
        return std::abs(g - w) <= atol + rtol * std::abs(w);
      };
      if (want.is_number()) {
        QVERIFY2(got.is_number() && close(got.get<double>(), want.get<double>(), 0),
                 (key + " = " + got.dump()).c_str());
      } else {
        // Nested lists (a sweep's list of vectors, a matrix) and strings compare leaf by leaf;
        // an element-wise atol applies to the top level.
        std::function<bool(const json&, const json&, std::size_t)> same =
            [&](const json& g0, const json& w, std::size_t i) -> bool {
          const json& g = g0.is_object() && g0.contains("items") ? g0["items"] : g0;
          if (w.is_number()) return g.is_number() && close(g.get<double>(), w.get<double>(), i);
          if (w.is_string()) return g == w;
          if (!g.is_array() || g.size() != w.size()) return false;
          for (std::size_t k = 0; k < w.size(); ++k)
            if (!same(g[k], w[k], i)) return false;
          return true;
        };
        const json& g = got.is_object() && got.contains("items") ? got["items"] : got;
        QVERIFY2(g.is_array() && g.size() == want.size(), (key + " = " + got.dump()).c_str());
        QVERIFY2(!atols.is_array() || atols.size() == want.size(), (key + ": atol size").c_str());
        for (std::size_t i = 0; i < want.size(); ++i)
          QVERIFY2(same(g[i], want[i], i), (key + " = " + got.dump()).c_str());
      }
    }
    // Structure without values (timings, which no test may judge): "STEP.OUTPUT" has N entries.
    const json lengths = expected.value("lengths", json::object());  // (outlives the loop)
    for (const auto& [key, n] : lengths.items()) {
      const auto dot = key.find('.');
      const json& got = result["steps"][key.substr(0, dot)]["outputs"][key.substr(dot + 1)];
      QVERIFY2(got.is_array() && got.size() == n.get<std::size_t>(),
               (key + " = " + got.dump()).c_str());
    }
    // Exact strings and booleans: "STEP.OUTPUT" or "STEP.diagnostics.NAME".
    auto lookup = [&](const std::string& key) -> json {
      const auto dot = key.find('.');
      const std::string step = key.substr(0, dot), rest = key.substr(dot + 1);
      if (rest.rfind("diagnostics.", 0) == 0)
        return result["steps"][step]["diagnostics"][rest.substr(12)];
      return result["steps"][step]["outputs"][rest];
    };
    for (const char* kind : {"strings", "booleans"}) {
      const json exact = expected.value(kind, json::object());
      for (auto it = exact.begin(); it != exact.end(); ++it)
        QVERIFY2(lookup(it.key()) == it.value(),
                 (it.key() + " = " + lookup(it.key()).dump()).c_str());
    }
    // Steps that must have run at the same time: their [start, end] intervals in provenance
    // overlap.
    for (const auto& pair : expected.value("concurrent", json::array())) {
      const json& a = result["steps"][pair[0].get<std::string>()]["provenance"];
      const json& b = result["steps"][pair[1].get<std::string>()]["provenance"];
      QVERIFY2(a["start_unix_us"].get<std::int64_t>() < b["end_unix_us"].get<std::int64_t>() &&
                   b["start_unix_us"].get<std::int64_t>() < a["end_unix_us"].get<std::int64_t>(),
               (a.dump() + "\n" + b.dump()).c_str());
    }
    for (const auto& w : expected.value("warnings", json::array())) {
      const std::string step = w["step"], needle = w["contains"];
      QVERIFY2(
          result["steps"][step]["diagnostics"]["warnings"].dump().find(needle) != std::string::npos,
          result["steps"][step]["diagnostics"].dump().c_str());
    }
  }

  // Issue 17: results do not depend on the number of threads. Every example that succeeds is run
  // on 1 and on 2 threads (sweeps, sampling blocks and quadrature split across them) and every
  // step's outputs must be the same bits (JSON numbers are written with 17 significant digits;
  // no sidecars). Steps whose outputs are measured times (the profiler agent) are skipped by
  // agent, and said so.
  void examplesGiveTheSameBitsOnOneAndTwoThreads_data() {
    examplesProduceTheirExpectedResults_data();
  }
  void examplesGiveTheSameBitsOnOneAndTwoThreads() {
    QFETCH(QString, example);
    const QString base = example.left(example.size() - QStringLiteral(".workflow.json").size());
    const json expected = readJson(sourcePath("examples/" + base + ".expected.json"));
    if (expected.value("exit_code", 0) != 0) QSKIP("the example is meant to fail");
    json results[2];
    for (int threads : {1, 2}) {
      const QString out = m_tmp.filePath(base + ".t" + QString::number(threads) + ".json");
      const auto r = runCli({"run", sourcePath("examples/" + example), "-o", out, "--threads",
                             QString::number(threads), "--no-cache", "--sidecar-min", "0"});
      QVERIFY2(r.exit_code == 0, (r.err + r.out).c_str());
      results[threads - 1] = readJson(out);
    }
    int compared = 0;
    for (const auto& [id, step] : results[0]["steps"].items()) {
      if (step.value("agent", "") == "performance_profiler") continue;  // measured times
      const json& other = results[1]["steps"][id];
      QVERIFY2(other.is_object(), id.c_str());
      QVERIFY2(step["outputs"] == other["outputs"],
               (id + ": 1 thread " + step["outputs"].dump().substr(0, 400) + "\n2 threads " +
                other["outputs"].dump().substr(0, 400))
                   .c_str());
      ++compared;
    }
    if (compared == 0) QSKIP("only measured times in this example");
  }

  void unchangedRerunIsServedFromCacheInANewProcess() {
    const QString cache = m_tmp.filePath("cache-rerun");
    const QString file = sourcePath("examples/linked-steps.workflow.json");
    const QString out1 = m_tmp.filePath("r1.json"), out2 = m_tmp.filePath("r2.json"),
                  out3 = m_tmp.filePath("r3.json");
    QCOMPARE(runCli({"run", file, "-o", out1}, cache).exit_code, 0);
    QCOMPARE(runCli({"run", file, "-o", out2}, cache).exit_code, 0);
    const json r1 = readJson(out1), r2 = readJson(out2);
    for (const auto& s : r1["steps"]) QCOMPARE(s["cached"].get<bool>(), false);
    for (const auto& s : r2["steps"]) QCOMPARE(s["cached"].get<bool>(), true);
    QCOMPARE(r2["steps"]["second"]["outputs"], r1["steps"]["second"]["outputs"]);
    // Changing the second step's matrix re-runs only that step.
    QCOMPARE(runCli({"run", file, "-o", out3, "--set", "second.A=[[2,0],[0,4]]"}, cache).exit_code,
             0);
    const json r3 = readJson(out3);
    QCOMPARE(r3["steps"]["first"]["cached"].get<bool>(), true);
    QCOMPARE(r3["steps"]["second"]["cached"].get<bool>(), false);
    // Changing the first step's right-hand side re-runs both (the second sees a new b).
    const QString out4 = m_tmp.filePath("r4.json");
    QCOMPARE(runCli({"run", file, "-o", out4, "--set", "first.b=[1,3]"}, cache).exit_code, 0);
    const json r4 = readJson(out4);
    QCOMPARE(r4["steps"]["first"]["cached"].get<bool>(), false);
    QCOMPARE(r4["steps"]["second"]["cached"].get<bool>(), false);
    // --no-cache computes everything.
    const QString out5 = m_tmp.filePath("r5.json");
    QCOMPARE(runCli({"run", file, "-o", out5, "--no-cache"}, cache).exit_code, 0);
    for (const auto& s : readJson(out5)["steps"]) QCOMPARE(s["cached"].get<bool>(), false);
  }

  // --set takes the one path syntax (core/workflow/param_path.h): "first.b[1]" is element 1 of b,
  // not a new key named "b[1]".
  void setPathsIndexIntoLists() {
    const QString file = sourcePath("examples/linked-steps.workflow.json");
    const QString out = m_tmp.filePath("set-index.json");
    auto r = runCli({"run", file, "-o", out, "--set", "first.b[1]=3"}, m_tmp.filePath("cache-set"));
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json result = readJson(out);
    // [[4,1],[1,3]] x = [1,3] gives x = [0,1]; a key "b[1]" would have left b = [1,2] (and been
    // refused).
    const json x = result["steps"]["first"]["outputs"]["x"];
    QCOMPARE(x.size(), std::size_t(2));
    QVERIFY2(std::abs(x[0].get<double>()) < 1e-12 && std::abs(x[1].get<double>() - 1.0) < 1e-12,
             x.dump().c_str());
    // An index past the end names the path and the position; lists never grow.
    auto bad = runCli({"run", file, "--set", "first.b[2]=3"}, m_tmp.filePath("cache-set"));
    QCOMPARE(bad.exit_code, 2);
    QVERIFY2(bad.err.find("path 'b[2]', position 2: index 2 out of range for 'b' of size 2") !=
                 std::string::npos,
             bad.err.c_str());
    auto malformed = runCli({"run", file, "--set", "first.b[x]=3"}, m_tmp.filePath("cache-set"));
    QCOMPARE(malformed.exit_code, 2);
    QVERIFY2(malformed.err.find("index 'x' is not an integer") != std::string::npos,
             malformed.err.c_str());
  }

  void runFailureAndUsageExitCodes() {
    const QString dir = m_tmp.filePath("fail");
    QDir().mkpath(dir);
    const QString singular = dir + "/singular.workflow.json";
    QFile f(singular);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"sciagents":1,"steps":[{"id":"s","agent":"linear_algebra","task":"solve",
      "params":{"A":[[1,2],[2,4]],"b":[1,1],"method":"lu"}},
      {"id":"t","agent":"linear_algebra","task":"solve","params":{"A":[[1,0],[0,1]],"b":{"from":"s.x"}}}]})");
    f.close();
    auto r = runCli({"run", singular, "--json"}, m_tmp.filePath("cache"));
    QCOMPARE(r.exit_code, 1);
    const json j = json::parse(r.out);
    QCOMPARE(j["steps"]["s"]["status"].get<std::string>(), std::string("failed"));
    QCOMPARE(j["steps"]["t"]["status"].get<std::string>(), std::string("skipped"));
    QVERIFY2(r.err.find("step 's'") != std::string::npos, r.err.c_str());
    // A valid workflow sent to a server that cannot be reached: exit 3, naming the URL.
    const auto unreachable = runCli({"run", singular, "--target", "http://example.invalid"});
    QCOMPARE(unreachable.exit_code, 3);
    QVERIFY2(unreachable.err.find("example.invalid") != std::string::npos, unreachable.err.c_str());
    QCOMPARE(runCli({"run", m_tmp.filePath("does-not-exist.json")}).exit_code, 2);
    QCOMPARE(runCli({"run", sourcePath("examples/quickstart.workflow.json"), "--set", "nostep.b=1"})
                 .exit_code,
             2);
  }

  void slurmOptionsAreChecked() {
    // No cluster needed: usage errors and invalid workflows exit 2 before anything is submitted.
    const QString quick = sourcePath("examples/quickstart.workflow.json");
    auto r = runCli({"run", quick, "--partition", "debug"});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("--partition needs --target slurm") != std::string::npos, r.err.c_str());
    QCOMPARE(runCli({"run", quick, "--target", "slurm", "--tasks", "0"}).exit_code, 2);
    QCOMPARE(runCli({"run", quick, "--target", "slurm", "--cpus", "many"}).exit_code, 2);
    const QString jobs = m_tmp.filePath("slurm-jobs-invalid");
    r = runCli({"run", sourcePath("tests/cli/broken/missing-param.workflow.json"), "--target",
                "slurm", "--slurm-dir", jobs});
    QCOMPARE(r.exit_code, 2);
    QVERIFY(!QDir(jobs).exists());
    QCOMPARE(runCli({"run", quick, "--sweep-shard", "4/4"}).exit_code, 2);
    QCOMPARE(runCli({"run", sourcePath("examples/sweep.workflow.json"), "--sweep-shard", "1/2"})
                 .exit_code,
             2);
  }

  void sweepShardRunsItsPointsAndWritesStatus() {
    // What one Slurm array task does: points 1, 5, 9, 13 of 16, then status.json says succeeded.
    const QString status = m_tmp.filePath("shard-status.json"),
                  out = m_tmp.filePath("shard-result.json");
    auto r = runCli({"run", sourcePath("tests/slurm/data/sweep16.workflow.json"), "--sweep-shard",
                     "1/4", "--status-file", status, "-o", out, "--no-cache"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json st = readJson(status);
    QCOMPARE(st["state"].get<std::string>(), std::string("succeeded"));
    QCOMPARE(st["task"].get<int>(), 1);
    QCOMPARE(st["tasks"].get<int>(), 4);
    const json j = readJson(out);
    QCOMPARE(j["steps"]["shifted"]["provenance"]["sweep"]["points"].get<int>(), 4);
    QCOMPARE(j["steps"]["shifted"]["provenance"]["sweep"]["shard"]["index"].get<int>(), 1);
    const json& x =
        j["steps"]["shifted"]["outputs"]["x"];  // a list of 4 vectors: {"$type": "list", "items"}
    QCOMPARE((x.is_object() ? x["items"] : x).size(), std::size_t{4});
  }

  void largeArraysGoToNpySidecars() {
    const QString out = m_tmp.filePath("sidecar/result.json");
    QDir().mkpath(m_tmp.filePath("sidecar"));
    auto r = runCli({"run", sourcePath("examples/quickstart.workflow.json"), "-o", out,
                     "--sidecar-min", "2", "--no-cache"});
    QCOMPARE(r.exit_code, 0);
    const json j = readJson(out);
    const json& x = j["steps"]["solve"]["outputs"]["x"];
    QCOMPARE(x["$type"].get<std::string>(), std::string("npy"));
    QVERIFY(QFile::exists(m_tmp.filePath("sidecar/") +
                          QString::fromStdString(x["path"].get<std::string>())));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestCli)

}  // namespace test_cli
#include "test_cli.moc"
