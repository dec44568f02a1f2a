// Sweep sharding without a cluster: T shards run in-process with RunOptions::shard_index/count and
// merged by mergeShardResults() give exactly the document of one full run.
#include "core/agent/agent_registry.h"
#include "core/slurm/shard_merge.h"
#include "core/workflow/workflow_engine.h"

#include <QtTest>

#include <fstream>

#include "tests/test_main.h"

namespace test_shard_merge {

using namespace sciagents::core;
using nlohmann::json;

namespace {

Workflow load(const char* rel) {
  std::ifstream in(std::string(SCIAGENTS_SOURCE_DIR "/") + rel);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parseWorkflow(text);
}

json run(const Workflow& w, std::size_t index, std::size_t count) {
  RunOptions o;
  o.use_cache = false;
  o.threads = 2;
  o.seed = 7;
  o.shard_index = index;
  o.shard_count = count;
  return WorkflowEngine(AgentRegistry::builtin()).run(w, o).toJson();
}

// Everything but timing, host and pid.
json comparable(json doc) {
  doc.erase("wall_s");
  for (auto& [id, s] : doc["steps"].items()) {
    s.erase("timing");
    for (const char* k : {"host", "pid", "start", "end", "start_unix_us", "end_unix_us", "threads"})
      s["provenance"].erase(k);
  }
  return doc;
}

}  // namespace

class TestShardMerge : public QObject {
  Q_OBJECT

 private slots:
  void shardsMergeIntoTheFullRun_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("tasks");
    QTest::newRow("16 values, 4 tasks") << "tests/slurm/data/sweep16.workflow.json" << 4;
    QTest::newRow("16 values, 3 tasks (uneven)") << "tests/slurm/data/sweep16.workflow.json" << 3;
    QTest::newRow("16 values, 16 tasks (one point each)")
        << "tests/slurm/data/sweep16.workflow.json" << 16;
    QTest::newRow("seeded sampling, 5 values, 4 tasks")
        << "tests/slurm/data/mc-sweep.workflow.json" << 4;
    QTest::newRow("grid of 12 points (sweep_values matrix, sweep_table), 5 tasks")
        << "tests/slurm/data/grid-sweep.workflow.json" << 5;
  }

  void shardsMergeIntoTheFullRun() {
    QFETCH(QString, file);
    QFETCH(int, tasks);
    const Workflow w = load(file.toUtf8().constData());
    const json full = run(w, 0, 1);
    QCOMPARE(full["status"].get<std::string>(), std::string("succeeded"));
    std::vector<ShardOutcome> shards(static_cast<std::size_t>(tasks));
    for (int k = 0; k < tasks; ++k) {
      shards[static_cast<std::size_t>(k)].result =
          run(w, static_cast<std::size_t>(k), static_cast<std::size_t>(tasks));
      shards[static_cast<std::size_t>(k)].state = "succeeded";
    }
    const json merged = mergeShardResults(w, shards);
    const json a = comparable(full), b = comparable(merged);
    if (a != b) qWarning("full:\n%s\nmerged:\n%s", a.dump(1).c_str(), b.dump(1).c_str());
    QVERIFY(a == b);
  }

  void failedShardFailsTheStepWithItsError() {
    const Workflow w = load("tests/slurm/data/one-singular.workflow.json");
    std::vector<ShardOutcome> shards(4);
    for (std::size_t k = 0; k < 4; ++k) {
      shards[k].result = run(w, k, 4);
      shards[k].state = (*shards[k].result)["status"].get<std::string>();
    }
    QCOMPARE(shards[1].state, std::string("failed"));
    const json merged = mergeShardResults(w, shards);
    QCOMPARE(merged["status"].get<std::string>(), std::string("failed"));
    const std::string error = merged["steps"]["shifted"]["error"].get<std::string>();
    QVERIFY2(error.find("array task 1 of 4") != std::string::npos &&
                 error.find("singular") != std::string::npos,
             error.c_str());
  }

  void missingShardFailsSweptStepsOnly() {
    const Workflow w = load("tests/slurm/data/sweep16.workflow.json");
    std::vector<ShardOutcome> shards(4);
    for (std::size_t k = 0; k < 4; ++k)
      shards[k].result = run(w, k, 4), shards[k].state = "succeeded";
    shards[2].result.reset();
    shards[2].state = "failed";
    shards[2].error = "array task 2 left the queue without writing its status";
    const json merged = mergeShardResults(w, shards);
    QCOMPARE(merged["steps"]["base"]["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE(merged["steps"]["shifted"]["status"].get<std::string>(), std::string("failed"));
    QVERIFY(merged["steps"]["shifted"]["error"].get<std::string>().find("left the queue") !=
            std::string::npos);
  }

  void whoCanBeSplit() {
    const Workflow sweep = load("examples/sweep.workflow.json");  // a step reads the swept step
    std::string why;
    QVERIFY(!sweepsShardable(sweep, &why));
    QVERIFY2(why.find("first_components") != std::string::npos, why.c_str());
    QCOMPARE(arrayTasksFor(sweep, 4), std::size_t{1});
    const Workflow w = load("tests/slurm/data/sweep16.workflow.json");
    QCOMPARE(arrayTasksFor(w, 0), std::size_t{4});
    QCOMPARE(arrayTasksFor(w, 100), std::size_t{16});
    QCOMPARE(arrayTasksFor(load("examples/quickstart.workflow.json"), 8), std::size_t{1});
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestShardMerge)

}  // namespace test_shard_merge
#include "test_shard_merge.moc"
