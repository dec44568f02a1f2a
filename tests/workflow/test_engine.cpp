#include "core/metrics/metrics_registry.h"
#include "core/workflow/workflow_engine.h"
#include "test_agents.h"

#include <QTemporaryDir>
#include <QtTest>

#include "tests/test_main.h"

namespace test_engine {

using namespace sciagents::core;
using sciagents::test::probe;
using sciagents::test::testRegistry;

class TestEngine : public QObject {
  Q_OBJECT

 private:
  AgentRegistry m_registry = testRegistry();
  QTemporaryDir m_dir;

  RunOptions options(bool cache = false) {
    RunOptions o;
    o.threads = 4;
    o.use_cache = cache;
    o.cache_dir = m_dir.filePath("cache").toStdString();
    o.metrics = &m_metrics;
    return o;
  }
  RunResult run(const std::string& json, const RunOptions& o) {
    return WorkflowEngine(m_registry).run(parseWorkflow(json), o);
  }
  metrics::MetricsRegistry m_metrics;

 private slots:
  void chainAndElementLinks() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"c","agent":"test","task":"sum","params":{"v":[{"from":"a.sum"},{"from":"b.sum"},10]}},
      {"id":"a","agent":"test","task":"add","params":{"a":1,"b":2}},
      {"id":"b","agent":"test","task":"add","params":{"a":{"from":"a.sum"},"b":{"from":"a.pair[-1]"}}}]})",
                 options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    QCOMPARE(r.step("a")->outputs.at("sum").asDouble(), 3.0);
    QCOMPARE(r.step("b")->outputs.at("sum").asDouble(), 5.0);
    QCOMPARE(r.step("c")->outputs.at("total").asDouble(), 18.0);
    QCOMPARE(r.steps.size(), size_t(3));
    QCOMPARE(r.steps[0].id, std::string("c"));  // workflow order kept
  }

  void independentStepsRunConcurrently() {
    probe().arrived = 0;
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"A","agent":"test","task":"add","params":{"a":1}},
      {"id":"B","agent":"test","task":"meet","params":{"after":{"from":"A.sum"}}},
      {"id":"C","agent":"test","task":"meet","params":{"after":{"from":"A.sum"}}},
      {"id":"D","agent":"test","task":"sum","params":{"v":[{"from":"A.pair[0]"},{"from":"A.sum"}]}}]})",
                 options());
    QVERIFY(r.step("B")->outputs.at("met").asBool());
    QVERIFY(r.step("C")->outputs.at("met").asBool());
    const auto* b = r.step("B");
    const auto* c = r.step("C");
    QVERIFY(b->provenance["start_unix_us"].get<std::int64_t>() <=
            c->provenance["end_unix_us"].get<std::int64_t>());
    QVERIFY(c->provenance["start_unix_us"].get<std::int64_t>() <=
            b->provenance["end_unix_us"].get<std::int64_t>());
    QCOMPARE(r.step("D")->outputs.at("total").asDouble(), 2.0);
  }

  void sweepOutputsBecomeLists() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"s","agent":"test","task":"add","params":{"b":10},"sweep":{"param":"a","values":[1,2,3]}},
      {"id":"lin","agent":"test","task":"add","params":{"b":0},"sweep":{"param":"a","values":{"linspace":[0,1,5]}}},
      {"id":"t","agent":"test","task":"sum","params":{"v":{"from":"s.sum"}}}]})",
                 options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    const auto& sums = r.step("s")->outputs.at("sum").asList();
    QCOMPARE(sums.size(), size_t(3));
    QCOMPARE(sums[2].asDouble(), 13.0);
    QCOMPARE(r.step("t")->outputs.at("total").asDouble(), 36.0);
    const auto& lin = r.step("lin")->outputs.at("sum").asList();
    QCOMPARE(lin.size(), size_t(5));
    QCOMPARE(lin[1].asDouble(), 0.25);
    QCOMPARE(lin[4].asDouble(), 1.0);
    QCOMPARE(r.step("lin")->outputs.at("sweep_values").asVector().size(), Eigen::Index(5));
    QCOMPARE(r.step("s")->points, size_t(3));
  }

  // The one path syntax (core/workflow/param_path.h) in the engine: a sweep of one list element
  // ("v[1]") and links with indices into a linked value.
  void sweepAndLinkPathsIndexIntoLists() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]},"sweep":{"param":"v[1]","values":[10,20]}},
      {"id":"p","agent":"test","task":"add","params":{"a":4,"b":6}},
      {"id":"t","agent":"test","task":"sum","params":{"v":[{"from":"s.total[-1]"},{"from":"p.pair[1]"}]}}]})",
                 options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    const auto& totals = r.step("s")->outputs.at("total").asList();
    QCOMPARE(totals.size(), size_t(2));
    QCOMPARE(totals[0].asDouble(), 14.0);
    QCOMPARE(totals[1].asDouble(), 24.0);
    QCOMPARE(r.step("t")->outputs.at("total").asDouble(), 30.0);
    // The validator refuses a sweep path that cannot be applied, before anything runs.
    QVERIFY_THROWS_EXCEPTION(Error, run(R"({"sciagents":1,"steps":[
      {"id":"s","agent":"test","task":"sum","params":{"v":[1,2]},"sweep":{"param":"v[5]","values":[1]}}]})",
                                        options()));
  }

  void failureSkipsOnlyDependents() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"f","agent":"test","task":"fail"},
      {"id":"g","agent":"test","task":"add","params":{"a":{"from":"f.y"}}},
      {"id":"h","agent":"test","task":"add","params":{"a":{"from":"g.sum"}}},
      {"id":"ok","agent":"test","task":"add","params":{"a":5}}]})",
                 options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("failed"));
    QCOMPARE(std::string(stepStatusName(r.step("f")->status)), std::string("failed"));
    QVERIFY(r.step("f")->error.find("step 'f'") != std::string::npos);
    QVERIFY(r.step("f")->error.find("deliberate failure") != std::string::npos);
    QCOMPARE(std::string(stepStatusName(r.step("g")->status)), std::string("skipped"));
    QCOMPARE(std::string(stepStatusName(r.step("h")->status)), std::string("skipped"));
    QVERIFY(r.step("g")->error.find("upstream step 'f'") != std::string::npos);
    QCOMPARE(r.step("f")->diagnostics.at("attempts").asInt(),
             std::int64_t{3});  // partial diagnostics kept
    QCOMPARE(r.step("ok")->outputs.at("sum").asDouble(), 5.0);
  }

  void runtimeParamErrorNamesStepAndParam() {
    // The linked value is a vector, but "a" needs a number: only known after resolution.
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"p","agent":"test","task":"add","params":{"a":1}},
      {"id":"q","agent":"test","task":"add","params":{"a":{"from":"p.pair"}}}]})",
                 options());
    const auto* q = r.step("q");
    QCOMPARE(std::string(stepStatusName(q->status)), std::string("failed"));
    QCOMPARE(q->error_code, ErrorCode::InvalidInput);
    QVERIFY2(q->error.find("step 'q', param 'a'") != std::string::npos, q->error.c_str());
  }

  void cancellationStopsRunningWork() {
    struct CancelOnStart : RunListener {
      CancelFlag flag;
      int finished = 0;
      void stepStarted(const std::string& step, const std::string&, const std::string&) override {
        if (step == "spin") flag->store(true);
      }
      void stepFinished(const StepResult&) override { ++finished; }
    } listener;
    listener.flag = std::make_shared<std::atomic<bool>>(false);
    auto o = options();
    o.threads = 1;
    o.cancel = listener.flag;
    o.listener = &listener;
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"spin","agent":"test","task":"spin"},
      {"id":"after","agent":"test","task":"add","params":{"a":{"from":"spin.iterations"}}},
      {"id":"other","agent":"test","task":"add","params":{"a":1}}]})",
                 o);
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("cancelled"));
    QCOMPARE(std::string(stepStatusName(r.step("spin")->status)), std::string("cancelled"));
    QCOMPARE(std::string(stepStatusName(r.step("after")->status)), std::string("cancelled"));
    QVERIFY(r.step("spin")->outputs.empty());
    QCOMPARE(listener.finished, 3);
  }

  void cacheServesUnchangedStepsAndRerunsChangedOnes() {
    const std::string base = R"({"sciagents":1,"steps":[
      {"id":"a","agent":"test","task":"add","params":{"a":1,"b":2}},
      {"id":"b","agent":"test","task":"add","params":{"a":{"from":"a.sum"},"b":B}},
      {"id":"c","agent":"test","task":"sum","params":{"v":[{"from":"b.sum"}, 1, 2]}}]})";
    auto with = [&](const std::string& b) {
      std::string s = base;
      s.replace(s.find("B}"), 1, b);
      return s;
    };
    QTemporaryDir dir;
    auto o = options(true);
    o.cache_dir = dir.path().toStdString();
    const int before = probe().runs;
    auto first = run(with("4"), o);
    QCOMPARE(probe().runs - before, 3);
    for (const auto& s : first.steps) QVERIFY(!s.cached);
    auto second = run(with("4"), o);
    QCOMPARE(probe().runs - before, 3);  // nothing recomputed
    for (const auto& s : second.steps) QVERIFY2(s.cached, s.id.c_str());
    QCOMPARE(second.step("c")->outputs.at("total").asDouble(),
             first.step("c")->outputs.at("total").asDouble());
    QVERIFY(second.step("c")->provenance.contains("computed"));
    auto third = run(with("5"), o);  // only b and c depend on the change
    QCOMPARE(probe().runs - before, 5);
    QVERIFY(third.step("a")->cached);
    QVERIFY(!third.step("b")->cached);
    QVERIFY(!third.step("c")->cached);
    QCOMPARE(third.step("c")->outputs.at("total").asDouble(), 11.0);
    // Without the cache everything runs.
    o.use_cache = false;
    run(with("5"), o);
    QCOMPARE(probe().runs - before, 8);
  }

  void cacheKeysOnValuesNotShapes() {
    QTemporaryDir dir;
    auto o = options(true);
    o.cache_dir = dir.path().toStdString();
    auto r1 = run(
        R"({"sciagents":1,"steps":[{"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]}}]})",
        o);
    auto r2 = run(
        R"({"sciagents":1,"steps":[{"id":"s","agent":"test","task":"sum","params":{"v":[1,2,4]}}]})",
        o);
    QVERIFY(!r2.step("s")->cached);
    QCOMPARE(r1.step("s")->outputs.at("total").asDouble(), 6.0);
    QCOMPARE(r2.step("s")->outputs.at("total").asDouble(), 7.0);
    QVERIFY(r1.step("s")->provenance["params_hash"] != r2.step("s")->provenance["params_hash"]);
  }

  void cacheIsSizeBounded() {
    QTemporaryDir dir;
    auto o = options(true);
    o.cache_dir = dir.path().toStdString();
    o.cache_max_bytes = 1;  // every entry is over the bound: the cache keeps nothing
    run(R"({"sciagents":1,"steps":[{"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]}}]})",
        o);
    auto r = run(
        R"({"sciagents":1,"steps":[{"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]}}]})",
        o);
    QVERIFY(!r.step("s")->cached);
  }

  void seedsAreDerivedDeterministically() {
    const std::string w = R"({"sciagents":1,"steps":[
      {"id":"r1","agent":"test","task":"seeded"}, {"id":"r2","agent":"test","task":"seeded"},
      {"id":"fixed","agent":"test","task":"seeded","params":{"seed":42}}]})";
    auto o = options();
    auto a = run(w, o);
    auto b = run(w, o);
    o.seed = 7;
    auto c = run(w, o);
    QCOMPARE(a.step("r1")->outputs.at("seed").asInt(), b.step("r1")->outputs.at("seed").asInt());
    QVERIFY(a.step("r1")->outputs.at("seed").asInt() != a.step("r2")->outputs.at("seed").asInt());
    QVERIFY(a.step("r1")->outputs.at("seed").asInt() != c.step("r1")->outputs.at("seed").asInt());
    QCOMPARE(c.step("fixed")->outputs.at("seed").asInt(), std::int64_t{42});
    QCOMPARE(a.step("r1")->provenance["seed"].get<std::uint64_t>(),
             static_cast<std::uint64_t>(a.step("r1")->outputs.at("seed").asInt()));
  }

  void provenanceAndEvents() {
    struct Recorder : RunListener {
      int started = 0, finished = 0;
      void stepStarted(const std::string&, const std::string&, const std::string&) override {
        ++started;
      }
      void stepFinished(const StepResult&) override { ++finished; }
    } rec;
    auto o = options();
    o.listener = &rec;
    auto r = run(
        R"({"sciagents":1,"name":"p","steps":[{"id":"a","agent":"test","task":"add","params":{"a":1}},
      {"id":"b","agent":"test","task":"add","params":{"a":{"from":"a.sum"}}}]})",
        o);
    QCOMPARE(rec.started, 2);
    QCOMPARE(rec.finished, 2);
    const auto& p = r.step("b")->provenance;
    for (const char* key : {"sciagents_version", "agent_version", "params_hash", "host", "start",
                            "end", "seed", "threads"})
      QVERIFY2(p.contains(key), key);
    QCOMPARE(p["threads"].get<int>(), 4);
    QVERIFY(r.step("a")->end_us <= r.step("b")->start_us);  // b waited for a
    const auto j = r.toJson();
    QCOMPARE(j["sciagents_result"].get<int>(), 1);
    QCOMPARE(j["steps"]["b"]["outputs"]["sum"].get<double>(), 1.0);
    QVERIFY(j["steps"]["b"].contains("timing"));
    QCOMPARE(m_metrics
                     .counter("sciagents_steps_total", "",
                              {{"agent", "test"}, {"task", "add"}, {"outcome", "succeeded"}})
                     .value() > 0,
             true);
  }

  void invalidWorkflowIsRejectedBeforeRunning() {
    const int before = probe().runs;
    try {
      run(R"({"sciagents":1,"steps":[{"id":"a","agent":"test","task":"add","params":{"a":"x"}},
        {"id":"b","agent":"test","task":"add","params":{"a":1}}]})",
          options());
      QFAIL("expected an Error");
    } catch (const Error& e) {
      QCOMPARE(e.code(), ErrorCode::InvalidInput);
      QVERIFY2(std::string(e.what()).find("step 'a', param 'a'") != std::string::npos, e.what());
    }
    QCOMPARE(probe().runs, before);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestEngine)

}  // namespace test_engine
#include "test_engine.moc"
