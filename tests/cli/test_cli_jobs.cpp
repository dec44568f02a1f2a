// The job commands against a real `sciagents serve` on loopback (docs/cli.md, "Jobs on a
// server"): submit, `jobs` lists the job, `status`, `result -o`, `attach` after the attaching
// client was killed (SIGKILL) shows the end and exits 0, `cancel` of a long job (then attach exits
// 1), unknown ids and bad usage (exit 2, the id named), an unreachable server (exit 3), --help.
// No timings are asserted: every wait polls with a generous bound (ctest -j2 on a loaded machine).
#include "cli_runner.h"
#include "tests/ui/loopback_server.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/types.h>

#include "tests/test_main.h"

namespace test_cli_jobs {

using nlohmann::json;
using sciagents::test::CliRun;

namespace {

QString cliJobsBinary() { return QStringLiteral(SCIAGENTS_BINARY_DIR "/bin/sciagents"); }

json cliJobsWorkflow(const std::string& name, const json& steps) {
  return {{"sciagents", 1}, {"name", name}, {"steps", steps}};
}

// A tiny linear solve.
json quickSolve() {
  return cliJobsWorkflow(
      "quick solve",
      json::array({{{"id", "s"},
                    {"agent", "linear_algebra"},
                    {"task", "solve"},
                    {"params", {{"A", {{3.0, 1.0}, {1.0, 3.0}}}, {"b", {1.0, 2.0}}}}}}));
}

// Seconds of work (about 10 s of CPU) with progress: an oscillator swept over k.
json oscillatorSweep() {
  return cliJobsWorkflow(
      "oscillator sweep",
      json::array(
          {{{"id", "sim"},
            {"agent", "ode_pde"},
            {"task", "ivp"},
            {"params",
             {{"rhs", {"y2", "-k*y1"}},
              {"states", {"y1", "y2"}},
              {"y0", {1, 0}},
              {"t_span", {0, 20000.0}},
              {"t_eval", {{"linspace", {0, 20000.0, 5}}}},
              {"method", "dop853"},
              {"rtol", 1e-11},
              {"atol", 1e-12},
              {"constants", {{"k", 0.1}}}}},
            {"sweep", {{"param", "constants.k"}, {"values", {{"linspace", {0.5, 2.0, 24}}}}}}}}));
}

// Runs for minutes unless cancelled.
json longOde() {
  return cliJobsWorkflow("long oscillator",
                         json::array({{{"id", "osc"},
                                       {"agent", "ode_pde"},
                                       {"task", "ivp"},
                                       {"params",
                                        {{"rhs", {"y2", "-y1"}},
                                         {"states", {"y1", "y2"}},
                                         {"y0", {1, 0}},
                                         {"t_span", {0, 1e9}},
                                         {"t_eval", {{"linspace", {0, 1e9, 11}}}},
                                         {"method", "dop853"},
                                         {"rtol", 1e-13},
                                         {"atol", 1e-13},
                                         {"max_num_steps", 2000000000}}}}}));
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

class TestCliJobs : public QObject {
  Q_OBJECT

  studio_test::LoopbackServer m_server;
  QTemporaryDir m_dir;

  QProcessEnvironment env(bool with_server_var = false) const {
    auto e = QProcessEnvironment::systemEnvironment();
    e.insert("SCIAGENTS_TOKEN", m_server.token());
    e.remove("SCIAGENTS_SERVER");
    if (with_server_var) e.insert("SCIAGENTS_SERVER", url());
    e.insert("SCIAGENTS_CACHE_DIR", m_dir.filePath("cache"));
    return e;
  }
  QString url() const { return m_server.url().toString(); }

  CliRun cli(const QStringList& args, bool with_server_var = false, int timeout_ms = 300000) const {
    QProcess p;
    p.setProcessEnvironment(env(with_server_var));
    p.start(cliJobsBinary(), args);
    return sciagents::test::finishProcess(p, timeout_ms);
  }

  QString writeWorkflow(const QString& name, const json& w) const {
    const QString path = m_dir.filePath(name + ".workflow.json");
    std::ofstream(path.toStdString()) << w.dump(1);
    return path;
  }

  // submit FILE --server URL: the job id.
  QString submit(const json& w, const QString& name) const {
    const CliRun r = cli({"submit", writeWorkflow(name, w), "--server", url()});
    if (r.exit_code != 0) qWarning("submit: %s", r.err.c_str());
    return r.exit_code == 0 ? QString::fromStdString(firstLine(r.out)) : QString();
  }

  std::string state(const QString& id) const {
    const CliRun r = cli({"status", id, "--server", url(), "--json"});
    auto j = json::parse(r.out, nullptr, false);
    return r.exit_code == 0 && j.is_object() ? j.value("state", std::string()) : std::string();
  }

 private slots:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_server.start("cli-jobs");
  }

  void cleanupTestCase() { m_server.stop(); }

  void helpListsTheCommands() {
    const CliRun help = cli({"--help"});
    QCOMPARE(help.exit_code, 0);
    for (const char* c : {"jobs --server", "status ID", "result ID", "attach ID", "cancel ID"})
      QVERIFY2(help.out.find(c) != std::string::npos, c);
    for (const char* c : {"jobs", "status", "result", "attach", "cancel"}) {
      const CliRun r = cli({c, "--help"});
      QCOMPARE(r.exit_code, 0);
      QVERIFY2(r.out.find(std::string("Usage: sciagents ") + c) != std::string::npos,
               r.out.c_str());
    }
  }

  void submitListStatusResult() {
    const QString id = submit(quickSolve(), "quick");
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(state(id) == "succeeded", 120000);

    const CliRun jobs = cli({"jobs", "--server", url()});
    QVERIFY2(jobs.exit_code == 0, jobs.err.c_str());
    QVERIFY2(jobs.out.find("ID") == 0, jobs.out.c_str());  // the header
    bool listed = false;
    std::istringstream lines(jobs.out);
    for (std::string line; std::getline(lines, line);)
      if (line.find(id.toStdString()) == 0)
        listed = line.find("succeeded") != std::string::npos &&
                 line.find("quick solve") != std::string::npos;
    QVERIFY2(listed, jobs.out.c_str());

    // --server from $SCIAGENTS_SERVER; --state and --limit reach the server.
    const CliRun filtered = cli({"jobs", "--state", "succeeded", "--limit", "5", "--json"}, true);
    QVERIFY2(filtered.exit_code == 0, filtered.err.c_str());
    const auto doc = json::parse(filtered.out, nullptr, false);
    QVERIFY(doc.is_object() && doc["jobs"].is_array());
    bool found = false;
    for (const auto& j : doc["jobs"]) {
      QCOMPARE(j["state"].get<std::string>(), std::string("succeeded"));
      found = found || j["id"] == id.toStdString();
    }
    QVERIFY(found);
    QVERIFY(doc["jobs"].size() <= 5);
    QCOMPARE(cli({"jobs", "--server", url(), "--state", "done"}).exit_code, 2);
    QCOMPARE(cli({"jobs", "--server", url(), "--limit", "0"}).exit_code, 2);
    QCOMPARE(cli({"status", id, "--server", url(), "--state", "queued"}).exit_code, 2);

    const CliRun status = cli({"status", id, "--server", url()});
    QVERIFY2(status.exit_code == 0, status.err.c_str());
    QVERIFY2(status.out.find("job " + id.toStdString() + ": succeeded") != std::string::npos,
             status.out.c_str());
    QVERIFY2(status.out.find("quick solve") != std::string::npos, status.out.c_str());
    QVERIFY2(status.out.find("duration:") != std::string::npos, status.out.c_str());

    const QString out = m_dir.filePath("quick-result.json");
    const CliRun result = cli({"result", id, "--server", url(), "-o", out});
    QVERIFY2(result.exit_code == 0, result.err.c_str());
    std::ifstream in(out.toStdString());
    const auto file = json::parse(in, nullptr, false);
    QVERIFY(file.is_object());
    QCOMPARE(file["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE(file["steps"]["s"]["status"].get<std::string>(), std::string("succeeded"));
    // 3x + y = 1, x + 3y = 2: x = 1/8, y = 5/8.
    const auto& x = file["steps"]["s"]["outputs"]["x"];
    QVERIFY2(x.is_array() && x.size() == 2, x.dump().c_str());
    QVERIFY(std::abs(x[0].get<double>() - 0.125) < 1e-12);
    QVERIFY(std::abs(x[1].get<double>() - 0.625) < 1e-12);
    QVERIFY2(result.out.find("succeeded") != std::string::npos, result.out.c_str());  // summary
  }

  void attachAgainAfterTheClientWasKilled() {
    const QString id = submit(oscillatorSweep(), "sweep");
    QVERIFY(!id.isEmpty());
    QProcess first;
    first.setProcessEnvironment(env());
    first.start(cliJobsBinary(), {"attach", id, "--server", url(), "--progress", "lines"});
    QVERIFY(first.waitForStarted(30000));
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT(
        (err += QString::fromUtf8(first.readAllStandardError()), err.contains("attached to job")),
        60000);
    ::kill(static_cast<pid_t>(first.processId()), SIGKILL);
    QVERIFY(first.waitForFinished(30000));
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);
    // The job did not notice: it is still queued or running, or it already succeeded.
    const std::string after_kill = state(id);
    QVERIFY2(after_kill == "queued" || after_kill == "running" || after_kill == "succeeded",
             after_kill.c_str());
    qInfo("after the kill: %s", after_kill.c_str());
    if (after_kill == "succeeded") qInfo("the job had already finished when its client was killed");

    const QString out = m_dir.filePath("sweep-result.json");
    const CliRun again = cli({"attach", id, "--server", url(), "--progress", "lines", "-o", out});
    QVERIFY2(again.exit_code == 0, again.err.c_str());
    QVERIFY2(again.err.find("job " + id.toStdString() + " succeeded") != std::string::npos,
             again.err.c_str());
    // The step's lines (replayed by the server when it had started before this attach).
    QVERIFY2(again.err.find("sim (ode_pde.ivp)") != std::string::npos, again.err.c_str());
    std::ifstream in(out.toStdString());
    const auto file = json::parse(in, nullptr, false);
    QVERIFY(file.is_object());
    QCOMPARE(file["status"].get<std::string>(), std::string("succeeded"));
    QCOMPARE(file["steps"]["sim"]["outputs"]["y"].size(), std::size_t(24));  // one per sweep point
    QCOMPARE(state(id), std::string("succeeded"));

    // Attaching to a finished job shows its end at once.
    const CliRun late = cli({"attach", id, "--server", url(), "--quiet"});
    QVERIFY2(late.exit_code == 0, late.err.c_str());
  }

  void cancelALongJob() {
    const QString id = submit(longOde(), "long");
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(state(id) == "running", 120000);
    const CliRun r = cli({"result", id, "--server", url()});
    QCOMPARE(r.exit_code, 1);  // not finished yet
    QVERIFY2(r.err.find("is running") != std::string::npos, r.err.c_str());

    const CliRun cancel = cli({"cancel", id, "--server", url()});
    QVERIFY2(cancel.exit_code == 0, cancel.err.c_str());
    QTRY_VERIFY_WITH_TIMEOUT(state(id) == "cancelled", 120000);
    QVERIFY2(cancel.out.find(id.toStdString()) != std::string::npos, cancel.out.c_str());

    const CliRun attach = cli({"attach", id, "--server", url()});
    QCOMPARE(attach.exit_code, 1);
    QVERIFY2(attach.err.find("cancelled") != std::string::npos, attach.err.c_str());
    // Cancelling again leaves it as it is.
    const CliRun twice = cli({"cancel", id, "--server", url()});
    QCOMPARE(twice.exit_code, 0);
    QVERIFY2(twice.out.find("already ended: cancelled") != std::string::npos, twice.out.c_str());
  }

  void unknownJobsAndBadUsage() {
    const std::string unknown = "0123456789abcdef0123456789abcdef";
    for (const char* c : {"status", "result", "attach", "cancel"}) {
      const CliRun r = cli({c, QString::fromStdString(unknown), "--server", url()});
      QCOMPARE(r.exit_code, 2);
      QVERIFY2(r.err.find("no job '" + unknown + "'") != std::string::npos, r.err.c_str());
    }
    QCOMPARE(cli({"status", "--server", url()}).exit_code, 2);            // no id
    QCOMPARE(cli({"status", "a", "b", "--server", url()}).exit_code, 2);  // two ids
    const CliRun no_server = cli({"status", QString::fromStdString(unknown)});
    QCOMPARE(no_server.exit_code, 2);
    QVERIFY2(no_server.err.find("--server") != std::string::npos, no_server.err.c_str());
    const CliRun bad_id = cli({"cancel", "../../v1/agents", "--server", url()});
    QCOMPARE(bad_id.exit_code, 2);
    QVERIFY2(bad_id.err.find("not a job id") != std::string::npos, bad_id.err.c_str());
    // A wrong token: refused, exit 2 with the hint.
    QProcess p;
    auto e = env();
    e.insert("SCIAGENTS_TOKEN", "not-a-token");
    p.setProcessEnvironment(e);
    p.start(cliJobsBinary(), {"jobs", "--server", url()});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2);
  }

  void unreachableServer() {
    const QString dead = QStringLiteral("http://127.0.0.1:1");
    QCOMPARE(cli({"jobs", "--server", dead}).exit_code, 3);
    for (const char* c : {"status", "result", "attach", "cancel"}) {
      const CliRun r = cli({c, "0123456789abcdef", "--server", dead});
      QCOMPARE(r.exit_code, 3);
      QVERIFY2(r.err.find("127.0.0.1:1") != std::string::npos, r.err.c_str());
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestCliJobs)

}  // namespace test_cli_jobs
#include "test_cli_jobs.moc"
