// A Sobol study on the Ishigami function split over 4 Slurm array tasks (each evaluates a block of
// the model values) equals the local run exactly: S1, ST and their confidence intervals compare
// with ==. The command's progress lines report every shard done, and the running mean of the model
// values, from the tasks' progress files. A model that fails in some task fails the study with that
// task's error.
#include "slurm_cluster.h"

#include <QTemporaryDir>
#include <QtTest>

#include <regex>

#include "tests/test_main.h"

namespace test_slurm_study {

using namespace sciagents::test;
using nlohmann::json;

class TestSlurmStudy : public SlurmClusterTest {
  Q_OBJECT

 private slots:
  void initTestCase() { bringUpCluster(); }

  void cleanupTestCase() { tearDownCluster(); }

  void sobolOver4TasksEqualsLocalRun() {
    const Proc local = runProgram(sciagentsBinary(),
                                  {"run", slurmData("sobol-ishigami.workflow.json"), "--no-cache",
                                   "--seed", "5", "-o", path("local.json"), "--progress", "none"});
    QVERIFY2(local.exit_code == 0, local.err.c_str());
    const Proc slurm =
        runProgram(sciagentsBinary(), {"run", slurmData("sobol-ishigami.workflow.json"), "--target",
                                       "slurm", "--tasks", "4", "--seed", "5", "--slurm-dir",
                                       path("jobs"), "--no-cache", "-o", path("slurm.json")});
    QVERIFY2(slurm.exit_code == 0, (slurm.out + slurm.err).c_str());
    QVERIFY2(slurm.err.find("4 array tasks (a sampling study") != std::string::npos,
             slurm.err.c_str());
    const auto a = readJson(path("local.json"));
    const auto b = readJson(path("slurm.json"));
    QVERIFY(a && b);
    const json& la = (*a)["steps"]["ishigami"]["outputs"];
    const json& lb = (*b)["steps"]["ishigami"]["outputs"];
    for (const char* k :
         {"S1", "ST", "S1_conf", "ST_conf", "S1_interval", "ST_interval", "mean", "variance"})
      QVERIFY2(la[k] == lb[k], k);  // bit for bit
    QCOMPARE(la, lb);
    QCOMPARE((*b)["steps"]["ishigami"]["diagnostics"]["model"]["study_shards"].get<int>(), 4);

    // Each task evaluated only its block of the 1024 (3 + 2) = 5120 model values.
    const QString job = jobDirIn(path("jobs"));
    QVERIFY(!job.isEmpty());
    std::size_t covered = 0;
    for (int k = 0; k < 4; ++k) {
      const auto block = readJson(job + QStringLiteral("/task-%1/model-ishigami.json").arg(k));
      QVERIFY(block);
      QCOMPARE((*block)["begin"].get<std::size_t>(), covered);
      covered = (*block)["end"].get<std::size_t>();
      QCOMPARE((*block)["values"].size(), covered - (*block)["begin"].get<std::size_t>());
      const auto part = readJson(job + QStringLiteral("/task-%1/result.json").arg(k));
      QVERIFY(part);
      QVERIFY((*part)["steps"]["ishigami"]["outputs"].empty());
    }
    QCOMPARE(covered, std::size_t{5120});

    // Progress events: exactly one "shard K of 4 succeeded" per task, and the pooled running mean.
    const std::regex done_line(R"(shard ([0-3]) of 4 succeeded \((\d)/4 done\))");
    std::set<std::string> shards;
    for (auto it = std::sregex_iterator(slurm.err.begin(), slurm.err.end(), done_line);
         it != std::sregex_iterator(); ++it)
      shards.insert((*it)[1].str());
    QCOMPARE(shards.size(), std::size_t{4});
    QVERIFY2(std::regex_search(slurm.err,
                               std::regex(R"(ishigami 5120/5120 model values, running mean )")),
             slurm.err.c_str());
  }

  // Issue 16: the Sobol study over the example's external program (relative paths, templates)
  // split over 4 array tasks equals the local run; the tasks resolve the program against the
  // submitted file's folder, not their job folder.
  void externalProgramStudyOver4TasksEqualsLocalRun() {
    const QString wf =
        QStringLiteral(SCIAGENTS_SOURCE_DIR "/examples/external-sobol.workflow.json");
    const Proc local =
        runProgram(sciagentsBinary(), {"run", wf, "--no-cache", "--seed", "3", "-o",
                                       path("ext-local.json"), "--progress", "none"});
    QVERIFY2(local.exit_code == 0, local.err.c_str());
    const Proc slurm =
        runProgram(sciagentsBinary(),
                   {"run", wf, "--target", "slurm", "--tasks", "4", "--seed", "3", "--slurm-dir",
                    path("ext-jobs"), "--no-cache", "-o", path("ext-slurm.json")});
    QVERIFY2(slurm.exit_code == 0, (slurm.out + slurm.err).c_str());
    const auto a = readJson(path("ext-local.json"));
    const auto b = readJson(path("ext-slurm.json"));
    QVERIFY(a && b);
    const json& la = (*a)["steps"]["sobol"]["outputs"];
    const json& lb = (*b)["steps"]["sobol"]["outputs"];
    for (const char* k : {"S1", "ST", "mean", "variance"})
      QVERIFY2(la[k] == lb[k], k);  // bit for bit
    QCOMPARE((*b)["steps"]["sobol"]["diagnostics"]["model"]["study_shards"].get<int>(), 4);
  }

  void failingModelFailsTheStudyWithTheTasksError() {
    // log(x1) is NaN for the samples with x1 < 0 (about 1 in 100 rows, spread over the blocks).
    const Proc slurm = runProgram(
        sciagentsBinary(),
        {"run", slurmData("sobol-ishigami.workflow.json"), "--target", "slurm", "--tasks", "4",
         "--slurm-dir", path("jobs-fail"), "--no-cache", "-o", path("fail.json"), "--set",
         "ishigami.model=log(x1) + x2", "--set", "ishigami.n=64", "--set",
         R"(ishigami.inputs=[{"name": "x1", "dist": "uniform", "a": -0.1, "b": 1},)"
         R"({"name": "x2", "dist": "uniform", "a": 0, "b": 1}])"});
    QCOMPARE(slurm.exit_code, 1);
    const auto doc = readJson(path("fail.json"));
    QVERIFY2(doc, slurm.err.c_str());
    QCOMPARE((*doc)["status"].get<std::string>(), std::string("failed"));
    const auto& step = (*doc)["steps"]["ishigami"];
    QCOMPARE(step["status"].get<std::string>(), std::string("failed"));
    const std::string error = step["error"].get<std::string>();
    QVERIFY2(
        std::regex_search(
            error,
            std::regex(
                R"(^array task [0-3] of 4: .*the model is -?nan at sample #\d+ .*in study shard [0-3] of 4, rows \d+)")),
        error.c_str());
    QVERIFY(step["outputs"].empty());  // no estimator ran on part of the rows
    // Which task failed is said per task; the blocks of the tasks that succeeded are kept.
    const QString job = jobDirIn(path("jobs-fail"));
    int failed = 0;
    for (int k = 0; k < 4; ++k) {
      const auto st = readJson(job + QStringLiteral("/task-%1/status.json").arg(k));
      QVERIFY(st);
      const bool ok = (*st)["state"] == "succeeded";
      failed += !ok;
      QCOMPARE(QFile::exists(job + QStringLiteral("/task-%1/model-ishigami.json").arg(k)), ok);
      QCOMPARE((*doc)["slurm"]["tasks"][k]["state"].get<std::string>(),
               (*st)["state"].get<std::string>());
    }
    QVERIFY(failed >= 1);
    QVERIFY2(std::regex_search(slurm.err, std::regex(R"(shard [0-3] of 4 failed)")),
             slurm.err.c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSlurmStudy)

}  // namespace test_slurm_study
#include "test_slurm_study.moc"
