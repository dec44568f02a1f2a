// external.command: every input and output mode, failures (exit status, signals, timeouts, memory
// and CPU limits) with retries, on_failure and keep, the process group killed on timeout and on
// cancel, the result cache keyed by the program's content, and the policy (disabled, roots, env).
// The programs are small /bin/sh and /usr/bin/python3 scripts written by the tests. No timing is
// asserted; waits are hang guards.
#include "core/agent/agent_registry.h"
#include "core/agent/external_policy.h"
#include "core/agents/external/external_agent.h"
#include "core/util/child_groups.h"
#include "core/util/child_process.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "core/value/value_json.h"
#include "core/workflow/workflow_engine.h"
#include "core/workflow/workflow_validator.h"
#include "task_result.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include "tests/test_main.h"

namespace test_external_command {

using namespace sciagents::core;
using agent_test::TaskResult;
using nlohmann::json;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// Processes of process group `pgid` that are not zombies (from /proc/*/stat).
std::vector<int> liveMembersOfGroup(int pgid) {
  std::vector<int> found;
  const QStringList entries = QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
  for (const QString& e : entries) {
    bool ok = false;
    const int pid = e.toInt(&ok);
    if (!ok) continue;
    const std::string stat = readAll("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    int ppid = 0, pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z') found.push_back(pid);
  }
  return found;
}

bool processAlive(int pid) {
  const std::string stat = readAll("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

std::vector<int> pidsIn(const std::string& file) {
  std::vector<int> pids;
  std::istringstream in(readAll(file));
  int pid;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

// Hang guard only: waits until `done` or about 10 s.
template <class F>
bool eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Map toMap(const json& j) {
  Map m;
  for (auto it = j.begin(); it != j.end(); ++it) m[it.key()] = fromJson(it.value());
  return m;
}

}  // namespace

class TestExternalCommand : public QObject {
  Q_OBJECT

  AgentSpec m_agent = agents::externalAgent();
  QTemporaryDir m_dir;
  Map m_last_diagnostics;

  const TaskSpec& task() const { return *m_agent.task("command"); }
  std::string dir() const { return m_dir.path().toStdString(); }

  // Writes an executable script into the test folder and returns its path.
  std::string script(const std::string& name, const std::string& text) const {
    const std::string path = dir() + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0755);
    return path;
  }
  void writeFile(const std::string& name, const std::string& text) const {
    std::ofstream(dir() + "/" + name) << text;
  }

  // Work directories go inside the test's folder unless a test gives its own policy.
  TaskResult run(const std::string& params,
                 std::shared_ptr<const ExternalPolicy> policy = nullptr) {
    TaskContext ctx(task(), task().resolveParams(toMap(json::parse(params))), "sim");
    ctx.setBaseDir(dir());
    ctx.setExternalPolicy(policy ? std::move(policy) : workPolicy());
    try {
      task().run(ctx);
    } catch (...) {
      m_last_diagnostics = ctx.takeDiagnostics();
      throw;
    }
    return {ctx.takeOutputs(), ctx.takeDiagnostics()};
  }

  // The Error a run throws (code Planned and "no error" when it succeeded).
  Error failure(const std::string& params, std::shared_ptr<const ExternalPolicy> policy = nullptr) {
    try {
      run(params, std::move(policy));
    } catch (const Error& e) {
      return e;
    }
    return Error(ErrorCode::Planned, "no error");
  }

  RunResult runWorkflow(const std::string& text, RunOptions o) {
    o.base_dir = dir();
    if (!o.external) o.external = workPolicy();
    return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(text), o);
  }

  std::shared_ptr<ExternalPolicy> policy() const {
    auto p = std::make_shared<ExternalPolicy>();
    p->work_root = dir() + "/work";
    return p;
  }
  std::shared_ptr<const ExternalPolicy> workPolicy() const { return policy(); }

 private slots:
  void initTestCase();
  void stdinJsonInStdoutJsonOut();
  void templatesArgvAndFilesIn();
  void csvAndJsonFilesOut();
  void regexOut();
  void badParamsNameParamAndValue();
  void exitStatusFailsOrGivesNan();
  void retriesUntilItWorks();
  void keepModes();
  void everyEvaluationStartsInAnEmptyDirectory();
  void segfaultNamesTheSampleAndTheKeptWorkDir();
  void timeoutKillsTheProgramWithItsChildren();
  void timeoutIsReportedPerSample();
  void cancelInTheMiddleOfAStudyLeavesNoProcess();
  void memoryHogIsStoppedByItsLimit();
  void cpuHogIsStoppedByItsLimit();
  void environmentIsReduced();
  void policyDisabledAndRoots();
  void linksAndStepModelsUseNamedOutputs();
  void rerunIsCachedAndAChangedProgramIsNot();
  void runningGroupsCanBeSignalledFromOutside();
  void programDiesWithTheProcessThatStartedIt();
};

void TestExternalCommand::initTestCase() {
  QVERIFY(m_dir.isValid());
  QVERIFY2(QFile::exists("/usr/bin/python3"), "the tests run their programs with /usr/bin/python3");
}

void TestExternalCommand::stdinJsonInStdoutJsonOut() {
  const std::string prog = script(
      "double.py",
      "#!/usr/bin/python3 -S\n"
      "import json, sys\n"
      "x = json.load(sys.stdin)\n"
      "print(json.dumps({'y': 2 * x['a'], 'v': [2 * t for t in x['v']], 'm': [[1, 2], [3, 4]],\n"
      "                  'n': float('nan')}))\n");
  // No policy at all (the local default): work directories under the system temp folder.
  TaskContext ctx(task(),
                  task().resolveParams(toMap(json::parse(
                      R"({"command": ["./double.py"], "inputs": {"a": 1.25, "v": [1, 2, 3]},
                                  "stdin": "json"})"))),
                  "sim");
  ctx.setBaseDir(dir());
  task().run(ctx);
  const TaskResult r{ctx.takeOutputs(), ctx.takeDiagnostics()};
  QCOMPARE(r.out("y").asDouble(), 2.5);
  QVERIFY(r.out("v").asVector() == (Vector(3) << 2, 4, 6).finished());
  QCOMPARE(r.out("m").asMatrix()(1, 0), 3.0);
  QVERIFY(std::isnan(r.out("n").asDouble()));  // Python's bare NaN token
  QCOMPARE(r.out("outputs").asMap().size(), std::size_t(4));
  QCOMPARE(r.diagnostics.at("exit_status").asInt(), std::int64_t{0});
  QCOMPARE(r.diagnostics.at("attempts").asInt(), std::int64_t{1});
  QCOMPARE(r.diagnostics.at("program_sha256").asString(), sha256Hex(readAll(prog)));
  QCOMPARE(r.diagnostics.at("program").asString(), std::filesystem::canonical(prog).string());
  QVERIFY(r.diagnostics.at("work_dir").isNull());  // keep: failed, and it succeeded
}

void TestExternalCommand::templatesArgvAndFilesIn() {
  script(
      "echo_inputs.py",
      "#!/usr/bin/python3 -S\n"
      "import json, sys\n"
      "vals = dict(l.split('=', 1) for l in open('params.in').read().splitlines())\n"
      "print(json.dumps({'x': float(vals['x']), 'v1': float(vals['v1']),\n"
      "                  'vsum': sum(map(float, vals['v'].split())), 'arg': float(sys.argv[1]),\n"
      "                  'extra': float(open('data/extra.txt').read()),\n"
      "                  'more': float(open('more.txt').read())}))\n");
  writeFile("params.in.tpl", "x={{x:%.3f}}\nv1={{ v[1] }}\nv={{v:%g}}\n");
  writeFile("more.tpl", "{{x}}");
  writeFile("extra.txt", "42.5\n");
  const TaskResult r = run(R"({"command": ["./echo_inputs.py", "{{x:%.2e}}"],
      "inputs": {"x": 1.23456, "v": [0.5, 0.25]},
      "templates": ["params.in.tpl", {"file": "more.tpl", "to": "more.txt"}],
      "files": [{"file": "extra.txt", "to": "data/extra.txt"}]})");
  QCOMPARE(r.out("x").asDouble(), 1.235);    // %.3f
  QCOMPARE(r.out("v1").asDouble(), 0.25);    // {{v[1]}}
  QCOMPARE(r.out("vsum").asDouble(), 0.75);  // a vector: its elements, space separated
  QCOMPARE(r.out("arg").asDouble(), 1.23);   // argv placeholder, %.2e
  QCOMPARE(r.out("extra").asDouble(), 42.5);
  QCOMPARE(r.out("more").asDouble(), 1.23456);  // shortest exact form by default
}

void TestExternalCommand::csvAndJsonFilesOut() {
  script("tables.sh",
         "#!/bin/sh\nprintf 'a, b\\n1.5,2\\n' > one.csv\n"
         "printf 't,y\\n0,1\\n1,2\\n2,4\\n' > many.csv\necho '{\"z\": [1, 2]}' > r.json\n");
  const TaskResult r =
      run(R"({"command": ["./tables.sh"], "outputs": [{"file": "one.csv"}, {"file": "many.csv"},
      {"file": "r.json"}]})");
  QCOMPARE(r.out("a").kind(), ValueKind::Scalar);  // one data row: numbers
  QCOMPARE(r.out("b").asDouble(), 2.0);
  QVERIFY(r.out("y").asVector() == (Vector(3) << 1, 2, 4).finished());  // several rows: vectors
  QCOMPARE(r.out("t").size(), std::int64_t{3});
  QCOMPARE(r.out("z").size(), std::int64_t{2});
}

void TestExternalCommand::regexOut() {
  script("solver.sh",
         "#!/bin/sh\nfor r in 1e-1 1e-3 2.5e-6; do echo \"iter residual = $r\" >> log.txt; done\n"
         "echo 'energy: -42.25 J' >> log.txt\necho 'steps 17'\n");
  const TaskResult r = run(R"J({"command": ["./solver.sh"], "outputs": [
      {"file": "log.txt", "regex": {"residual": "residual = (\\S+)", "energy": "energy: (\\S+)"}},
      {"regex": {"steps": "steps (\\d+)"}}]})J");
  QVERIFY(r.out("residual").asVector() ==
          (Vector(3) << 1e-1, 1e-3, 2.5e-6).finished());  // all matches
  QCOMPARE(r.out("energy").asDouble(), -42.25);           // one match: a number
  QCOMPARE(r.out("steps").asDouble(), 17.0);              // on stdout
  const Error e = failure(R"J({"command": ["./solver.sh"], "outputs": {"file": "log.txt",
      "regex": {"missing": "pressure = (\\S+)"}}})J");
  QVERIFY2(contains(e.what(), "no match for pattern 'pressure = (\\S+)'"), e.what());
  QVERIFY2(contains(e.what(), "output 'missing'"), e.what());
}

void TestExternalCommand::badParamsNameParamAndValue() {
  script("ok.sh", "#!/bin/sh\necho '{\"y\": 1}'\n");
  writeFile("bad.tpl", "a = {{a}}\nb = {{typo}}\n");
  agent_test::expectParamErrorFrom(
      [&] {
        run(R"({"command": ["./ok.sh"], "inputs": {"a": 1},
      "templates": ["bad.tpl"]})");
      },
      "templates[0]", "template 'bad.tpl' line 2: placeholder {{typo}} names no input",
      "unknown placeholder");
  agent_test::expectParamErrorFrom(
      [&] { run(R"({"command": ["./ok.sh", "{{a:%s}}"], "inputs": {"a": 1}})"); }, "command[1]",
      "format '%s'", "string format");
  agent_test::expectParamErrorFrom(
      [&] {
        run(R"J({"command": ["./ok.sh"], "outputs": {"file": "x.log",
      "regex": {"y": "(a)(b)"}}})J");
      },
      "outputs.regex.y", "2 capture groups", "two groups");
  agent_test::expectParamErrorFrom(
      [&] { run(R"({"command": ["./ok.sh"], "outputs": {"file": "../y.json"}})"); }, "outputs.file",
      "inside the work directory", "..");
  agent_test::expectParamErrorFrom([&] { run(R"({"command": ["./ok.sh"], "on_failure": "nan"})"); },
                                   "on_failure", "output_names", "nan without names");
  agent_test::expectParamErrorFrom(
      [&] { run(R"({"command": ["./ok.sh"], "inputs": {"a": "x"}})"); }, "inputs.a", "\"x\"",
      "a string input");
  agent_test::expectParamErrorFrom([&] { run(R"({"command": ["no-such-program-xyz"]})"); },
                                   "command[0]", "'no-such-program-xyz' was not found in PATH",
                                   "missing program");
  agent_test::expectParamErrorFrom([&] { run(R"({"command": ["./missing.sh"]})"); }, "command[0]",
                                   "'./missing.sh' does not exist", "missing file");
  auto limited = policy();
  limited->wall_time_s = 5;
  agent_test::expectParamErrorFrom(
      [&] { run(R"({"command": ["./ok.sh"], "timeout_s": 60})", limited); }, "timeout_s",
      "timeout_s = 60 exceeds this run's limit of 5", "limit above policy");
  QCOMPARE(run(R"({"command": ["./ok.sh"], "timeout_s": 2})", limited)
               .diagnostics.at("limits")
               .asMap()
               .at("timeout_s")
               .asDouble(),
           2.0);
}

void TestExternalCommand::exitStatusFailsOrGivesNan() {
  script("fail.sh", "#!/bin/sh\necho 'bad input deck' >&2\nexit 3\n");
  const Error e = failure(R"({"command": ["./fail.sh"]})");
  QCOMPARE(e.code(), ErrorCode::RunFailed);
  QCOMPARE(e.param(), std::string("command"));
  QVERIFY2(contains(e.what(), "exit status 3") && contains(e.what(), "bad input deck"), e.what());
  QCOMPARE(m_last_diagnostics.at("exit_status").asInt(), std::int64_t{3});
  QVERIFY(contains(m_last_diagnostics.at("stderr_tail").asString(), "bad input deck"));
  const std::string kept = m_last_diagnostics.at("work_dir").asString();  // keep: failed
  QVERIFY2(contains(e.what(), "work directory kept: " + kept), e.what());
  QVERIFY(std::filesystem::is_directory(kept));

  const TaskResult r =
      run(R"({"command": ["./fail.sh"], "on_failure": "nan", "output_names": ["y", "z"]})");
  QVERIFY(std::isnan(r.out("y").asDouble()) && std::isnan(r.out("z").asDouble()));
  QVERIFY(r.diagnostics.at("failed").asBool());
  QVERIFY(contains(r.diagnostics.at("error").asString(), "exit status 3"));
  QVERIFY(contains(r.warnings(), "exit status 3"));
}

void TestExternalCommand::retriesUntilItWorks() {
  // Fails on its first run, succeeds on the second (the counter lives outside the work dirs).
  script("flaky.sh",
         "#!/bin/sh\nn=$(cat \"$1\" 2>/dev/null || echo 0)\necho $((n + 1)) > \"$1\"\n"
         "[ \"$n\" -ge 1 ] || exit 1\necho '{\"y\": 7}'\n");
  const std::string counter = dir() + "/flaky.count";
  const TaskResult r = run(R"({"command": ["./flaky.sh", ")" + counter + R"("], "retries": 2})");
  QCOMPARE(r.out("y").asDouble(), 7.0);
  QCOMPARE(r.diagnostics.at("attempts").asInt(), std::int64_t{2});
  std::filesystem::remove(counter);
  const Error e = failure(R"({"command": ["./flaky.sh", ")" + counter + R"("]})");
  QVERIFY2(contains(e.what(), "exit status 1 (attempt 1 of 1)"), e.what());
}

void TestExternalCommand::keepModes() {
  script("ok.sh", "#!/bin/sh\necho '{\"y\": 1}'\n");
  script("fail.sh", "#!/bin/sh\nexit 3\n");
  const TaskResult all = run(R"({"command": ["./ok.sh"], "keep": "all"})");
  QVERIFY(std::filesystem::is_directory(all.diagnostics.at("work_dir").asString()));
  const TaskResult failed = run(R"({"command": ["./ok.sh"]})");
  QVERIFY(failed.diagnostics.at("work_dir").isNull());
  const Error e = failure(R"({"command": ["./fail.sh"], "keep": "none"})");
  QVERIFY(m_last_diagnostics.at("work_dir").isNull());
  QVERIFY2(!contains(e.what(), "kept"), e.what());
}

void TestExternalCommand::everyEvaluationStartsInAnEmptyDirectory() {
  // Directories that are not kept are emptied and reused (command_workdir.h): each run counts what
  // it finds in its directory, then leaves files (and a sub-folder) behind.
  script("litter.sh",
         "#!/bin/sh\nn=$(ls -A | wc -l)\nmkdir -p sub && touch junk sub/more\n"
         "echo \"{\\\"y\\\": $n}\"\n");
  for (const char* keep : {"failed", "none", "failed"}) {
    const TaskResult r =
        run(std::string(R"({"command": ["./litter.sh"], "keep": ")") + keep + R"("})");
    QCOMPARE(r.out("y").asDouble(), 0.0);
    QVERIFY(r.diagnostics.at("work_dir").isNull());
  }
  // A kept directory is never handed out again: the next run is elsewhere and empty.
  const TaskResult all = run(R"({"command": ["./litter.sh"], "keep": "all"})");
  QCOMPARE(all.out("y").asDouble(), 0.0);
  const std::string kept = all.diagnostics.at("work_dir").asString();
  QVERIFY(std::filesystem::exists(kept + "/junk"));
  const TaskResult next = run(R"({"command": ["./litter.sh"]})");
  QCOMPARE(next.out("y").asDouble(), 0.0);
  QVERIFY(std::filesystem::exists(kept + "/sub/more"));
}

void TestExternalCommand::segfaultNamesTheSampleAndTheKeptWorkDir() {
  script("crash.sh",
         "#!/bin/sh\nif [ \"$1\" = 0 ]; then echo '{\"y\": 0}'; exit 0; fi\n"
         "echo 'about to crash' >&2\nkill -SEGV $$\n");
  const Error direct = failure(R"({"command": ["./crash.sh", "1"]})");
  QVERIFY2(contains(direct.what(), "killed by SIGSEGV"), direct.what());
  QCOMPARE(m_last_diagnostics.at("signal").asString(), std::string("SIGSEGV"));
  // As the model of a study: the template step (x = 0) runs; the samples (x > 0) crash.
  RunOptions o;
  o.threads = 2;
  o.use_cache = false;
  const auto r = runWorkflow(R"({"sciagents":1,"steps":[
    {"id":"sim","agent":"external","task":"command",
     "params":{"command":["./crash.sh","{{x:%g}}"],"inputs":{"x":0}}},
    {"id":"mc","agent":"uq","task":"monte_carlo",
     "params":{"model":{"step":"sim","input":"inputs.x","output":"y"},
      "inputs":[{"name":"x","dist":"uniform","a":1,"b":2}],"n":10,"seed":1}}]})",
                             o);
  QCOMPARE(r.step("sim")->status, StepStatus::Succeeded);
  QCOMPARE(r.step("mc")->status, StepStatus::Failed);
  const std::string& err = r.step("mc")->error;
  // monte_carlo evaluates every sample, then refuses naming the failed ones, the first in full.
  QVERIFY2(contains(err, "sample #0 (") && contains(err, "SIGSEGV"), err.c_str());
  const auto at = err.find("work directory kept: ");
  QVERIFY2(at != std::string::npos, err.c_str());
  const std::string kept = err.substr(at + 21, err.find(';', at) - at - 21);
  QVERIFY2(std::filesystem::is_directory(kept), kept.c_str());
}

void TestExternalCommand::timeoutKillsTheProgramWithItsChildren() {
  // The program starts a child that sleeps too, records both pids and never ends.
  script("hang.sh", "#!/bin/sh\nsleep 300 &\necho $! > child.pid\necho $$ > self.pid\nsleep 300\n");
  const Error e = failure(R"({"command": ["./hang.sh"], "timeout_s": 0.5})");
  QVERIFY2(contains(e.what(), "timed out after 0.5 s"), e.what());
  QVERIFY(m_last_diagnostics.at("timed_out").asBool());
  const std::string kept = m_last_diagnostics.at("work_dir").asString();
  const auto self = pidsIn(kept + "/self.pid"), child = pidsIn(kept + "/child.pid");
  QCOMPARE(self.size(), std::size_t(1));
  QCOMPARE(child.size(), std::size_t(1));
  QVERIFY(eventually([&] { return liveMembersOfGroup(self[0]).empty(); }));
  QVERIFY(!processAlive(self[0]));
  QVERIFY(!processAlive(child[0]));
}

void TestExternalCommand::timeoutIsReportedPerSample() {
  script("slow.sh",
         "#!/bin/sh\nif [ \"$1\" = 0 ]; then echo '{\"y\": 0}'; exit 0; fi\nsleep 300 & wait\n");
  RunOptions o;
  o.threads = 2;
  o.use_cache = false;
  const auto r = runWorkflow(R"({"sciagents":1,"steps":[
    {"id":"sim","agent":"external","task":"command",
     "params":{"command":["./slow.sh","{{x:%g}}"],"inputs":{"x":0},
      "timeout_s":0.3}},
    {"id":"mc","agent":"uq","task":"monte_carlo",
     "params":{"model":{"step":"sim","input":"inputs.x","output":"y"},
      "inputs":[{"name":"x","dist":"uniform","a":1,"b":2}],"n":10,"seed":1}}]})",
                             o);
  QCOMPARE(r.step("mc")->status, StepStatus::Failed);
  QVERIFY2(contains(r.step("mc")->error, "sample #0") &&
               contains(r.step("mc")->error, "timed out after 0.3 s"),
           r.step("mc")->error.c_str());
}

void TestExternalCommand::cancelInTheMiddleOfAStudyLeavesNoProcess() {
  // Each sample records its pid and sleeps (with a child); the run is cancelled once two samples
  // are running.
  const std::string log = dir() + "/cancel.pids";
  script("sleepy.sh",
         "#!/bin/sh\nif [ \"$2\" = 0 ]; then echo '{\"y\": 0}'; exit 0; fi\n"
         "echo $$ >> \"$1\"\nsleep 300 &\nsleep 300\n");
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread watcher([&] {
    eventually([&] { return pidsIn(log).size() >= 2; });
    cancel->store(true);
  });
  RunOptions o;
  o.threads = 2;
  o.use_cache = false;
  o.cancel = cancel;
  const auto r = runWorkflow(R"({"sciagents":1,"steps":[
    {"id":"sim","agent":"external","task":"command","params":{"command":["./sleepy.sh",")" +
                                 log +
                                 R"(","{{x:%g}}"],"inputs":{"x":0}}},
    {"id":"mc","agent":"uq","task":"monte_carlo",
     "params":{"model":{"step":"sim","input":"inputs.x","output":"y"},
      "inputs":[{"name":"x","dist":"uniform","a":1,"b":2}],"n":50,"seed":1}}]})",
                             o);
  watcher.join();
  QCOMPARE(r.step("mc")->status, StepStatus::Cancelled);
  const auto pids = pidsIn(log);
  QVERIFY(pids.size() >= 2);
  for (int pid : pids) {
    // Every process of every sample's group is gone (killed before the run returned; zombies
    // reparented to init may take a moment to be reaped, hence the guard).
    QVERIFY2(eventually([&] { return liveMembersOfGroup(pid).empty(); }),
             std::to_string(pid).c_str());
  }
}

void TestExternalCommand::memoryHogIsStoppedByItsLimit() {
  script("hog.py",
         "#!/usr/bin/python3 -S\nblocks = [bytearray(64 << 20) for _ in range(64)]\n"
         "print('{\"y\": 1}')\n");
  const Error e = failure(R"({"command": ["./hog.py"], "memory_mb": 256})");
  QVERIFY2(contains(e.what(), "memory limit memory_mb = 256 MB was reached"), e.what());
  QVERIFY(contains(m_last_diagnostics.at("stderr_tail").asString(), "MemoryError"));
}

void TestExternalCommand::cpuHogIsStoppedByItsLimit() {
  script("spin.sh", "#!/bin/sh\nwhile :; do :; done\n");
  const Error e = failure(R"({"command": ["./spin.sh"], "cpu_time_s": 1, "timeout_s": 60})");
  QVERIFY2(contains(e.what(), "CPU-time limit cpu_time_s = 1 s was reached"), e.what());
}

void TestExternalCommand::environmentIsReduced() {
  script("env.py",
         "#!/usr/bin/python3 -S\nimport os, json\n"
         "print(json.dumps({'secret': float('SCIAGENTS_TEST_SECRET' in os.environ),"
         " 'path': float('PATH' in os.environ), 'mine': float('MY_ALLOWED' in os.environ)}))\n");
  ::setenv("SCIAGENTS_TEST_SECRET", "hunter2", 1);
  ::setenv("MY_ALLOWED", "1", 1);
  const TaskResult r = run(R"({"command": ["./env.py"]})");
  QCOMPARE(r.out("secret").asDouble(), 0.0);
  QCOMPARE(r.out("path").asDouble(), 1.0);
  QCOMPARE(r.out("mine").asDouble(), 0.0);
  auto p = policy();
  p->env_allow = {"MY_ALLOWED"};
  const TaskResult allowed = run(R"({"command": ["./env.py"]})", p);
  QCOMPARE(allowed.out("mine").asDouble(), 1.0);
  QCOMPARE(allowed.out("path").asDouble(), 0.0);
  ::unsetenv("SCIAGENTS_TEST_SECRET");
}

void TestExternalCommand::policyDisabledAndRoots() {
  script("root/ok.sh", "#!/bin/sh\necho '{\"y\": 1}'\n");
  script("outside/evil.sh", "#!/bin/sh\necho '{\"y\": 666}'\n");
  std::filesystem::create_symlink(dir() + "/outside/evil.sh", dir() + "/root/link.sh");
  auto off = policy();
  off->enabled = false;
  off->disabled_reason = "start the server with --allow-external DIR";
  const Error disabled = failure(R"({"command": ["root/ok.sh"]})", off);
  QCOMPARE(disabled.code(), ErrorCode::InvalidInput);
  QVERIFY2(contains(disabled.what(), "--allow-external DIR"), disabled.what());

  auto rooted = policy();
  rooted->allowed_roots = {dir() + "/root"};
  QCOMPARE(run(R"({"command": ["root/ok.sh"]})", rooted).out("y").asDouble(), 1.0);
  for (const char* escape : {"root/../outside/evil.sh", "root/link.sh"}) {
    const Error e = failure(R"({"command": [")" + std::string(escape) + R"("]})", rooted);
    QCOMPARE(e.param(), std::string("command[0]"));
    QVERIFY2(contains(e.what(), "outside the folders external models may use"), e.what());
  }
  writeFile("outside/in.tpl", "{{x}}");
  const Error tpl = failure(R"({"command": ["root/ok.sh"], "inputs": {"x": 1},
      "templates": ["root/../outside/in.tpl"]})",
                            rooted);
  QCOMPARE(tpl.param(), std::string("templates[0]"));
  const Error path_program = failure(R"({"command": ["sh", "-c", "echo"]})", rooted);
  QVERIFY2(contains(path_program.what(), "outside the folders"), path_program.what());
}

void TestExternalCommand::linksAndStepModelsUseNamedOutputs() {
  script("lin.py",
         "#!/usr/bin/python3 -S\nimport json, sys\nx = json.load(sys.stdin)['x']\n"
         "print(json.dumps({'y': 3 * x + 1, 'curve': [x, 2 * x]}))\n");
  const std::string wf = R"({"sciagents":1,"steps":[
    {"id":"sim","agent":"external","task":"command",
     "params":{"command":["./lin.py"],"inputs":{"x":2},
      "stdin":"json"}},
    {"id":"use","agent":"workflow_orchestration","task":"value",
     "params":{"value":{"from":"sim.y"}}},
    {"id":"el","agent":"workflow_orchestration","task":"value",
     "params":{"value":{"from":"sim.curve[1]"}}},
    {"id":"mc","agent":"uq","task":"monte_carlo",
     "params":{"model":{"step":"sim","input":"inputs.x","output":"y"},
      "inputs":[{"name":"x","dist":"uniform","a":0,"b":1}],"n":16,"seed":3,"sampling":"lhs"}}]})";
  QVERIFY(validateWorkflow(parseWorkflow(wf), AgentRegistry::builtin()).empty());
  RunOptions o;
  o.threads = 2;
  o.use_cache = false;
  const auto r = runWorkflow(wf, o);
  QVERIFY2(r.status == StepStatus::Succeeded, r.step("mc")->error.c_str());
  QCOMPARE(r.step("use")->outputs.at("value").asDouble(), 7.0);
  QCOMPARE(r.step("el")->outputs.at("value").asDouble(), 4.0);
  // E[3x + 1] over U(0, 1) with LHS: 2.5 up to sampling error of a linear model.
  QVERIFY(std::abs(r.step("mc")->outputs.at("mean").asDouble() - 2.5) < 0.05);
  // A name the program does not produce: the run says so.
  const auto missing = runWorkflow(R"({"sciagents":1,"steps":[
    {"id":"sim","agent":"external","task":"command",
     "params":{"command":["./lin.py"],"inputs":{"x":2},
      "stdin":"json"}},
    {"id":"use","agent":"workflow_orchestration","task":"value",
     "params":{"value":{"from":"sim.nope"}}}]})",
                                   o);
  QCOMPARE(missing.step("use")->status, StepStatus::Failed);
  QVERIFY2(contains(missing.step("use")->error, "has no output 'nope'"),
           missing.step("use")->error.c_str());
}

void TestExternalCommand::rerunIsCachedAndAChangedProgramIsNot() {
  // The program counts its runs in a folder given on its command line (an absolute path of a
  // folder; the absolute path of a FILE in argv would count as content of the step).
  const std::string prog =
      script("count.sh", "#!/bin/sh\necho x >> \"$1/count.runs\"\necho '{\"y\": 5}'\n");
  writeFile("count.tpl", "{{a}}");
  const std::string runs = dir() + "/count.runs";
  const std::string wf = R"({"sciagents":1,"steps":[
    {"id":"sim","agent":"external","task":"command","params":{"command":["./count.sh",")" +
                         dir() + R"("],"inputs":{"a":1},"templates":["count.tpl"]}}]})";
  RunOptions o;
  o.threads = 1;
  o.use_cache = true;
  o.cache_dir = dir() + "/cache";
  QVERIFY(!runWorkflow(wf, o).step("sim")->cached);
  QVERIFY(runWorkflow(wf, o).step("sim")->cached);
  QCOMPARE(readAll(runs), std::string("x\n"));  // ran once
  std::ofstream(prog, std::ios::app) << "# changed\n";
  QVERIFY(!runWorkflow(wf, o).step("sim")->cached);
  QVERIFY(runWorkflow(wf, o).step("sim")->cached);
  writeFile("count.tpl", "{{a}} ");  // a template is part of the key too
  QVERIFY(!runWorkflow(wf, o).step("sim")->cached);
  QCOMPARE(readAll(runs), std::string("x\nx\nx\n"));
}

// What a terminated server worker or CLI calls from its signal handler: every running program's
// group gets the signal, and runChild reports it.
void TestExternalCommand::runningGroupsCanBeSignalledFromOutside() {
  const std::string pids = dir() + "/outside.pids";
  ChildSpec spec;
  spec.argv = {"/bin/sh", "-c", "sleep 300 & echo $$ $! > \"$0\"; sleep 300", pids};
  ChildResult result;
  std::thread runner([&] { result = runChild(spec); });
  // The shell writes its pids as soon as it runs; its group is tracked once vfork has returned in
  // runChild, which a loaded machine may delay past that (the signal then missed it and the test
  // waited 300 s).
  const bool tracked = eventually([&] {
    const auto p = pidsIn(pids);
    return p.size() == 2 && childGroupTracked(p[0]);
  });
  if (!tracked) {
    signalChildGroups(SIGKILL);
    for (int pid : pidsIn(pids)) ::kill(pid, SIGKILL);
    runner.join();
    QFAIL("the program's group was never tracked");
  }
  signalChildGroups(SIGKILL);
  runner.join();
  QCOMPARE(result.term_signal, SIGKILL);
  for (int pid : pidsIn(pids)) QVERIFY(eventually([&] { return !processAlive(pid); }));
}

// A process that starts a program and is then killed outright (SIGKILL: no cleanup) does not
// leave the program running (PR_SET_PDEATHSIG).
void TestExternalCommand::programDiesWithTheProcessThatStartedIt() {
  const std::string pids = dir() + "/orphan.pids";
  const pid_t starter = ::fork();
  QVERIFY(starter >= 0);
  if (starter == 0) {
    ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", "echo $$ > \"$0\"; exec sleep 300", pids};
    runChild(spec);
    ::_exit(0);
  }
  const bool started = eventually([&] { return pidsIn(pids).size() == 1; });
  ::kill(starter, SIGKILL);
  ::waitpid(starter, nullptr, 0);
  QVERIFY(started);
  QVERIFY(eventually([&] { return !processAlive(pidsIn(pids)[0]); }));
}

SCIAGENTS_TEST_GUILESS_MAIN(TestExternalCommand)

}  // namespace test_external_command
#include "test_external_command.moc"
