// Shard retries (docs/slurm.md, "Failed array tasks are retried"): one array task of a running
// job is cancelled from outside (scancel JOB_3 while it waits for a CPU, as a pre-emption would);
// with retries that index alone is resubmitted as a new array job and the run succeeds with the
// attempt recorded in the result; with --retries 0 the run fails naming the task and its failure.
// A running task killed with SIGKILL (it writes no final status) is resubmitted too.
// --cpus 2 on the test cluster's node: one task at a time, so task 3 is still pending when the
// first task runs (no timing is assumed beyond that order).
#include "slurm_cluster.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <iterator>

#include <sys/types.h>

#include "tests/test_main.h"

namespace test_slurm_retry {

using namespace sciagents::test;
using nlohmann::json;

class TestSlurmRetry : public SlurmClusterTest {
  Q_OBJECT

  // Starts `run --target slurm` with --retries `retries` and waits until one of its tasks runs
  // (its status file says so). Returns "" and that task's job directory, index and status file, or
  // what went wrong.
  std::string startAndWaitRunning(QProcess& cli, const QString& name, const QString& retries,
                                  QString& job, int& task, json& status) {
    cli.start(sciagentsBinary(),
              {"run", slurmData("lorenz-sweep.workflow.json"), "--target", "slurm", "--tasks", "4",
               "--cpus", "2", "--retries", retries, "--slurm-dir", path(name), "--no-cache", "-o",
               path(name + ".json")});
    if (!cli.waitForStarted()) return "cannot start sciagents";
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 120000 && cli.state() == QProcess::Running) {
      job = jobDirIn(path(name));
      for (int k = 0; k < 4 && !job.isEmpty(); ++k)
        if (auto st = readJson(job + QStringLiteral("/task-%1/status.json").arg(k));
            st && (*st)["state"] == "running") {
          task = k;
          status = *st;
          return {};
        }
      QThread::msleep(100);
    }
    return "no task started: " + cli.readAllStandardError().toStdString();
  }

  // The finished CLI's stderr (and exit code in `code`).
  static std::string finish(QProcess& cli, int& code) {
    if (!cli.waitForFinished(280000)) {
      cli.kill();
      cli.waitForFinished();
      return "sciagents did not finish: " + cli.readAllStandardError().toStdString();
    }
    code = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -2;
    return cli.readAllStandardError().toStdString();
  }

  // Runs the sweep and scancels array task 3 while it waits for a CPU.
  std::string runCancellingTask3(const QString& name, const QString& retries, int& code) {
    QProcess cli;
    QString job;
    int running = -1;
    json status;
    if (auto why = startAndWaitRunning(cli, name, retries, job, running, status); !why.empty())
      return why;
    const auto submit = readJson(job + "/submit.json");
    if (!submit) return "no submit.json in " + job.toStdString();
    const QString task3 = QString::fromStdString((*submit)["job_id"].get<std::string>()) + "_3";
    const Proc sc = runProgram("scancel", {task3});
    if (sc.exit_code != 0) return "scancel " + task3.toStdString() + ": " + sc.err;
    return finish(cli, code);
  }

 private slots:
  void initTestCase() { bringUpCluster(); }

  void cleanupTestCase() { tearDownCluster(); }

  void cancelledShardIsResubmitted() {
    int code = -1;
    const std::string err = runCancellingTask3("retry", "2", code);
    QVERIFY2(code == 0, err.c_str());
    QVERIFY2(err.find("retrying array task 3 of 4: attempt 1") != std::string::npos, err.c_str());
    QVERIFY2(err.find("(attempt 2 of 3)") != std::string::npos, err.c_str());
    const auto doc = readJson(path("retry.json"));
    QVERIFY2(doc, err.c_str());
    QCOMPARE((*doc)["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE((*doc)["steps"]["lorenz"]["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE((*doc)["slurm"]["shard_retries"].get<int>(), 2);
    const auto& tasks = (*doc)["slurm"]["tasks"];
    QCOMPARE(tasks.size(), std::size_t(4));
    for (std::size_t k = 0; k < 4; ++k) {
      QCOMPARE(tasks[k]["state"].get<std::string>(), std::string("succeeded"));
      QCOMPARE(tasks[k]["attempts"].get<int>(), k == 3 ? 2 : 1);
    }
    // The attempt that was cancelled, with the Slurm job that ran it; the new one ran elsewhere.
    const auto& earlier = tasks[3]["earlier_attempts"];
    QCOMPARE(earlier.size(), std::size_t(1));
    // A pending task that is scancelled leaves the queue without a trace ("failed": it left the
    // queue without writing its status); a running one would write "cancelled".
    QVERIFY2(earlier[0]["state"] == "cancelled" || earlier[0]["state"] == "failed",
             earlier.dump().c_str());
    QVERIFY2(earlier[0]["error"].get<std::string>().find("array task 3") != std::string::npos,
             earlier.dump().c_str());
    QCOMPARE(earlier[0]["job_id"], (*doc)["slurm"]["job_id"]);
    QVERIFY(tasks[3]["slurm_job_id"] != (*doc)["slurm"]["job_id"]);
    // The first attempt's files were kept aside, the second wrote the result.
    const QString job = jobDirIn(path("retry"));
    QVERIFY(QDir(job + "/task-3.attempt-1").exists());
    const auto st3 = readJson(job + "/task-3/status.json");
    QVERIFY(st3);
    QCOMPARE((*st3)["state"].get<std::string>(), std::string("succeeded"));
    const auto attempts = readJson(job + "/attempts.json");
    QVERIFY(attempts);
    QCOMPARE((*attempts)["tasks"][0]["index"].get<int>(), 3);
  }

  // A running task dies (SIGKILL to its process, by the pid its status file gives): it never
  // writes a final status, so it is resubmitted.
  void killedRunningShardIsResubmitted() {
    QProcess cli;
    QString job;
    int k = -1;
    json status;
    const std::string why = startAndWaitRunning(cli, "killed", "1", job, k, status);
    QVERIFY2(why.empty(), why.c_str());
    const auto pid = static_cast<pid_t>(status.value("pid", 0LL));
    QVERIFY(pid > 0);
    // The pid is the task's sciagents (not reused by another process) until it exits.
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    const bool killed = cmd.find("--status-file") != std::string::npos && ::kill(pid, SIGKILL) == 0;
    int code = -1;
    const std::string err = finish(cli, code);
    if (!killed) QSKIP("the task finished before it could be killed");
    QVERIFY2(code == 0, err.c_str());
    const std::string label = "array task " + std::to_string(k) + " of 4: attempt 1";
    QVERIFY2(err.find("retrying " + label) != std::string::npos, err.c_str());
    const auto doc = readJson(path("killed.json"));
    QVERIFY2(doc, err.c_str());
    QCOMPARE((*doc)["status"].get<std::string>(), std::string("succeeded"));
    const auto& t = (*doc)["slurm"]["tasks"][static_cast<std::size_t>(k)];
    QCOMPARE(t["attempts"].get<int>(), 2);
    QCOMPARE(t["state"].get<std::string>(), std::string("succeeded"));
    QVERIFY2(t["earlier_attempts"][0]["state"] == "failed", t.dump().c_str());
  }

  void withoutRetriesTheRunFailsNamingTheShard() {
    int code = -1;
    const std::string err = runCancellingTask3("noretry", "0", code);
    QVERIFY2(code == 1, err.c_str());
    QVERIFY2(err.find("array task 3 of 4 failed (shard retries are off)") != std::string::npos,
             err.c_str());
    QVERIFY2(err.find("retrying") == std::string::npos, err.c_str());
    const auto doc = readJson(path("noretry.json"));
    QVERIFY2(doc, err.c_str());
    QCOMPARE((*doc)["status"].get<std::string>(), std::string("failed"));
    const auto& tasks = (*doc)["slurm"]["tasks"];
    QCOMPARE(tasks[3]["state"].get<std::string>(), std::string("failed"));
    QCOMPARE(tasks[3]["attempts"].get<int>(), 1);
    QVERIFY2(tasks[3]["error"].get<std::string>().find("array task 3") != std::string::npos,
             tasks[3].dump().c_str());
    for (std::size_t k = 0; k < 3; ++k)
      QCOMPARE(tasks[k]["state"].get<std::string>(), std::string("succeeded"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSlurmRetry)

}  // namespace test_slurm_retry
#include "test_slurm_retry.moc"
