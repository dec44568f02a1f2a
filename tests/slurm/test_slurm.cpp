// `sciagents run --target slurm` on a private single-node cluster: a sweep split into a job array
// merges into exactly the local result, a failing array task fails the job with its error while the
// other shards' results stay, and Ctrl-C (SIGTERM) cancels the whole array.
#include "slurm_cluster.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "tests/test_main.h"

namespace test_slurm {

using namespace sciagents::test;
using nlohmann::json;

class TestSlurm : public SlurmClusterTest {
  Q_OBJECT

 private slots:
  void initTestCase() { bringUpCluster(); }

  void cleanupTestCase() { tearDownCluster(); }

  void sweepOf16AsArrayOf4EqualsLocalRun() {
    const Proc local =
        runProgram(sciagentsBinary(), {"run", slurmData("sweep16.workflow.json"), "--no-cache",
                                       "-o", path("sweep-local.json"), "--progress", "none"});
    QVERIFY2(local.exit_code == 0, local.err.c_str());
    const Proc slurm =
        runProgram(sciagentsBinary(), {"run", slurmData("sweep16.workflow.json"), "--target",
                                       "slurm", "--tasks", "4", "--slurm-dir", path("jobs-sweep"),
                                       "--no-cache", "-o", path("sweep-slurm.json")});
    QVERIFY2(slurm.exit_code == 0, (slurm.out + slurm.err).c_str());
    QVERIFY2(slurm.err.find("4 array tasks") != std::string::npos, slurm.err.c_str());
    QVERIFY2(slurm.err.find("4/4 tasks done") != std::string::npos, slurm.err.c_str());
    QVERIFY(slurm.out.find("x = list of 16") != std::string::npos);
    const auto a = readJson(path("sweep-local.json"));
    const auto b = readJson(path("sweep-slurm.json"));
    QVERIFY(a && b);
    const std::string diff = compareResults(*a, *b);
    QVERIFY2(diff.empty(), diff.c_str());
    QCOMPARE((*b)["steps"]["shifted"]["sweep_points"].get<int>(), 16);
    const json& x =
        (*b)["steps"]["shifted"]["outputs"]["x"];  // a list of vectors: {"$type": "list", "items"}
    QCOMPARE((x.is_object() ? x["items"] : x).size(), std::size_t{16});
    QCOMPARE((*b)["slurm"]["tasks"].size(), std::size_t{4});
    // The job directory: the spec, the script, each task's files.
    const QString job = jobDirIn(path("jobs-sweep"));
    QVERIFY(!job.isEmpty());
    for (const char* f : {"workflow.json", "job.sh", "submit.json", "result.json"})
      QVERIFY2(QFile::exists(job + "/" + f), f);
    for (int k = 0; k < 4; ++k) {
      const auto st = readJson(job + QStringLiteral("/task-%1/status.json").arg(k));
      QVERIFY(st);
      QCOMPARE((*st)["state"].get<std::string>(), std::string("succeeded"));
      const auto part = readJson(job + QStringLiteral("/task-%1/result.json").arg(k));
      QVERIFY(part);  // shard k holds the points k, k+4, k+8, k+12
      QCOMPARE((*part)["steps"]["shifted"]["provenance"]["sweep"]["points"].get<int>(), 4);
    }
  }

  void failingTaskFailsJobAndKeepsOtherShards() {
    // Value 5 of 8 is a singular matrix (LU has a zero pivot): it belongs to task 5 % 4 = 1.
    const Proc slurm =
        runProgram(sciagentsBinary(), {"run", slurmData("one-singular.workflow.json"), "--target",
                                       "slurm", "--tasks", "4", "--slurm-dir", path("jobs-fail"),
                                       "--no-cache", "-o", path("fail-slurm.json")});
    QCOMPARE(slurm.exit_code, 1);
    const auto doc = readJson(path("fail-slurm.json"));
    QVERIFY(doc);
    QCOMPARE((*doc)["status"].get<std::string>(), std::string("failed"));
    const auto& step = (*doc)["steps"]["shifted"];
    QCOMPARE(step["status"].get<std::string>(), std::string("failed"));
    const std::string error = step["error"].get<std::string>();
    QVERIFY2(error.find("array task 1 of 4") != std::string::npos, error.c_str());
    QVERIFY2(error.find("singular") != std::string::npos, error.c_str());
    QVERIFY2(slurm.err.find("singular") != std::string::npos, slurm.err.c_str());
    const QString job = jobDirIn(path("jobs-fail"));
    for (int k = 0; k < 4; ++k) {
      const auto st = readJson(job + QStringLiteral("/task-%1/status.json").arg(k));
      const auto part = readJson(job + QStringLiteral("/task-%1/result.json").arg(k));
      QVERIFY(st && part);  // every shard's result is kept
      QCOMPARE((*st)["state"].get<std::string>(), std::string(k == 1 ? "failed" : "succeeded"));
      QCOMPARE((*part)["steps"]["shifted"]["status"].get<std::string>(),
               std::string(k == 1 ? "failed" : "succeeded"));
    }
    QCOMPARE((*doc)["slurm"]["tasks"][1]["state"].get<std::string>(), std::string("failed"));
    QCOMPARE((*doc)["slurm"]["tasks"][0]["state"].get<std::string>(), std::string("succeeded"));
  }

  void cancelStopsTheWholeArray() {
    // 16 slow points (seconds each) in 4 tasks: two run while two wait for a CPU.
    QProcess cli;
    cli.start(sciagentsBinary(),
              {"run", slurmData("lorenz-sweep.workflow.json"), "--target", "slurm", "--tasks", "4",
               "--slurm-dir", path("jobs-cancel"), "--no-cache", "-o", path("cancel-slurm.json"),
               "--set", "lorenz.t_span=[0,200000]", "--set", "lorenz.t_eval=[200000]"});
    QVERIFY(cli.waitForStarted());
    // Wait until a task really runs (its status file says so), then interrupt the CLI.
    bool running = false;
    QElapsedTimer t;
    t.start();
    while (!running && t.elapsed() < 60000 && cli.state() == QProcess::Running) {
      const QString job = jobDirIn(path("jobs-cancel"));
      for (int k = 0; k < 4 && !job.isEmpty(); ++k)
        if (auto st = readJson(job + QStringLiteral("/task-%1/status.json").arg(k));
            st && (*st)["state"] == "running")
          running = true;
      if (!running) QThread::msleep(100);
    }
    QVERIFY2(running, cli.readAllStandardError().constData());
    cli.terminate();  // SIGTERM, like Ctrl-C
    QVERIFY(cli.waitForFinished(90000));
    const std::string err = cli.readAllStandardError().toStdString();
    QCOMPARE(cli.exitCode(), 1);
    QVERIFY2(err.find("cancelling Slurm job") != std::string::npos, err.c_str());
    const auto doc = readJson(path("cancel-slurm.json"));
    QVERIFY2(doc, err.c_str());
    QCOMPARE((*doc)["status"].get<std::string>(), std::string("cancelled"));
    QCOMPARE((*doc)["steps"]["lorenz"]["status"].get<std::string>(), std::string("cancelled"));
    for (const auto& task : (*doc)["slurm"]["tasks"])
      QCOMPARE(task["state"].get<std::string>(), std::string("cancelled"));
    // Nothing of the job is left in the queue.
    const std::string id = (*doc)["slurm"]["job_id"].get<std::string>();
    const Proc q = runProgram("squeue", {"-h", "-r", "-j", QString::fromStdString(id)});
    QVERIFY2(q.exit_code == 0 || q.err.find("Invalid job id") != std::string::npos, q.err.c_str());
    QVERIFY2(q.out.empty(), q.out.c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSlurm)

}  // namespace test_slurm
#include "test_slurm.moc"
