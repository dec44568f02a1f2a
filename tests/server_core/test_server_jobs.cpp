// JobManager on the real engine: queue bound, runs, cancel really stops and frees the slot,
// wall-time limits, SSE event history, restart resume (rerun and fail), graceful-shutdown requeue,
// cancels committed before they act, per-user caps and turns, and the worker-process runner.
#include "core/agent/agent_registry.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/job_store.h"
#include "core/util/clock.h"
#include "core/value/value_json.h"
#include "server/job_manager.h"
#include "server/result_files.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/test_main.h"

namespace test_server_jobs {

using namespace sciagents;
using namespace sciagents::server;
using core::store::JobState;

namespace {
const char* kSolve =
    R"({"sciagents":1,"name":"lin","steps":[{"id":"s","agent":"linear_algebra","task":"solve","params":{"A":[[2,1],[1,3]],"b":[1,2]}}]})";
// An oscillator integrated over a huge interval at tight tolerance: runs for minutes unless
// stopped.
const char* kLong =
    R"({"sciagents":1,"name":"long","steps":[{"id":"o","agent":"ode_pde","task":"ivp","params":{"rhs":["y2","-y1"],
        "states":["y1","y2"],"y0":[1,0],"t_span":[0,1e9],"rtol":1e-12,"atol":1e-14,"method":"dop853",
        "max_num_steps":1000000000}}]})";

SubmitRequest request(const char* text, const std::string& owner = "alice") {
  SubmitRequest r;
  r.owner = owner;
  r.workflow = core::parseWorkflow(text);
  r.no_cache = true;
  return r;
}

// Polls until pred() holds; generous bound so slow machines pass, never a fixed sleep.
template <class Pred>
bool waitFor(Pred pred, std::chrono::seconds bound = std::chrono::seconds(120)) {
  const auto end = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}
}  // namespace

class TestServerJobs : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  core::metrics::MetricsRegistry m_metrics;
  int m_n = 0;

  std::filesystem::path freshDb() {
    return m_dir.filePath(QString("jobs%1.db").arg(++m_n)).toStdString();
  }
  JobManagerOptions options(int workers = 1) {
    JobManagerOptions o;
    o.workers = workers;
    o.threads_per_job = 1;
    o.cache_dir = m_dir.filePath("cache").toStdString();
    o.registry = &core::AgentRegistry::builtin();
    return o;
  }
  static JobState stateOf(JobManager& m, const std::string& id) {
    return m.status(id)->record.state;
  }

 private slots:
  void queueIsBounded() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.queue_max = 2;
    o.start_workers = false;
    JobManager m(store, o, m_metrics);
    m.start();
    QCOMPARE(m.submit(request(kSolve)).outcome, SubmitOutcome::Accepted);
    QCOMPARE(m.submit(request(kSolve)).outcome, SubmitOutcome::Accepted);
    QCOMPARE(m.submit(request(kSolve)).outcome, SubmitOutcome::QueueFull);
    QCOMPARE(m.queued(), 2);
    m.shutdown(std::chrono::seconds(0));
    QCOMPARE(m.submit(request(kSolve)).outcome, SubmitOutcome::ShuttingDown);
  }

  void runsAJobToItsResult() {
    core::store::JobStore store(freshDb());
    JobManager m(store, options(), m_metrics);
    m.start();
    const auto id = m.submit(request(kSolve)).id;
    QVERIFY(waitFor([&] { return core::store::isFinished(stateOf(m, id)); }));
    auto s = m.status(id);
    QCOMPARE(s->record.state, JobState::Succeeded);
    QCOMPARE(s->fraction, 1.0);
    QCOMPARE(s->steps_done, std::int64_t{1});
    QVERIFY(s->record.started_us && s->record.finished_us);
    auto doc = nlohmann::json::parse(m.result(id).value());
    QCOMPARE(doc["sciagents_result"].get<int>(), 1);
    QCOMPARE(doc["status"].get<std::string>(), std::string("succeeded"));
    QVERIFY(doc["steps"]["s"]["outputs"].contains("x"));
    // A subscriber to a recently finished job gets its history, ending with one done.
    auto sub = m.subscribe(id, 0, [](const EventPtr&) {});
    QVERIFY(sub.found && sub.finished);
    QCOMPARE(sub.state, JobState::Succeeded);
    QVERIFY(sub.replay.size() >= 3);
    QCOMPARE(sub.replay.front()->type, std::string("step_started"));
    QCOMPARE(sub.replay.back()->type, std::string("done"));
    // After the last event, only done remains; with no history kept, state then done at once.
    auto tail = m.subscribe(id, sub.replay.back()->seq - 1, [](const EventPtr&) {});
    QCOMPARE(tail.replay.size(), std::size_t{1});
    QCOMPARE(tail.replay[0]->type, std::string("done"));
    QVERIFY(!m.subscribe("0123", 0, [](const EventPtr&) {}).found);
  }

  void cancelStopsTheEngineAndFreesTheSlot() {
    core::store::JobStore store(freshDb());
    JobManager m(store, options(1), m_metrics);
    m.start();
    const auto id = m.submit(request(kLong)).id;
    const auto quick = m.submit(request(kSolve)).id;
    std::vector<std::string> types;
    std::mutex mu;
    QVERIFY(waitFor([&] { return stateOf(m, id) == JobState::Running; }));
    auto sub = m.subscribe(id, 0, [&](const EventPtr& e) {
      std::lock_guard lock(mu);
      types.push_back(e->type);
    });
    QVERIFY(sub.found && !sub.finished);
    QCOMPARE(sub.state, JobState::Running);
    QCOMPARE(stateOf(m, quick), JobState::Queued);  // one slot, taken by the long job
    QCOMPARE(m.cancel(id).value(), JobState::Running);
    QVERIFY(waitFor([&] { return stateOf(m, id) == JobState::Cancelled; }));
    QCOMPARE(m.status(id)->record.error, std::string("cancelled"));
    QVERIFY(m.result(id).has_value());  // the partial result document is kept
    // The freed slot runs the next job.
    QVERIFY(waitFor([&] { return stateOf(m, quick) == JobState::Succeeded; }));
    {
      // Not held while calling into the manager below: the subscriber takes `mu` under the
      // manager's lock, so holding it across m.cancel() would invert the lock order.
      std::lock_guard lock(mu);
      QVERIFY(!types.empty());
      QCOMPARE(types.back(), std::string("done"));
    }
    // Cancel of a finished job leaves it unchanged.
    QCOMPARE(m.cancel(quick).value(), JobState::Succeeded);
    QVERIFY(!m.cancel("ffffffffffffffffffffffffffffffff"));
  }

  void cancelQueuedJobAtOnce() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.start_workers = false;
    JobManager m(store, o, m_metrics);
    m.start();
    const auto id = m.submit(request(kSolve)).id;
    QCOMPARE(m.cancel(id).value(), JobState::Cancelled);
    QCOMPARE(store.get(id)->state, JobState::Cancelled);
    QCOMPARE(m.queued(), 0);
  }

  void wallTimeLimitTimesOut() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.wall_time_s = 3600;
    JobManager m(store, o, m_metrics);
    m.start();
    auto req = request(kLong);
    req.wall_time_s = 0.3;  // below the server cap: used
    const auto id = m.submit(std::move(req)).id;
    QVERIFY(waitFor([&] { return core::store::isFinished(stateOf(m, id)); }));
    auto s = m.status(id);
    QCOMPARE(s->record.state, JobState::TimedOut);
    QVERIFY(s->record.error.find("wall time") != std::string::npos);
    QVERIFY(s->record.wall_time_s <= 0.3 + 1e-9);
  }

  void eventHistoryIsBoundedAndReplayed() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.history_max = 50;
    JobManager m(store, o, m_metrics);
    m.start();
    // A Poisson solve with an iterative solver reports progress and residual metrics.
    const auto id =
        m.submit(request(R"({"sciagents":1,"steps":[{"id":"p","agent":"ode_pde","task":"poisson",
        "params":{"dim":2,"n":64,"f":"1","solver":"cg"}}]})"))
            .id;
    QVERIFY(waitFor([&] { return core::store::isFinished(stateOf(m, id)); }));
    QCOMPARE(stateOf(m, id), JobState::Succeeded);
    // Live subscription during a run: replay after a sequence number skips older events.
    const auto id2 = m.submit(request(kLong)).id;
    QVERIFY(waitFor([&] { return stateOf(m, id2) == JobState::Running; }));
    // Wait until the engine has reported something (the job turns running just before).
    QVERIFY(waitFor([&] {
      auto probe = m.subscribe(id2, 0, [](const EventPtr&) {});
      m.unsubscribe(id2, probe.subscriber);
      return !probe.replay.empty();
    }));
    auto all = m.subscribe(id2, 0, [](const EventPtr&) {});
    QVERIFY(!all.replay.empty());
    QVERIFY(all.replay.size() <= 50);
    QCOMPARE(all.replay.front()->type, std::string("step_started"));
    const auto last = all.replay.back()->seq;
    auto later = m.subscribe(id2, last, [](const EventPtr&) {});
    for (const auto& e : later.replay) QVERIFY(e->seq > last);
    m.unsubscribe(id2, all.subscriber);
    m.unsubscribe(id2, later.subscriber);
    m.cancel(id2);
    QVERIFY(waitFor([&] { return stateOf(m, id2) == JobState::Cancelled; }));
  }

  void resumeAfterRestartReruns() {
    const auto db = freshDb();
    std::string running, queued, done;
    {
      core::store::JobStore store(db);
      auto o = options();
      o.start_workers = false;
      JobManager m(store, o, m_metrics);
      m.start();
      running = m.submit(request(kSolve)).id;
      queued = m.submit(request(kSolve)).id;
      done = m.submit(request(kSolve)).id;
      m.shutdown(std::chrono::seconds(0));
      // Simulate a crash: one job was running, one had finished with a result.
      store.markRunning(running, core::unixMicros());
      store.markRunning(done, core::unixMicros());
      store.finish(done, JobState::Succeeded, core::unixMicros(), "",
                   R"({"sciagents_result":1,"status":"succeeded"})", 1);
    }
    core::store::JobStore store(db);
    JobManager m(store, options(), m_metrics);
    m.start();
    QVERIFY(waitFor([&] {
      return stateOf(m, running) == JobState::Succeeded &&
             stateOf(m, queued) == JobState::Succeeded;
    }));
    QCOMPARE(stateOf(m, done), JobState::Succeeded);
    QCOMPARE(m.result(done).value(), std::string(R"({"sciagents_result":1,"status":"succeeded"})"));
  }

  void resumeAfterRestartFailsWhenAsked() {
    const auto db = freshDb();
    std::string running;
    {
      core::store::JobStore store(db);
      auto o = options();
      o.start_workers = false;
      JobManager m(store, o, m_metrics);
      m.start();
      running = m.submit(request(kSolve)).id;
      m.shutdown(std::chrono::seconds(0));
      store.markRunning(running, core::unixMicros());
    }
    core::store::JobStore store(db);
    auto o = options();
    o.resume = ResumeMode::Fail;
    JobManager m(store, o, m_metrics);
    m.start();
    auto s = m.status(running);
    QCOMPARE(s->record.state, JobState::Failed);
    QCOMPARE(s->record.error, std::string("server restarted while the job was running"));
  }

  void shutdownRequeuesUnfinishedJobs() {
    const auto db = freshDb();
    core::store::JobStore store(db);
    JobManager m(store, options(1), m_metrics);
    m.start();
    const auto id = m.submit(request(kLong)).id;
    const auto waiting = m.submit(request(kSolve)).id;
    QVERIFY(waitFor([&] { return stateOf(m, id) == JobState::Running; }));
    m.shutdown(std::chrono::milliseconds(100));
    QCOMPARE(store.get(id)->state, JobState::Queued);  // interrupted: runs again after a restart
    QCOMPARE(store.get(waiting)->state, JobState::Queued);  // never started
    QVERIFY(!store.get(id)->started_us);
    QVERIFY(m.shuttingDown());
  }

  void cancelIsCommittedBeforeTheJobStops() {
    core::store::JobStore store(freshDb());
    JobManager m(store, options(1), m_metrics);
    m.start();
    const auto id = m.submit(request(kLong)).id;
    QVERIFY(waitFor([&] { return stateOf(m, id) == JobState::Running; }));
    m.cancel(id);
    // Stored at once, before the work has stopped: a crash now cannot bring the job back.
    QCOMPARE(store.get(id)->state, JobState::Cancelled);
    QVERIFY(store.inState(JobState::Running).empty());
    QVERIFY(waitFor([&] { return stateOf(m, id) == JobState::Cancelled; }));
    QCOMPARE(store.get(id)->state, JobState::Cancelled);
  }

  void shutdownKeepsACancelledJobCancelled() {
    core::store::JobStore store(freshDb());
    JobManager m(store, options(1), m_metrics);
    m.start();
    const auto id = m.submit(request(kLong)).id;
    QVERIFY(waitFor([&] { return stateOf(m, id) == JobState::Running; }));
    m.cancel(id);
    m.shutdown(std::chrono::seconds(0));
    QCOMPARE(store.get(id)->state, JobState::Cancelled);  // not requeued by the shutdown
  }

  void perUserQueueCap() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.max_queued_per_user = 2;
    o.start_workers = false;
    JobManager m(store, o, m_metrics);
    m.start();
    const auto a1 = m.submit(request(kSolve, "alice"));
    QCOMPARE(a1.outcome, SubmitOutcome::Accepted);
    QCOMPARE(m.submit(request(kSolve, "alice")).outcome, SubmitOutcome::Accepted);
    QCOMPARE(m.submit(request(kSolve, "alice")).outcome, SubmitOutcome::UserQueueFull);
    QCOMPARE(m.submit(request(kSolve, "bob")).outcome, SubmitOutcome::Accepted);
    m.cancel(a1.id);  // a cancelled job frees its place in the user's queue
    QCOMPARE(m.submit(request(kSolve, "alice")).outcome, SubmitOutcome::Accepted);
  }

  void perUserRunningCapLeavesASlotToOthers() {
    core::store::JobStore store(freshDb());
    auto o = options(2);
    o.max_running_per_user = 1;
    JobManager m(store, o, m_metrics);
    m.start();
    const auto a1 = m.submit(request(kLong, "alice")).id;
    const auto a2 = m.submit(request(kLong, "alice")).id;
    QVERIFY(waitFor([&] { return stateOf(m, a1) == JobState::Running; }));
    const auto b = m.submit(request(kSolve, "bob")).id;
    QVERIFY(waitFor([&] { return stateOf(m, b) == JobState::Succeeded; }));
    QCOMPARE(stateOf(m, a2), JobState::Queued);  // alice is at her cap; the free slot was bob's
    m.cancel(a1);
    QVERIFY(waitFor([&] { return stateOf(m, a2) == JobState::Running; }));
    m.cancel(a2);
    QVERIFY(waitFor([&] { return stateOf(m, a2) == JobState::Cancelled; }));
  }

  void usersTakeTurns() {
    core::store::JobStore store(freshDb());
    JobManager m(store, options(1), m_metrics);
    m.start();
    const auto a1 = m.submit(request(kLong, "alice")).id;
    QVERIFY(waitFor([&] { return stateOf(m, a1) == JobState::Running; }));
    const auto a2 = m.submit(request(kSolve, "alice")).id;
    const auto a3 = m.submit(request(kSolve, "alice")).id;
    const auto b = m.submit(request(kSolve, "bob")).id;  // queued after alice's two
    m.cancel(a1);
    QVERIFY(waitFor([&] {
      return stateOf(m, a2) == JobState::Succeeded && stateOf(m, a3) == JobState::Succeeded &&
             stateOf(m, b) == JobState::Succeeded;
    }));
    // Bob's turn came before alice's next job although he submitted last.
    QVERIFY(*m.status(b)->record.started_us <= *m.status(a2)->record.started_us);
    QVERIFY(*m.status(a2)->record.started_us <= *m.status(a3)->record.started_us);
  }

  void workerProcessRunsAndIsKilled() {
    core::store::JobStore store(freshDb());
    auto o = options(1);
    o.isolation = JobIsolation::Process;
    o.worker_exe = SCIAGENTS_BINARY_DIR "/bin/sciagents";
    JobManager m(store, o, m_metrics);
    m.start();
    std::vector<std::string> types;
    std::mutex mu;
    const auto id = m.submit(request(kSolve)).id;
    m.subscribe(id, 0, [&](const EventPtr& e) {
      std::lock_guard lock(mu);
      types.push_back(e->type);
    });
    QVERIFY(waitFor([&] { return core::store::isFinished(stateOf(m, id)); }));
    QCOMPARE(stateOf(m, id), JobState::Succeeded);
    const auto doc = nlohmann::json::parse(m.result(id).value());
    QCOMPARE(doc["status"].get<std::string>(), std::string("succeeded"));
    QVERIFY(doc["steps"]["s"]["outputs"].contains("x"));
    QCOMPARE(m.status(id)->steps_done, std::int64_t{1});
    {
      std::lock_guard lock(mu);
      QVERIFY(std::find(types.begin(), types.end(), "step_finished") != types.end());
      QCOMPARE(types.back(), std::string("done"));
    }
    // A job in a worker process: cancel kills its process group.
    const auto slow = m.submit(request(kLong)).id;
    QVERIFY(waitFor([&] { return stateOf(m, slow) == JobState::Running; }));
    m.cancel(slow);
    QVERIFY(waitFor([&] { return stateOf(m, slow) == JobState::Cancelled; }));
    // And the wall-time cap.
    auto req = request(kLong);
    req.wall_time_s = 0.5;
    const auto capped = m.submit(std::move(req)).id;
    QVERIFY(waitFor([&] { return core::store::isFinished(stateOf(m, capped)); }));
    QCOMPARE(stateOf(m, capped), JobState::TimedOut);
  }

  void retentionRemovesOldFinishedJobs() {
    core::store::JobStore store(freshDb());
    core::store::JobRecord r;
    r.id = "0000000000000000000000000000000a";
    r.owner = "a";
    r.spec = kSolve;
    r.created_us = 1;
    store.insert(r);
    store.finish(r.id, JobState::Succeeded, 2, "", "{}", 1);  // finished in 1970
    auto o = options();
    o.retention_days = 1;
    o.start_workers = false;
    JobManager m(store, o, m_metrics);
    m.start();  // retention runs at startup
    QVERIFY(!store.get(r.id));
  }

  // Issue 22: results on disk, large arrays as .npy sidecars, a size cap and a per-token quota.
  std::string runTo(JobManager& m, SubmitRequest r) {
    const auto id = m.submit(std::move(r)).id;
    [&] { QVERIFY(waitFor([&] { return core::store::isFinished(stateOf(m, id)); })); }();
    return id;
  }

  void resultsAreFilesWithNpySidecars() {
    core::store::JobStore store(freshDb());
    auto o = options();
    const std::filesystem::path dir = m_dir.filePath("results-sidecars").toStdString();
    o.results = std::make_shared<const ResultFiles>(dir, ResultLimits{0, 0, 2});
    JobManager m(store, o, m_metrics);
    m.start();
    auto req = request(kSolve);
    req.owner_id = "tok-a";
    const auto id = runTo(m, std::move(req));
    QCOMPARE(stateOf(m, id), JobState::Succeeded);
    const auto file = store.resultFile(id);
    QVERIFY(file);
    QCOMPARE(std::filesystem::path(*file), dir / id / "result.json");
    QVERIFY(!store.result(id));  // not in the database row
    std::ifstream in(*file);
    const auto doc = nlohmann::json::parse(in);
    const auto& x = doc["steps"]["s"]["outputs"]["x"];
    QCOMPARE(x["$type"].get<std::string>(), std::string("npy"));
    const std::string rel = x["path"].get<std::string>();
    QCOMPARE(rel.rfind("files/", 0), std::size_t{0});
    const auto npy = ResultFiles::sidecar(*file, rel.substr(6));
    QVERIFY(npy);
    const auto v = core::readNpy(*npy).asVector();  // A = [[2,1],[1,3]], b = [1,2]
    QCOMPARE(v.size(), Eigen::Index{2});
    QVERIFY(std::abs(v[0] - 0.2) < 1e-12 && std::abs(v[1] - 0.6) < 1e-12);
    const auto rec = store.get(id);
    QVERIFY(rec->has_result);
    QVERIFY(rec->result_bytes > 0);
    QCOMPARE(store.resultBytesOf("tok-a"), rec->result_bytes);
    QVERIFY(!ResultFiles::sidecar(*file, "../result.json"));
    QVERIFY(!ResultFiles::sidecar(*file, "missing.npy"));
  }

  void resultOverTheCapFailsTheJob() {
    core::store::JobStore store(freshDb());
    auto o = options();
    const std::filesystem::path dir = m_dir.filePath("results-cap").toStdString();
    o.results = std::make_shared<const ResultFiles>(dir, ResultLimits{64, 0, 0});
    JobManager m(store, o, m_metrics);
    m.start();
    auto req = request(kSolve);
    req.owner_id = "tok-a";
    const auto id = runTo(m, std::move(req));
    QCOMPARE(stateOf(m, id), JobState::Failed);
    const auto err = m.status(id)->record.error;
    QVERIFY2(err.find("result-size cap of 64 bytes") != std::string::npos, err.c_str());
    QVERIFY(!store.resultFile(id) && !store.result(id));
    QVERIFY(!std::filesystem::exists(dir / id));  // nothing left on disk
    QCOMPARE(store.resultBytesOf("tok-a"), std::int64_t{0});
  }

  void resultOverTheQuotaFailsTheJob() {
    core::store::JobStore store(freshDb());
    auto o = options();
    const std::filesystem::path dir = m_dir.filePath("results-quota").toStdString();
    o.results = std::make_shared<const ResultFiles>(dir, ResultLimits{0, 1 << 20, 0});
    JobManager m(store, o, m_metrics);
    m.start();
    auto first = request(kSolve);
    first.owner_id = "tok-a";
    const auto ok = runTo(m, std::move(first));
    QCOMPARE(stateOf(m, ok), JobState::Succeeded);
    // The owner's stored results now take (almost) the whole quota.
    const auto used = store.get(ok)->result_bytes;
    store.finish(ok, JobState::Succeeded, core::unixMicros(), "", "", 1,
                 {*store.resultFile(ok), (1 << 20) - used / 2});
    auto second = request(kSolve);
    second.owner_id = "tok-a";
    const auto over = runTo(m, std::move(second));
    QCOMPARE(stateOf(m, over), JobState::Failed);
    const auto err = m.status(over)->record.error;
    QVERIFY2(err.find("storage quota of 1.0 MiB") != std::string::npos, err.c_str());
    auto other = request(kSolve);  // another token has its own quota
    other.owner_id = "tok-b";
    const auto fine = runTo(m, std::move(other));
    QCOMPARE(stateOf(m, fine), JobState::Succeeded);
  }

  // Issue 22: the result cache is per token: nobody gets another token's cached entry (with its
  // start time, host and PID in the provenance).
  void cacheEntriesArePerToken() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.cache_dir = m_dir.filePath("cache-per-token").toStdString();
    JobManager m(store, o, m_metrics);
    m.start();
    auto run = [&](const std::string& owner_id) {
      auto r = request(kSolve);
      r.no_cache = false;
      r.owner_id = owner_id;
      const auto id = runTo(m, std::move(r));
      return nlohmann::json::parse(m.result(id).value())["steps"]["s"];
    };
    const auto a1 = run("tok-a");
    const auto a2 = run("tok-a");
    const auto b1 = run("tok-b");
    QCOMPARE(a1["cached"].get<bool>(), false);
    QCOMPARE(a2["cached"].get<bool>(), true);  // the cache still works within a token
    QCOMPARE(b1["cached"].get<bool>(), false);
    QVERIFY(b1["timing"]["start_unix_us"] != a1["timing"]["start_unix_us"]);
    QVERIFY(std::filesystem::is_directory(o.cache_dir / "tok-a"));
    QVERIFY(std::filesystem::is_directory(o.cache_dir / "tok-b"));
  }

  // Issue 22: a step model's samples are not cached one file each on the server (the steps are).
  void stepModelSamplesWriteNoCacheFiles() {
    core::store::JobStore store(freshDb());
    auto o = options();
    o.cache_dir = m_dir.filePath("cache-samples").toStdString();
    JobManager m(store, o, m_metrics);
    m.start();
    SubmitRequest r;
    r.owner = "a";
    r.owner_id = "tok-a";
    r.workflow = core::parseWorkflow(R"({"sciagents":1,"name":"uq","steps":[
        {"id":"sim","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y"],"states":["y"],
         "y0":[1],"t_span":[0,1],"constants":{"k":1}}},
        {"id":"uq","agent":"uq","task":"monte_carlo","params":{"n":40,"seed":1,
         "inputs":[{"name":"k","dist":"uniform","a":0.5,"b":1.5}],
         "model":{"step":"sim","input":"constants.k","output":"y_final[0]"}}}]})");
    const auto id = runTo(m, std::move(r));
    QCOMPARE(stateOf(m, id), JobState::Succeeded);
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(o.cache_dir / "tok-a"))
      if (e.is_regular_file()) ++files;
    QVERIFY2(files <= 2, std::to_string(files).c_str());  // sim and uq, not 40 samples
    QVERIFY(files >= 1);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestServerJobs)

}  // namespace test_server_jobs
#include "test_server_jobs.moc"
