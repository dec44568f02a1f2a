// Study sharding without a cluster: T "array tasks" run in-process with StudyShard::evaluating
// (each saves its block of model values), then one replay with StudyShard::replaying gives exactly
// the outputs and diagnostics of one full local run (core/slurm/study_shard.h).
#include "core/agent/agent_registry.h"
#include "core/slurm/job_files.h"
#include "core/slurm/study_shard.h"
#include "core/workflow/workflow_engine.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "tests/test_main.h"

namespace test_study_shard {

using namespace sciagents::core;
using nlohmann::json;

namespace {

Workflow load(const char* rel) {
  std::ifstream in(std::string(SCIAGENTS_SOURCE_DIR "/") + rel);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parseWorkflow(text);
}

json run(const Workflow& w, std::shared_ptr<ModelShard> shard = nullptr, int threads = 2) {
  RunOptions o;
  o.use_cache = false;
  o.threads = threads;
  o.seed = 11;
  o.model_shard = std::move(shard);
  return WorkflowEngine(AgentRegistry::builtin()).run(w, o).toJson();
}

}  // namespace

class TestStudyShard : public QObject {
  Q_OBJECT

 private slots:
  void blocksCoverTheDesign() {
    for (std::size_t rows : {0u, 1u, 5u, 97u, 5120u})
      for (std::size_t T : {1u, 3u, 4u, 8u}) {
        std::size_t next = 0;
        for (std::size_t k = 0; k < T; ++k) {
          const auto [b, e] = studyBlock(rows, k, T);
          QCOMPARE(b, next);                         // contiguous, in task order
          QVERIFY(e >= b && e - b <= rows / T + 1);  // balanced
          next = e;
        }
        QCOMPARE(next, rows);
      }
  }

  void replayEqualsLocalRun_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("tasks");
    QTest::newRow("sobol, 4 tasks") << "tests/slurm/data/sobol-ishigami.workflow.json" << 4;
    QTest::newRow("sobol, 3 tasks (uneven)")
        << "tests/slurm/data/sobol-ishigami.workflow.json" << 3;
    QTest::newRow("monte carlo in chunks + lhs, 4 tasks")
        << "tests/slurm/data/studies.workflow.json" << 4;
    QTest::newRow("monte carlo in chunks + lhs, 7 tasks")
        << "tests/slurm/data/studies.workflow.json" << 7;
  }

  void replayEqualsLocalRun() {
    QFETCH(QString, file);
    QFETCH(int, tasks);
    const Workflow w = load(file.toUtf8().constData());
    std::string why;
    QVERIFY2(studyShardable(w, &why), why.c_str());
    const json local = run(w);
    QCOMPARE(local["status"].get<std::string>(), std::string("succeeded"));

    QTemporaryDir dir;
    const std::filesystem::path job = dir.path().toStdString();
    const auto T = static_cast<std::size_t>(tasks);
    for (std::size_t k = 0; k < T; ++k) {
      const auto task_dir = slurm_files::taskDir(job, k);
      std::filesystem::create_directories(task_dir);
      const json part = run(w, StudyShard::evaluating(task_dir, k, T), 1);
      QCOMPARE(part["status"].get<std::string>(), std::string("succeeded"));
      for (const auto& step : w.steps) {
        if (!isStudyTask(step.agent, step.task)) continue;
        QVERIFY2(part["steps"][step.id]["outputs"].empty(), "a shard's study step has no outputs");
        const auto& info = part["steps"][step.id]["diagnostics"]["study_shard"];
        QCOMPARE(info["index"].get<std::size_t>(), k);
        QVERIFY(std::filesystem::exists(studyBlockFile(task_dir, step.id)));
      }
    }
    const json merged = run(w, StudyShard::replaying(job, T), 2);
    QCOMPARE(merged["status"].get<std::string>(), std::string("succeeded"));
    for (const auto& step : w.steps) {
      const json& a = local["steps"][step.id];
      const json& b = merged["steps"][step.id];
      QVERIFY2(a["outputs"] == b["outputs"],
               (step.id + ": outputs differ").c_str());  // bit for bit
      json da = a["diagnostics"], db = b["diagnostics"];
      if (isStudyTask(step.agent, step.task)) {
        QCOMPARE(db["model"]["study_shards"].get<std::size_t>(), T);
        QCOMPARE(db["model"]["evaluations"], da["model"]["evaluations"]);
        da.erase("model"), db.erase("model");  // cache hits and timings of the evaluations differ
      }
      QVERIFY2(da == db, (step.id + ": diagnostics differ").c_str());
    }
  }

  void missingBlockFailsTheStepNamingIt() {
    const Workflow w = load("tests/slurm/data/sobol-ishigami.workflow.json");
    QTemporaryDir dir;
    const std::filesystem::path job = dir.path().toStdString();
    for (std::size_t k = 0; k < 4; ++k) {
      std::filesystem::create_directories(slurm_files::taskDir(job, k));
      if (k != 2) run(w, StudyShard::evaluating(slurm_files::taskDir(job, k), k, 4), 1);
    }
    const json merged = run(w, StudyShard::replaying(job, 4));
    QCOMPARE(merged["status"].get<std::string>(), std::string("failed"));
    const std::string error = merged["steps"]["ishigami"]["error"].get<std::string>();
    QVERIFY2(error.find("study shard 2 of 4") != std::string::npos, error.c_str());
  }

  void onlyStudiesWithoutConsumersAreSplit() {
    std::string why;
    QVERIFY(!studyShardable(load("tests/slurm/data/sweep16.workflow.json"), &why));
    QVERIFY2(why.find("swept") != std::string::npos, why.c_str());
    Workflow w = load("tests/slurm/data/sobol-ishigami.workflow.json");
    Step use;
    use.id = "use";
    use.agent = "special_functions";
    use.task = "evaluate";
    use.params = {{"function", "gamma"}, {"args", {{"from", "ishigami.S1"}}}};
    w.steps.push_back(use);
    QVERIFY(!studyShardable(w, &why));
    QVERIFY2(why.find("uses the study step 'ishigami'") != std::string::npos, why.c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestStudyShard)

}  // namespace test_study_shard
#include "test_study_shard.moc"
