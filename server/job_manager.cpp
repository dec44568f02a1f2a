#include "server/job_manager.h"

#include "core/agent/task_context.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/token_store.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "server/log.h"
#include "server/result_files.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sciagents::server {

// A queued or running job. Guarded by JobManager::m_mutex except where noted.
struct JobManager::Active {
  JobRecord rec;     // rec.spec stays empty: status copies must be cheap
  std::string spec;  // the workflow JSON
  core::CancelFlag cancel = std::make_shared<std::atomic<bool>>(false);
  bool cancel_requested = false;
  bool timed_out = false;
  bool requeue_on_stop = false;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::map<std::string, double> step_fraction;  // running steps
  std::optional<double> fraction;               // a Slurm job's progress (over its array tasks)
  std::int64_t steps_done = 0;
  std::deque<EventPtr> history;
  std::size_t metrics_in_history = 0;
  std::uint64_t next_seq = 1;
  std::map<std::uint64_t, EventSink> subscribers;
};

namespace {
nlohmann::json isoOrNull(const std::optional<std::int64_t>& us) {
  return us ? nlohmann::json(core::isoTimeMicros(*us)) : nlohmann::json(nullptr);
}

std::string dumpLine(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

constexpr const char* kErrorsHelp =
    "Errors: HTTP 5xx responses (type=http) and failed or timed-out jobs (type=job)";
constexpr const char* kJobDurationHelp = "Wall time of finished jobs from start to end";
constexpr const char* kWorkflowDurationHelp =
    "Wall time of workflow executions (same as sciagents_job_duration_seconds)";

std::vector<double> jobBuckets() {
  return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,   2.5,
          5,     10,    30,   60,    120,  300, 900,  1800, 3600};
}
}  // namespace

nlohmann::json JobStatus::toJson() const {
  const auto& r = record;
  nlohmann::json j;
  j["id"] = r.id;
  j["name"] = r.name;
  j["state"] = core::store::jobStateName(r.state);
  j["progress"] = {
      {"fraction", fraction}, {"steps_total", r.steps_total}, {"steps_done", steps_done}};
  j["created_at"] = core::isoTimeMicros(r.created_us);
  j["started_at"] = isoOrNull(r.started_us);
  j["finished_at"] = isoOrNull(r.finished_us);
  j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);
  j["owner"] = r.owner;
  j["backend"] = r.backend.empty() ? kDefaultJobBackend : r.backend;
  for (const auto& [key, value] : backend_fields.items()) j[key] = value;
  return j;
}

class JobManager::Run : public JobRun {
 public:
  Run(JobManager& m, std::shared_ptr<Active> job) : m_m(m), m_job(std::move(job)) {}
  const JobRecord& record() const override { return m_job->rec; }
  const std::string& spec() const override { return m_job->spec; }
  const core::CancelFlag& stopFlag() const override { return m_job->cancel; }
  bool detachRequested() const override {
    std::lock_guard lock(m_m.m_mutex);
    return m_job->requeue_on_stop && !m_job->cancel_requested && !m_job->timed_out;
  }
  void backendProgress(nlohmann::json data, std::optional<double> fraction) override {
    std::lock_guard lock(m_m.m_mutex);
    if (fraction) m_job->fraction = *fraction;
    if (!data.is_null()) m_m.publishLocked(*m_job, "progress", std::move(data));
  }
  std::int64_t ownerResultBytes() const override {
    return m_m.m_store.resultBytesOf(m_job->rec.owner_id);
  }
  void backendJob(const std::string& job_id, const std::string& dir) override {
    m_m.m_store.setBackendJob(m_job->rec.id, job_id, dir);
    std::lock_guard lock(m_m.m_mutex);
    m_job->rec.backend_job_id = job_id;
    m_job->rec.backend_dir = dir;
  }
  void stepStarted(const std::string& step, const std::string& agent,
                   const std::string& task) override {
    std::lock_guard lock(m_m.m_mutex);
    m_job->step_fraction[step] = 0.0;
    m_m.publishLocked(*m_job, "step_started", {{"step", step}, {"agent", agent}, {"task", task}});
  }
  void stepFinished(const core::StepResult& r) override {
    std::lock_guard lock(m_m.m_mutex);
    m_job->step_fraction.erase(r.id);
    ++m_job->steps_done;
    m_m.publishLocked(
        *m_job, "step_finished",
        {{"step", r.id},
         {"status", core::stepStatusName(r.status)},
         {"cached", r.cached},
         {"seconds", r.wall_seconds},
         {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)}});
  }
  void progress(std::string_view step, double fraction, std::string_view message) override {
    std::lock_guard lock(m_m.m_mutex);
    if (std::isfinite(fraction))
      m_job->step_fraction[std::string(step)] = std::clamp(fraction, 0.0, 1.0);
    m_m.publishLocked(*m_job, "progress",
                      {{"step", step}, {"fraction", fraction}, {"message", message}});
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    std::lock_guard lock(m_m.m_mutex);
    m_m.publishLocked(*m_job, "metric", {{"step", step}, {"series", series}, {"x", x}, {"y", y}});
  }

 private:
  JobManager& m_m;
  std::shared_ptr<Active> m_job;
};

JobManager::JobManager(core::store::JobStore& store, JobManagerOptions options,
                       core::metrics::MetricsRegistry& metrics)
    : m_store(store), m_options(std::move(options)), m_metrics(metrics) {
  m_options.workers = std::max(1, m_options.workers);
  if (m_options.threads_per_job <= 0) {
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    m_options.threads_per_job = std::max(1, hw / m_options.workers);
  }
  if (!m_options.registry) throw std::invalid_argument("JobManagerOptions::registry is required");
  m_runners = makeJobRunners(m_options, m_metrics);
  // Registered up front so dashboards and alert rules see the series (at 0) from the start.
  m_metrics.counter("errors_total", kErrorsHelp, {{"type", "job"}});
  m_metrics.histogram("sciagents_job_duration_seconds", kJobDurationHelp, {}, jobBuckets());
  m_metrics.histogram("workflow_execution_duration_seconds", kWorkflowDurationHelp, {},
                      jobBuckets());
}

JobManager::~JobManager() { shutdown(std::chrono::seconds(0)); }

void JobManager::publishLocked(Active& job, std::string type, nlohmann::json data) {
  auto ev = std::make_shared<JobEvent>();
  ev->seq = job.next_seq++;
  const bool is_metric = type == "metric";
  ev->type = std::move(type);
  ev->data = dumpLine(data);
  if (job.history.size() >= m_options.history_max) {
    // Thin metric samples first; otherwise drop the oldest event.
    auto victim = job.history.begin();
    if (job.metrics_in_history > 0)
      victim = std::find_if(job.history.begin(), job.history.end(),
                            [](const EventPtr& e) { return e->type == "metric"; });
    if ((*victim)->type == "metric") --job.metrics_in_history;
    job.history.erase(victim);
  }
  if (is_metric) ++job.metrics_in_history;
  job.history.push_back(ev);
  for (auto& [id, sink] : job.subscribers) sink(ev);
}

JobStatus JobManager::statusOfLocked(const Active& job) const {
  JobStatus s;
  s.record = job.rec;
  s.steps_done = job.steps_done;
  double sum = static_cast<double>(job.steps_done);
  for (const auto& [step, f] : job.step_fraction) sum += f;
  s.fraction = job.rec.steps_total > 0
                   ? std::clamp(sum / static_cast<double>(job.rec.steps_total), 0.0, 1.0)
                   : 0.0;
  if (job.fraction) s.fraction = *job.fraction;
  return withBackendFields(std::move(s));
}

std::int64_t JobManager::applyRetention() {
  if (m_options.retention_days <= 0) return 0;
  const auto cutoff =
      core::unixMicros() - static_cast<std::int64_t>(m_options.retention_days * 86400e6);
  const auto n = m_store.deleteFinishedBefore(cutoff);
  if (n > 0) logEvent(spdlog::level::info, "retention: deleted old finished jobs", {{"count", n}});
  return n;
}

void JobManager::start() {
  applyRetention();
  for (const auto& r : m_store.inState(JobState::Running)) {
    if (!r.backend_dir.empty()) {  // submitted to Slurm: it kept running; follow it again
      m_store.requeue(r.id);
      logEvent(spdlog::level::info, "re-attaching to a Slurm job of the previous run",
               {{"job", r.id}, {"slurm_job", r.backend_job_id}, {"dir", r.backend_dir}});
    } else if (m_options.resume == ResumeMode::Rerun) {
      m_store.requeue(r.id);
      logEvent(spdlog::level::warn, "job was running when the server stopped: queued again",
               {{"job", r.id}});
    } else {
      m_store.finish(r.id, JobState::Failed, core::unixMicros(),
                     "server restarted while the job was running", "", 0);
      logEvent(spdlog::level::warn, "job was running when the server stopped: marked failed",
               {{"job", r.id}});
    }
  }
  {
    std::lock_guard lock(m_mutex);
    for (auto& r : m_store.inState(JobState::Queued)) {
      auto job = std::make_shared<Active>();
      job->spec = std::move(r.spec);
      job->rec = std::move(r);
      job->rec.spec.clear();
      job->rec.steps_done = 0;
      m_active.emplace(job->rec.id, job);
      enqueueLocked(job);
      publishLocked(*job, "state", {{"state", "queued"}, {"fraction", 0.0}});
    }
    if (!m_queue.empty())
      logEvent(spdlog::level::info, "resumed queued jobs",
               {{"count", static_cast<std::int64_t>(m_queue.size())}});
  }
  if (m_options.start_workers)
    for (int i = 0; i < m_options.workers; ++i) m_threads.emplace_back([this] { workerLoop(); });
  m_watchdog = std::thread([this] { watchdogLoop(); });
}

SubmitResult JobManager::submit(SubmitRequest req) {
  std::lock_guard lock(m_mutex);
  if (m_shutting_down) return {SubmitOutcome::ShuttingDown, {}};
  if (static_cast<int>(m_queue.size()) >= m_options.queue_max)
    return {SubmitOutcome::QueueFull, {}};
  if (m_options.max_queued_per_user > 0) {
    const auto it = m_queued_by_owner.find(req.owner);
    if (it != m_queued_by_owner.end() && it->second >= m_options.max_queued_per_user)
      return {SubmitOutcome::UserQueueFull, {}};
  }
  auto job = std::make_shared<Active>();
  auto& r = job->rec;
  r.id = core::store::TokenStore::randomHex(16);
  r.owner = req.owner;
  r.owner_id = req.owner_id;
  r.name = req.workflow.name;
  r.spec = req.workflow.toJson().dump();
  if (req.seed) r.seed = static_cast<std::int64_t>(*req.seed);
  r.no_cache = req.no_cache;
  double wall = m_options.wall_time_s;
  if (req.wall_time_s && *req.wall_time_s > 0)
    wall = wall > 0 ? std::min(wall, *req.wall_time_s) : *req.wall_time_s;
  r.wall_time_s = std::min(wall, 31536000.0);  // at most a year: keeps time arithmetic finite
  r.state = JobState::Queued;
  r.created_us = core::unixMicros();
  r.steps_total = static_cast<std::int64_t>(req.workflow.steps.size());
  r.backend = req.backend.empty() ? m_options.backend : req.backend;
  if (req.backend_options.is_object() && !req.backend_options.empty())
    r.backend_options = req.backend_options.dump();
  m_store.insert(r);  // persisted before it is announced
  job->spec = std::move(r.spec);
  r.spec.clear();
  m_active.emplace(r.id, job);
  enqueueLocked(job);
  publishLocked(*job, "state", {{"state", "queued"}, {"fraction", 0.0}});
  m_cv.notify_all();
  logEvent(spdlog::level::info, "job queued",
           {{"job", r.id}, {"owner", r.owner}, {"name", r.name}});
  return {SubmitOutcome::Accepted, r.id};
}

std::optional<JobStatus> JobManager::status(const std::string& id) {
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_active.find(id); it != m_active.end()) return statusOfLocked(*it->second);
  }
  auto r = m_store.get(id);
  if (!r) return std::nullopt;
  JobStatus s;
  s.record = std::move(*r);
  s.steps_done = s.record.steps_done;
  if (s.record.state == JobState::Succeeded)
    s.fraction = 1.0;
  else if (s.record.steps_total > 0)
    s.fraction = std::clamp(
        static_cast<double>(s.steps_done) / static_cast<double>(s.record.steps_total), 0.0, 1.0);
  return withBackendFields(std::move(s));
}

std::vector<JobStatus> JobManager::list(const std::string& owner, std::optional<JobState> state,
                                        int limit) {
  // Under the manager lock: a job cannot finish (DB write + removal from m_active) between the
  // query and the overlay of live progress, so no stale "running" row slips through.
  std::lock_guard lock(m_mutex);
  auto rows = m_store.list(owner, state, limit);
  std::vector<JobStatus> out;
  out.reserve(rows.size());
  for (auto& r : rows) {
    if (auto it = m_active.find(r.id); it != m_active.end()) {
      out.push_back(statusOfLocked(*it->second));
      continue;
    }
    JobStatus s;
    s.record = std::move(r);
    s.steps_done = s.record.steps_done;
    if (s.record.state == JobState::Succeeded)
      s.fraction = 1.0;
    else if (s.record.steps_total > 0)
      s.fraction = std::clamp(
          static_cast<double>(s.steps_done) / static_cast<double>(s.record.steps_total), 0.0, 1.0);
    out.push_back(withBackendFields(std::move(s)));
  }
  return out;
}

std::optional<JobState> JobManager::cancel(const std::string& id) {
  {
    std::lock_guard lock(m_mutex);
    auto it = m_active.find(id);
    if (it != m_active.end()) {
      auto job = it->second;
      if (job->rec.state == JobState::Queued) {
        const auto now = core::unixMicros();
        m_store.finish(id, JobState::Cancelled, now, "cancelled before it started", "", 0);
        dequeueLocked(id);
        job->rec.state = JobState::Cancelled;
        job->rec.finished_us = now;
        job->rec.error = "cancelled before it started";
        publishLocked(*job, "done", {{"state", "cancelled"}});
        rememberFinishedLocked(*job);
        m_active.erase(it);
        observeFinished(job->rec);
        logEvent(spdlog::level::info, "job cancelled", {{"job", id}, {"was", "queued"}});
        return JobState::Cancelled;
      }
      if (!job->cancel_requested && !job->timed_out) {
        commitStopLocked(*job, JobState::Cancelled, "cancelled");
        job->cancel_requested = true;
        job->cancel->store(true);
        logEvent(spdlog::level::info, "job cancel requested", {{"job", id}, {"was", "running"}});
      }
      return job->rec.state;
    }
  }
  auto r = m_store.get(id);
  if (!r) return std::nullopt;
  return r->state;
}

Subscription JobManager::subscribe(const std::string& id, std::uint64_t after_seq, EventSink sink) {
  Subscription sub;
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_active.find(id); it != m_active.end()) {
      auto& job = *it->second;
      const auto st = statusOfLocked(job);
      sub.found = true;
      sub.state = job.rec.state;
      sub.fraction = st.fraction;
      for (const auto& e : job.history)
        if (e->seq > after_seq && e->type != "state") sub.replay.push_back(e);
      sub.subscriber = m_next_subscriber++;
      job.subscribers.emplace(sub.subscriber, std::move(sink));
      return sub;
    }
  }
  auto s = status(id);
  if (!s) return sub;
  sub.found = true;
  sub.state = s->record.state;
  sub.fraction = s->fraction;
  sub.finished = true;
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_recent.find(id); it != m_recent.end()) {
      for (const auto& e : it->second)
        if (e->seq > after_seq && e->type != "state") sub.replay.push_back(e);
      if (!sub.replay.empty() && sub.replay.back()->type == "done") return sub;
      if (!it->second.empty()) after_seq = std::max(after_seq, it->second.back()->seq);
    }
  }
  auto done = std::make_shared<JobEvent>();
  done->seq = after_seq + 1;
  done->type = "done";
  done->data = dumpLine({{"state", core::store::jobStateName(sub.state)}});
  sub.replay.push_back(done);
  return sub;
}

void JobManager::rememberFinishedLocked(Active& job) {
  const std::string& id = job.rec.id;
  if (m_options.recent_events_max == 0 || job.history.size() > m_options.recent_events_max) return;
  m_recent_events += job.history.size();
  m_recent[id] = job.history;
  m_recent_order.push_back(id);
  while (m_recent_events > m_options.recent_events_max && !m_recent_order.empty()) {
    auto it = m_recent.find(m_recent_order.front());
    m_recent_order.pop_front();
    if (it == m_recent.end()) continue;
    m_recent_events -= it->second.size();
    m_recent.erase(it);
  }
}

void JobManager::unsubscribe(const std::string& id, std::uint64_t subscriber) {
  std::lock_guard lock(m_mutex);
  if (auto it = m_active.find(id); it != m_active.end()) it->second->subscribers.erase(subscriber);
}

int JobManager::queued() const {
  std::lock_guard lock(m_mutex);
  return static_cast<int>(m_queue.size());
}

int JobManager::running() const {
  std::lock_guard lock(m_mutex);
  return m_running;
}

void JobManager::observeFinished(const JobRecord& r) {
  if (r.state == JobState::Failed || r.state == JobState::TimedOut)
    m_metrics
        .counter("errors_total",
                 "Errors: HTTP 5xx responses (type=http) and failed or timed-out jobs (type=job)",
                 {{"type", "job"}})
        .inc();
  m_metrics
      .counter("sciagents_jobs_finished_total", "Jobs that reached a final state, by state",
               {{"state", std::string(core::store::jobStateName(r.state))}})
      .inc();
  if (r.started_us && r.finished_us) {
    const double s = static_cast<double>(*r.finished_us - *r.started_us) / 1e6;
    m_metrics
        .histogram("sciagents_job_duration_seconds", "Wall time of finished jobs from start to end",
                   {}, jobBuckets())
        .observe(s);
    m_metrics
        .histogram("workflow_execution_duration_seconds",
                   "Wall time of workflow executions (same as sciagents_job_duration_seconds)", {},
                   jobBuckets())
        .observe(s);
  }
}

void JobManager::workerLoop() {
  for (;;) {
    std::shared_ptr<Active> job;
    {
      std::unique_lock lock(m_mutex);
      std::optional<std::size_t> next;
      m_cv.wait(lock, [&] { return m_stop_taking || (next = pickNextLocked()).has_value(); });
      if (m_stop_taking) return;
      const std::string id = m_queue[*next];
      auto it = m_active.find(id);
      if (it == m_active.end()) {
        m_queue.erase(m_queue.begin() + static_cast<std::ptrdiff_t>(*next));
        continue;
      }
      job = it->second;
      dequeueLocked(id);
      const auto now = core::unixMicros();
      try {
        m_store.markRunning(id, now);
      } catch (const std::exception& e) {
        logEvent(spdlog::level::err, "cannot mark job running", {{"job", id}, {"error", e.what()}});
        enqueueLocked(job, true);
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      job->rec.state = JobState::Running;
      job->rec.started_us = now;
      // The cap of this server applies to jobs persisted by an earlier run too.
      if (m_options.wall_time_s > 0 &&
          (job->rec.wall_time_s <= 0 || job->rec.wall_time_s > m_options.wall_time_s))
        job->rec.wall_time_s = m_options.wall_time_s;
      if (job->rec.wall_time_s > 0)
        job->deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(job->rec.wall_time_s));
      ++m_running;
      ++m_running_by_owner[job->rec.owner];
      m_last_turn[job->rec.owner] = ++m_turn;
      publishLocked(*job, "state", {{"state", "running"}, {"fraction", 0.0}});
    }
    runJob(job);
  }
}

const JobRunner* JobManager::runner(const std::string& name) const {
  const auto it = m_runners.find(name);
  return it == m_runners.end() ? nullptr : it->second.get();
}

JobRunner& JobManager::runnerFor(const JobRecord& r) const {
  auto it = m_runners.find(r.backend);
  if (it == m_runners.end()) it = m_runners.find(kDefaultJobBackend);
  return *it->second;
}

JobStatus JobManager::withBackendFields(JobStatus s) const {
  s.backend_fields = runnerFor(s.record).statusFields(s.record);
  return s;
}

void JobManager::enqueueLocked(const std::shared_ptr<Active>& job, bool front) {
  if (front)
    m_queue.push_front(job->rec.id);
  else
    m_queue.push_back(job->rec.id);
  ++m_queued_by_owner[job->rec.owner];
}

void JobManager::dequeueLocked(const std::string& id) {
  const auto it = std::find(m_queue.begin(), m_queue.end(), id);
  if (it == m_queue.end()) return;
  m_queue.erase(it);
  if (auto a = m_active.find(id); a != m_active.end()) {
    auto q = m_queued_by_owner.find(a->second->rec.owner);
    if (q != m_queued_by_owner.end() && --q->second <= 0) m_queued_by_owner.erase(q);
  }
}

std::optional<std::size_t> JobManager::pickNextLocked() const {
  if (m_queue.empty() || m_running >= m_options.workers) return std::nullopt;
  // The first queued job of every user who may start one, then the user served longest ago.
  std::optional<std::size_t> best;
  std::uint64_t best_turn = 0;
  std::unordered_map<std::string, bool> seen;
  for (std::size_t i = 0; i < m_queue.size(); ++i) {
    const auto a = m_active.find(m_queue[i]);
    if (a == m_active.end()) return i;  // stale entry: let the caller drop it
    const std::string& owner = a->second->rec.owner;
    if (!seen.emplace(owner, true).second) continue;
    if (m_options.max_running_per_user > 0) {
      const auto r = m_running_by_owner.find(owner);
      if (r != m_running_by_owner.end() && r->second >= m_options.max_running_per_user) continue;
    }
    const auto t = m_last_turn.find(owner);
    const std::uint64_t turn = t == m_last_turn.end() ? 0 : t->second;
    if (!best || turn < best_turn) {
      best = i;
      best_turn = turn;
    }
  }
  return best;
}

void JobManager::commitStopLocked(Active& job, JobState state, const std::string& error) {
  try {
    m_store.finish(job.rec.id, state, core::unixMicros(), error, "", job.steps_done);
  } catch (const std::exception& e) {
    logEvent(spdlog::level::err, "cannot persist the job's cancel or time-out",
             {{"job", job.rec.id}, {"error", e.what()}});
  }
}

void JobManager::runJob(const std::shared_ptr<Active>& job) {
  const std::string id = job->rec.id;
  logEvent(spdlog::level::info, "job started", {{"job", id}});
  JobOutcome out;
  try {
    Run run(*this, job);
    out = runnerFor(job->rec).run(run);
  } catch (const std::exception& e) {
    out = JobOutcome{};
    out.state = JobState::Failed;
    out.error = e.what();
  }
  // Results go to disk before the manager lock is taken (they can be large); over the size cap or
  // the owner's quota the job fails naming the limit (server/result_files.h). Engine runners write
  // their own (with .npy sidecars, server/job_runner.h); a Slurm job's merged document is written
  // here.
  if (m_options.results && out.stored.file.empty() && out.store_error.empty() &&
      !out.result_json.empty()) {
    try {
      const auto used = m_store.resultBytesOf(job->rec.owner_id);
      out.stored =
          m_options.results->writeDocument(id, nlohmann::json::parse(out.result_json), used);
      out.result_json.clear();
    } catch (const std::exception& e) {
      out.store_error = e.what();
      out.result_json.clear();
    }
  }
  const core::store::StoredResult& stored = out.stored;

  std::unique_lock lock(m_mutex);
  --m_running;
  if (auto r = m_running_by_owner.find(job->rec.owner);
      r != m_running_by_owner.end() && --r->second <= 0)
    m_running_by_owner.erase(r);
  const auto now = core::unixMicros();
  // A cancel or time-out was committed when it was asked for: it stands whatever happens next.
  const bool stopped_on_purpose = job->timed_out || job->cancel_requested;
  if (!stopped_on_purpose && job->requeue_on_stop &&
      (out.detached || out.state == JobState::Cancelled)) {
    // Shutdown deadline passed: persist as queued so it runs again after a restart (a Slurm job
    // keeps running on the cluster and is re-attached then).
    if (!stored.file.empty()) {  // the partial result of the interrupted run is not kept
      std::error_code ec;
      std::filesystem::remove_all(std::filesystem::path(stored.file).parent_path(), ec);
    }
    try {
      m_store.requeue(id);
    } catch (const std::exception& e) {
      logEvent(spdlog::level::err, "cannot requeue job", {{"job", id}, {"error", e.what()}});
    }
    job->rec.state = JobState::Queued;
    publishLocked(*job, "done", {{"state", "queued"}});
    m_active.erase(id);
    m_cv.notify_all();
    logEvent(spdlog::level::warn, "job interrupted by shutdown: queued for the next start",
             {{"job", id}});
    return;
  }
  JobState state = out.state;
  std::string error = out.error;
  if (job->timed_out) {
    state = JobState::TimedOut;
    error = "wall time limit of " +
            std::to_string(static_cast<long long>(std::ceil(job->rec.wall_time_s))) + " s exceeded";
  } else if (job->cancel_requested) {
    state = JobState::Cancelled;
    error = "cancelled";
  } else if (out.all_steps_done) {
    job->steps_done = job->rec.steps_total;
  }
  if (!out.store_error.empty() && (state == JobState::Succeeded || state == JobState::Failed)) {
    error = out.store_error;
    state = JobState::Failed;
  }
  try {
    m_store.finish(id, state, now, error, out.result_json, job->steps_done, stored);
  } catch (const std::exception& e) {
    logEvent(spdlog::level::err, "cannot persist job result", {{"job", id}, {"error", e.what()}});
  }
  job->rec.state = state;
  job->rec.finished_us = now;
  job->rec.error = error;
  job->rec.steps_done = job->steps_done;
  publishLocked(*job, "done", {{"state", core::store::jobStateName(state)}});
  rememberFinishedLocked(*job);
  m_active.erase(id);
  observeFinished(job->rec);
  m_cv.notify_all();
  logEvent(state == JobState::Succeeded ? spdlog::level::info : spdlog::level::warn, "job finished",
           {{"job", id},
            {"state", core::store::jobStateName(state)},
            {"error", error},
            {"ms", static_cast<double>(now - job->rec.started_us.value_or(now)) / 1e3}});
}

void JobManager::watchdogLoop() {
  auto next_retention = std::chrono::steady_clock::now() + std::chrono::hours(1);
  std::unique_lock lock(m_mutex);
  while (!m_stop_watchdog) {
    m_cv.wait_for(lock, std::chrono::milliseconds(100));
    if (m_stop_watchdog) break;
    const auto now = std::chrono::steady_clock::now();
    for (auto& [id, job] : m_active)
      if (job->rec.state == JobState::Running && job->deadline && now >= *job->deadline &&
          !job->timed_out && !job->cancel_requested) {
        commitStopLocked(
            *job, JobState::TimedOut,
            "wall time limit of " +
                std::to_string(static_cast<long long>(std::ceil(job->rec.wall_time_s))) +
                " s exceeded");
        job->timed_out = true;
        job->cancel->store(true);
        logEvent(spdlog::level::warn, "job exceeded its wall time: stopping it", {{"job", id}});
      }
    if (now >= next_retention) {
      next_retention = now + std::chrono::hours(1);
      lock.unlock();
      try {
        applyRetention();
      } catch (const std::exception& e) {
        logEvent(spdlog::level::err, "retention failed", {{"error", e.what()}});
      }
      lock.lock();
    }
  }
}

void JobManager::shutdown(std::chrono::duration<double> grace) {
  std::unique_lock lock(m_mutex);
  m_shutting_down = true;
  m_stop_taking = true;
  m_cv.notify_all();
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(grace);
  m_cv.wait_until(lock, deadline, [&] { return m_running == 0; });
  for (auto& [id, job] : m_active)
    if (job->rec.state == JobState::Running) {
      job->requeue_on_stop = true;
      job->cancel->store(true);
    }
  lock.unlock();
  for (auto& t : m_threads)
    if (t.joinable()) t.join();
  m_threads.clear();
  lock.lock();
  m_stop_watchdog = true;
  m_cv.notify_all();
  lock.unlock();
  if (m_watchdog.joinable()) m_watchdog.join();
}

}  // namespace sciagents::server
