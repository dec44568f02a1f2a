// external.python: a function of the user's Python module called in persistent workers. Return
// kinds, NumPy inputs, the vectorised path against the scalar path in a study, per-sample failures
// (exceptions, a worker that exits, a worker that never returns), the cache key following the
// module's content, the policy's roots, and no worker process left behind.
#include "core/agent/agent_registry.h"
#include "core/agent/external_policy.h"
#include "core/agents/external/python_pool.h"
#include "core/agents/external/python_protocol.h"
#include "core/agents/external/tasks.h"
#include "core/util/error.h"
#include "core/workflow/workflow.h"
#include "core/workflow/workflow_engine.h"
#include "task_result.h"

#include <nlohmann/json.hpp>

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test_main.h"

namespace test_external_python {

using namespace agent_test;
using sciagents::core::agents::external::PythonPool;

namespace {

// The functions the tests call (copied into a temporary folder, next to the files they write).
const std::string kModuleSource = SCIAGENTS_SOURCE_DIR "/tests/agents/external_python_model.py";

bool processGone(int pid) {
  // A hang guard, not a timing check: a killed process may stay a zombie for a moment until its
  // parent (init for orphans) reaps it.
  for (int i = 0; i < 500; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z')
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

class TestExternalPython : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::string m_module;
  std::string m_stale;  // a dead process's shared-memory file (initTestCase)
  const TaskSpec m_task = sciagents::core::agents::external::pythonTask();

  std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

  static void write(const std::string& file, const std::string& text) {
    std::ofstream(file) << text;
  }

  Map params(const char* function, Map inputs, Map extra = {}) const {
    Map p{{"module", m_module},
          {"function", function},
          {"inputs", std::move(inputs)},
          {"python", "/usr/bin/python3"}};
    for (auto& [k, v] : extra) p[k] = v;
    return p;
  }

  std::vector<Map> batch(const char* function, const std::vector<double>& x1, Map extra = {},
                         int threads = 2) {
    std::vector<Map> sets;
    for (double x : x1)
      sets.push_back(m_task.resolveParams(params(function, Map{{"x1", x}}, extra)));
    TaskContext ctx(m_task, sets.front());
    ctx.setThreads(threads);
    return m_task.run_batch(ctx, sets);
  }

  RunResult runWorkflow(const std::string& json, const std::string& cache) {
    RunOptions o;
    o.threads = 2;
    o.use_cache = true;
    o.cache_dir = path(cache.c_str());
    return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(json), o);
  }

  // A uq study whose model is the python step: three inputs (poly) or one (picky). Built as JSON
  // objects: moc does not parse raw strings with braces.
  std::string studyJson(const char* uq_task, bool vectorized, const nlohmann::json& extra,
                        const char* function = "poly") {
    using nlohmann::json;
    const bool three = std::string(function) == "poly";
    json inputs = {{"x1", 0.5}}, paths = {"inputs.x1"};
    json dists = json::array({{{"name", "a"}, {"dist", "uniform"}, {"a", -3}, {"b", 3}}});
    if (three) {
      inputs["x2"] = 0.5;
      inputs["x3"] = 0.5;
      paths.push_back("inputs.x2");
      paths.push_back("inputs.x3");
      dists.push_back({{"name", "b"}, {"dist", "uniform"}, {"a", -3}, {"b", 3}});
      dists.push_back({{"name", "c"}, {"dist", "normal"}, {"mu", 0}, {"sigma", 1}});
    }
    json py = {{"id", "py"},
               {"agent", "external"},
               {"task", "python"},
               {"params",
                {{"module", m_module},
                 {"function", function},
                 {"python", "/usr/bin/python3"},
                 {"vectorized", vectorized},
                 {"inputs", inputs}}}};
    json uq_params = {{"model", {{"step", "py"}, {"input", paths}, {"output", "y"}}},
                      {"inputs", dists}};
    uq_params.update(extra);
    json uq = {{"id", "uq"}, {"agent", "uq"}, {"task", uq_task}, {"params", uq_params}};
    return json{{"sciagents", 1}, {"steps", {py, uq}}}.dump();
  }

  std::string singleStepJson(const std::string& module) {
    using nlohmann::json;
    json py = {{"id", "py"},
               {"agent", "external"},
               {"task", "python"},
               {"params",
                {{"module", module},
                 {"function", "f"},
                 {"python", "/usr/bin/python3"},
                 {"inputs", {{"x1", 2}}}}}};
    return json{{"sciagents", 1}, {"steps", {py}}}.dump();
  }

 private slots:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_module = path("model.py");
    QVERIFY(QFile::copy(QString::fromStdString(kModuleSource), QString::fromStdString(m_module)));
    // A shared-memory file left by a process that died (the pid of a child that has exited): the
    // first use of the shared-memory folder removes it (largeArraysTravelInSharedMemory checks).
    if (QFileInfo(QStringLiteral("/dev/shm")).isWritable()) {
      const pid_t child = ::fork();
      if (child == 0) ::_exit(0);
      ::waitpid(child, nullptr, 0);
      m_stale = "/dev/shm/sciagents-py-" + std::to_string(child) + "-0-1";
      std::ofstream(m_stale) << "left behind";
      QVERIFY(QFileInfo::exists(QString::fromStdString(m_stale)));
    }
  }

  void numberListAndDictReturns() {
    const auto sum = runTask(m_task, params("add", Map{{"x1", 1.25}, {"x2", 2.0}}));
    QCOMPARE(sum.out("y").asDouble(), 3.25);
    QCOMPARE(sum.diagnostics.at("function").asString(), std::string("add"));

    const auto list = runTask(m_task, params("pair", Map{{"x1", 1.5}}));
    QVERIFY(list.out("y").asVector() == (Vector(2) << 1.5, 3.0).finished());

    const auto named = runTask(
        m_task, params("named", Map{{"x1", 1.0}, {"v", Vector(Vector::LinSpaced(3, 1, 3))}}));
    QCOMPARE(named.out("s").asDouble(), 7.0);
    QVERIFY(named.out("v2").asVector() == (Vector(3) << 2, 4, 6).finished());

    const auto kept =
        runTask(m_task, params("named", Map{{"x1", 1.0}, {"v", Vector(Vector::Ones(2))}},
                               Map{{"outputs", List{"s"}}}));
    QCOMPARE(kept.outputs.size(), std::size_t{1});
    QCOMPARE(kept.out("s").asDouble(), 3.0);

    const auto tuple =
        runTask(m_task, params("two", Map{{"x1", 4.0}}, Map{{"outputs", List{"a", "b"}}}));
    QCOMPARE(tuple.out("a").asDouble(), 4.0);
    QCOMPARE(tuple.out("b").asDouble(), -4.0);

    const auto renamed = runTask(
        m_task, params("add", Map{{"x1", 1.0}, {"x2", 1.0}}, Map{{"outputs", List{"sum"}}}));
    QCOMPARE(renamed.out("sum").asDouble(), 2.0);
  }

  void badParamsNameParamAndValue() {
    expectParamErrorFrom(
        [&] {
          runTask(m_task, params("add", Map{{"x1", 1.0}}, Map{{"module", "/nonexistent/m.py"}}));
        },
        "module", "/nonexistent/m.py", "missing module");
    expectParamErrorFrom(
        [&] {
          runTask(m_task, params("nosuch", Map{{"x1", 1.0}}));
        },
        "function", "nosuch", "missing function");
    expectParamErrorFrom(
        [&] {
          runTask(m_task, params("add", Map{{"x1", 1.0}}, Map{{"python", "/no/python9"}}));
        },
        "python", "/no/python9", "missing interpreter");
    expectParamErrorFrom(
        [&] {
          runTask(m_task, params("add", Map{{"x1", "abc"}}));
        },
        "inputs", "input 'x1'", "text input");
    const std::string broken = path("broken.py");
    write(broken, "def f(x1):\n    return (\n");
    expectParamErrorFrom(
        [&] {
          runTask(m_task, params("f", Map{{"x1", 1.0}}, Map{{"module", broken}}));
        },
        "module", "SyntaxError", "module that does not import");
    try {
      runTask(m_task, params("text", Map{{"x1", 1.0}}));
      QFAIL("a string return value was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("returned a str") != std::string::npos, e.what());
    }
  }

  void vectorisedEqualsScalarInAStudy() {
    for (const char* task : {"monte_carlo", "sobol"}) {
      const nlohmann::json extra = std::string(task) == "sobol"
                                       ? nlohmann::json{{"n", 256}, {"seed", 4}, {"bootstrap", 20}}
                                       : nlohmann::json{{"n", 700}, {"seed", 4}};
      const auto scalar = runWorkflow(studyJson(task, false, extra), std::string("c-s-") + task);
      const auto vector = runWorkflow(studyJson(task, true, extra), std::string("c-v-") + task);
      QVERIFY2(scalar.status == StepStatus::Succeeded, scalar.step("uq")->error.c_str());
      QVERIFY2(vector.status == StepStatus::Succeeded, vector.step("uq")->error.c_str());
      const Map& a = scalar.step("uq")->outputs;
      const Map& b = vector.step("uq")->outputs;
      QCOMPARE(a.size(), b.size());
      for (const auto& [name, v] : a)
        QVERIFY2(v == b.at(name), (std::string(task) + "." + name).c_str());
      const Map& model = vector.step("uq")->diagnostics.at("model").asMap();
      QVERIFY(model.at("evaluations").asInt() >= 256);
    }
    // The same numbers as the expression itself (exact arithmetic only, see poly()).
    const nlohmann::json mc = {{"n", 700}, {"seed", 4}};
    const auto expr = runWorkflow(studyJson("monte_carlo", false, mc), "c-e");
    nlohmann::json doc = nlohmann::json::parse(studyJson("monte_carlo", false, mc));
    doc["steps"][1]["params"]["model"] = "a + 7.0*b*b + 0.1*c*c*c*c*a";
    const std::string json = doc.dump();
    const auto viaExpression = runWorkflow(json, "c-x");
    QVERIFY2(viaExpression.status == StepStatus::Succeeded,
             viaExpression.step("uq")->error.c_str());
    QCOMPARE(expr.step("uq")->outputs.at("mean").asDouble(),
             viaExpression.step("uq")->outputs.at("mean").asDouble());
  }

  void stepModelsSendBlocksAndSweepsWork() {
    // Through run_batch: a vectorised function sees whole blocks of a study's samples.
    nlohmann::json doc = nlohmann::json::parse(
        studyJson("monte_carlo", true, {{"n", 300}, {"seed", 2}}, "block_size"));
    const auto blocks = runWorkflow(doc.dump(), "c-blocks");
    QVERIFY2(blocks.status == StepStatus::Succeeded, blocks.step("uq")->error.c_str());
    QVERIFY2(blocks.step("uq")->outputs.at("mean").asDouble() > 16,
             "the step model did not send blocks of samples");
    // A sweep over one input: one worker call per point, outputs as lists.
    doc = nlohmann::json::parse(singleStepJson(m_module));
    doc["steps"][0]["params"]["function"] = "pair";
    doc["steps"][0]["sweep"] = {{"param", "inputs.x1"}, {"values", {1, 2, 3}}};
    const auto sweep = runWorkflow(doc.dump(), "c-sweep");
    QVERIFY2(sweep.status == StepStatus::Succeeded, sweep.step("py")->error.c_str());
    const List& ys = sweep.step("py")->outputs.at("y").asList();
    QCOMPARE(ys.size(), std::size_t{3});
    QVERIFY(ys[2].asVector() == (Vector(2) << 3, 6).finished());
  }

  void raisingSamplesAreReportedPerSample() {
    const std::vector<double> x{0.1, 0.2, 0.9, 0.3, 0.7};
    try {
      batch("picky", x);
      QFAIL("a raising sample did not stop the batch with on_failure fail");
    } catch (const Error& e) {
      const std::string m = e.what();
      QVERIFY2(m.find("param set #2 of 5") != std::string::npos,
               e.what());  // the lowest failing one
      QVERIFY2(m.find("x1=0.9") != std::string::npos, e.what());
      QVERIFY2(m.find("ValueError: x1 too large: 0.9") != std::string::npos, e.what());
      QVERIFY2(m.find("in picky") != std::string::npos, e.what());  // the traceback's last lines
    }
    const auto out = batch("picky", x, Map{{"on_failure", "nan"}});
    QCOMPARE(out.size(), x.size());
    QCOMPARE(out[0].at("y").asDouble(), 1.0);
    QCOMPARE(out[3].at("y").asDouble(), 3.0);
    QVERIFY(std::isnan(out[2].at("y").asDouble()));
    QVERIFY(std::isnan(out[4].at("y").asDouble()));

    // One evaluation: an error naming the inputs and the exception, or NaN with the failure noted.
    try {
      runTask(m_task, params("picky", Map{{"x1", 0.8}}));
      QFAIL("no error");
    } catch (const Error& e) {
      QCOMPARE(e.code(), ErrorCode::RunFailed);
      QVERIFY2(std::string(e.what()).find("x1=0.8") != std::string::npos, e.what());
      QVERIFY2(std::string(e.what()).find("ValueError") != std::string::npos, e.what());
    }
    const auto nan = runTask(m_task, params("picky", Map{{"x1", 0.8}}, Map{{"on_failure", "nan"}}));
    QVERIFY(std::isnan(nan.out("y").asDouble()));
    QVERIFY(nan.diagnostics.at("failure").asString().find("ValueError") != std::string::npos);

    // In a study: the step-model error names the sample block and the Python exception.
    const std::string json = studyJson("monte_carlo", false, {{"n", 100}, {"seed", 1}}, "picky");
    const auto study = runWorkflow(json, "c-picky");
    QCOMPARE(study.step("uq")->status, StepStatus::Failed);
    QVERIFY2(study.step("uq")->error.find("ValueError: x1 too large") != std::string::npos,
             study.step("uq")->error.c_str());
    QVERIFY2(study.step("uq")->error.find("failed in samples #") != std::string::npos,
             study.step("uq")->error.c_str());
  }

  void aWorkerThatExitsIsRestartedAndReported() {
    const std::vector<double> x{0, 1, 2, 3, 4, 5};
    const auto out = batch("quits", x, Map{{"on_failure", "nan"}});
    for (std::size_t k = 0; k < x.size(); ++k) {
      if (k == 3)
        QVERIFY(std::isnan(out[k].at("y").asDouble()));
      else
        QCOMPARE(out[k].at("y").asDouble(), 2 * x[k]);
    }
    try {
      batch("quits", x);
      QFAIL("no error");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("param set #3") != std::string::npos, e.what());
      QVERIFY2(std::string(e.what()).find("died (exit status 3)") != std::string::npos, e.what());
    }
    // The pool still works afterwards.
    QCOMPARE(batch("quits", {7})[0].at("y").asDouble(), 14.0);
  }

  void aStuckWorkerIsKilledByItsTimeout() {
    const std::string pids = path("pids.txt");
    std::remove(pids.c_str());
    try {
      runTask(m_task, params("spin", Map{{"x1", 1.0}, {"marker", 0.0}}, Map{{"timeout_s", 3.0}}));
      QFAIL("no timeout");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("timed out after 3 s") != std::string::npos, e.what());
    }
    int worker = 0, child = 0;
    std::ifstream(pids) >> worker >> child;
    QVERIFY(worker > 0 && child > 0);
    QVERIFY2(processGone(worker), "the timed-out worker is still running");
    QVERIFY2(processGone(child), "the worker's child is still running");
  }

  void memoryLimitStopsAHog() {
    try {
      runTask(m_task, params("hog", Map{{"x1", 1.0}}, Map{{"memory_mb", 600.0}}));
      QFAIL("a 2 GB allocation passed a 600 MB limit");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("MemoryError") != std::string::npos, e.what());
    }
  }

  void policyCpuLimitEndsASpinningWorker() {
    auto policy = std::make_shared<ExternalPolicy>();
    policy->cpu_time_s = 1.0;
    TaskContext ctx(m_task,
                    m_task.resolveParams(params("spin", Map{{"x1", 1.0}, {"marker", 0.0}})));
    ctx.setExternalPolicy(policy);
    try {
      m_task.run(ctx);
      QFAIL("the CPU-time limit did not stop the worker");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("killed by signal " + std::to_string(SIGXCPU)) !=
                   std::string::npos,
               e.what());
    }
    int worker = 0, child = 0;
    std::ifstream(path("pids.txt")) >> worker >> child;
    QVERIFY(worker > 0 && child > 0);
    QVERIFY(processGone(worker));
    QVERIFY(processGone(child));
  }

  void cancelKillsTheBusyWorker() {
    const std::string pids = path("pids.txt");
    std::remove(pids.c_str());
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    std::thread canceller([&] {
      for (int i = 0; i < 1000 && ::access(pids.c_str(), F_OK) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      cancel->store(true);
    });
    try {
      runTask(m_task, params("spin", Map{{"x1", 1.0}, {"marker", 0.0}}), nullptr, cancel);
      QFAIL("not cancelled");
    } catch (const Error& e) {
      QCOMPARE(e.code(), ErrorCode::Cancelled);
    }
    canceller.join();
    int worker = 0, child = 0;
    std::ifstream(pids) >> worker >> child;
    QVERIFY(worker > 0 && child > 0);
    QVERIFY(processGone(worker));
    QVERIFY(processGone(child));
  }

  void cacheFollowsTheModuleContent() {
    const std::string mod = path("cached.py");
    write(mod, "def f(x1):\n    return x1 + 1\n");
    const std::string json = singleStepJson(mod);
    const auto first = runWorkflow(json, "c-mod");
    QVERIFY2(first.status == StepStatus::Succeeded, first.step("py")->error.c_str());
    QVERIFY(!first.step("py")->cached);
    QCOMPARE(first.step("py")->outputs.at("y").asDouble(), 3.0);
    const auto again = runWorkflow(json, "c-mod");
    QVERIFY(again.step("py")->cached);
    write(mod, "def f(x1):\n    return x1 + 100\n");
    const auto changed = runWorkflow(json, "c-mod");
    QVERIFY(!changed.step("py")->cached);
    QCOMPARE(changed.step("py")->outputs.at("y").asDouble(), 102.0);
  }

  void policyRootsAndDisabled() {
    QTemporaryDir root;
    const std::string inside = root.filePath("inside.py").toStdString();
    write(inside, "def f(x1):\n    return -x1\n");
    const std::string link = root.filePath("escape.py").toStdString();
    QCOMPARE(::symlink(m_module.c_str(), link.c_str()), 0);
    auto policy = std::make_shared<ExternalPolicy>();
    policy->allowed_roots = {root.path().toStdString()};
    auto runWith = [&](const std::string& module, std::shared_ptr<const ExternalPolicy> p,
                       const char* fn) {
      TaskContext ctx(m_task,
                      m_task.resolveParams(params(fn, Map{{"x1", 2.0}}, Map{{"module", module}})));
      ctx.setExternalPolicy(std::move(p));
      m_task.run(ctx);
      return ctx.takeOutputs();
    };
    QCOMPARE(runWith(inside, policy, "f").at("y").asDouble(), -2.0);
    expectParamErrorFrom([&] { runWith(m_module, policy, "add"); }, "module",
                         "outside the folders external models may use", "module outside the roots");
    expectParamErrorFrom([&] { runWith(link, policy, "add"); }, "module",
                         "resolves to '" + m_module, "symlink out of the roots");
    const std::string dotdot = root.path().toStdString() + "/../" +
                               QFileInfo(m_dir.path()).fileName().toStdString() + "/model.py";
    expectParamErrorFrom([&] { runWith(dotdot, policy, "add"); }, "module",
                         "outside the folders external models may use", "'..' out of the roots");
    auto off = std::make_shared<ExternalPolicy>();
    off->enabled = false;
    off->disabled_reason = "start the server with --allow-external DIR";
    expectParamErrorFrom([&] { runWith(inside, off, "f"); }, "module", "--allow-external",
                         "disabled policy");
  }

  void largeArraysTravelInSharedMemory() {
    namespace ext = sciagents::core::agents::external;
    if (ext::sharedMemoryDir().empty()) QSKIP("no shared-memory folder on this system");
    if (!m_stale.empty())
      QVERIFY2(!QFileInfo::exists(QString::fromStdString(m_stale)),
               "a dead process's file was left");
    // 20000 points in one block (1 thread) and in two (2 threads): 160 and 80 KB per array, past
    // kSharedMinBytes, so inputs and results go through shared-memory files.
    std::vector<double> x(20000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25 * static_cast<double>(i) - 7.0;
    for (int threads : {1, 2}) {
      const auto out = batch("doubled_in_place", x, Map{{"vectorized", true}}, threads);
      QCOMPARE(out.size(), x.size());
      for (std::size_t i = 0; i < x.size(); ++i) QCOMPARE(out[i].at("y").asDouble(), 2 * x[i] + 1);
    }
    // The frame carries a file name, not the data; the file is lent to the call and then reused.
    std::string file;
    for (int round = 0; round < 2; ++round) {
      ext::SharedArrays files;
      ext::CallFrameWriter w(1, &files);
      w.array("x1", x.data(), x.size());
      w.offerResult(x.size());
      const std::string frame = w.finish();
      QVERIFY(frame.size() < 400);
      QCOMPARE(frame[4], 'V');  // a call with an offered result file
      QCOMPARE(files.size(), std::size_t{2});
      QVERIFY(QFileInfo::exists(QString::fromStdString(files[0]->path())));
      if (round == 1)  // the same size again: an idle file of the first round
        QVERIFY(files[0]->path() == file || files[1]->path() == file);
      file = files[0]->path();
    }
    // Idle files are bounded (removed when the process exits).
    const std::string mine = "sciagents-py-" + std::to_string(::getpid()) + "-";
    std::size_t idle = 0;
    for (const auto& e : std::filesystem::directory_iterator(ext::sharedMemoryDir()))
      idle += e.path().filename().string().rfind(mine, 0) == 0;
    QVERIFY(idle <= ext::kSharedIdleFiles);
  }

  void aSharedResultOutsideTheFolderIsRefused() {
    namespace ext = sciagents::core::agents::external;
    // A worker runs the user's code: a result naming any other file is a broken frame, and that
    // file is neither read nor removed.
    const std::string victim = path("victim.bin");
    write(victim, std::string(16, 'x'));
    std::string body = "rA";
    const auto u32 = [&body](std::uint32_t v) { body.append(reinterpret_cast<char*>(&v), 4); };
    u32(static_cast<std::uint32_t>(victim.size()));
    body += victim;
    u32(2);
    std::string frame;
    const auto len = static_cast<std::uint32_t>(body.size());
    frame.append(reinterpret_cast<const char*>(&len), 4);
    frame += body;
    ext::ReplyBuffer replies;
    replies.append(frame.data(), frame.size());
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, replies.take());
    QVERIFY(QFileInfo::exists(QString::fromStdString(victim)));
  }

  void idleWorkersExitAfterTheirIdlePeriod() {
    namespace ext = sciagents::core::agents::external;
    ext::WorkerSpec spec;
    spec.python = "/usr/bin/python3";
    spec.module = m_module;
    spec.function = "pair";
    spec.idle_s = 0.2;
    spec.key = "idle-test";
    ext::CallFrameWriter w(1);
    w.number("x1", 2.0);
    const std::vector<std::string> frames{w.finish()};
    ext::CallOptions o;
    const auto out = ext::callWorkers(spec, frames, o);
    QVERIFY(out[0].ok);
    QCOMPARE(PythonPool::instance().idleCount("idle-test"), std::size_t{1});
    pid_t pid = 0;
    {
      auto w = PythonPool::instance().takeIdle("idle-test");
      QVERIFY(w);
      pid = w->pid();
      PythonPool::instance().giveBack("idle-test", std::move(w), 1);
    }
    // Hang guard only: the worker leaves by itself after 0.2 s idle; the pool then reaps it.
    for (int i = 0; i < 500 && PythonPool::instance().idleCount("idle-test") > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    QCOMPARE(PythonPool::instance().idleCount("idle-test"), std::size_t{0});
    QVERIFY(processGone(pid));
  }

  void noWorkerIsLeftBehind() {
    runTask(m_task, params("add", Map{{"x1", 1.0}, {"x2", 2.0}}), nullptr, {}, 2);
    const auto idle = PythonPool::instance().idlePids();
    QVERIFY(!idle.empty());  // this call's worker at least, waiting to be reused
    for (pid_t pid : idle) QVERIFY(::kill(pid, 0) == 0);
    PythonPool::instance().clear();
    QVERIFY(PythonPool::instance().idlePids().empty());
    for (pid_t pid : idle) QVERIFY2(processGone(pid), std::to_string(pid).c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestExternalPython)

}  // namespace test_external_python
#include "test_external_python.moc"
