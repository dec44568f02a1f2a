// slurmctld stopped for 20 s while a job array runs, then restarted: squeue fails meanwhile (exit
// 1, like a job that left the queue), yet the job completes with the same result as a local run.
#include "slurm_cluster.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "tests/test_main.h"

namespace test_slurm_outage {

using namespace sciagents::test;
using nlohmann::json;

class TestSlurmOutage : public SlurmClusterTest {
  Q_OBJECT

 private slots:
  void initTestCase() { bringUpCluster(); }

  void cleanupTestCase() { tearDownCluster(); }

  void controllerOutageIsNoFailure() {
    // --cpus 2 on a 2-CPU node: one task at a time, so the others wait in the queue during the
    // outage.
    QProcess cli;
    cli.start(sciagentsBinary(),
              {"run", slurmData("lorenz-sweep.workflow.json"), "--target", "slurm", "--tasks", "4",
               "--cpus", "2", "--slurm-dir", path("jobs"), "--no-cache", "-o", path("slurm.json")});
    QVERIFY(cli.waitForStarted());
    bool running = false;
    QElapsedTimer t;
    t.start();
    while (!running && t.elapsed() < 60000 && cli.state() == QProcess::Running) {
      const QString job = jobDirIn(path("jobs"));
      for (int k = 0; k < 4 && !job.isEmpty(); ++k)
        if (auto st = readJson(job + QStringLiteral("/task-%1/status.json").arg(k));
            st && (*st)["state"] == "running")
          running = true;
      if (!running) QThread::msleep(100);
    }
    QVERIFY2(running, cli.readAllStandardError().constData());
    QVERIFY(m_cluster->stopController());
    QThread::sleep(20);  // the outage itself
    std::string log;
    QVERIFY2(m_cluster->startController(&log), log.c_str());
    QVERIFY(cli.waitForFinished(150000));
    const std::string err = cli.readAllStandardError().toStdString();
    QVERIFY2(cli.exitCode() == 0, err.c_str());
    QVERIFY2(err.find("squeue does not answer") != std::string::npos, err.c_str());
    QVERIFY2(err.find("4/4 tasks done") != std::string::npos, err.c_str());

    const Proc local =
        runProgram(sciagentsBinary(), {"run", slurmData("lorenz-sweep.workflow.json"), "--no-cache",
                                       "-o", path("local.json"), "--progress", "none"});
    QVERIFY2(local.exit_code == 0, local.err.c_str());
    const auto a = readJson(path("local.json"));
    const auto b = readJson(path("slurm.json"));
    QVERIFY(a && b);
    const std::string diff = compareResults(*a, *b);
    QVERIFY2(diff.empty(), diff.c_str());
    for (const auto& task : (*b)["slurm"]["tasks"])
      QCOMPARE(task["state"].get<std::string>(), std::string("succeeded"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSlurmOutage)

}  // namespace test_slurm_outage
#include "test_slurm_outage.moc"
