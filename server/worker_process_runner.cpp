// The worker-process runner (server/job_runner.h): jobs run in child processes, the server's own
// binary in worker mode, each in its own process group, talking over a socketpair
// (server/worker_protocol.h). Stop requests kill the group: SIGTERM, then SIGKILL after a grace.
// A worker that finished a job normally may run the next job of the same token.
#include "server/job_runner.h"
#include "server/log.h"
#include "server/worker_protocol.h"

#include "core/metrics/metrics_registry.h"
#include "core/workflow/step_metrics.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace sciagents::server {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWorkerFd = 3;

std::string signalText(int sig) {
  switch (sig) {
    case SIGKILL:
      return "signal 9 (SIGKILL)";
    case SIGTERM:
      return "signal 15 (SIGTERM)";
    case SIGSEGV:
      return "signal 11 (SIGSEGV)";
    case SIGABRT:
      return "signal 6 (SIGABRT)";
    case SIGBUS:
      return "signal 7 (SIGBUS)";
    case SIGFPE:
      return "signal 8 (SIGFPE)";
    case SIGXCPU:
      return "signal 24 (SIGXCPU)";
    default:
      return "signal " + std::to_string(sig);
  }
}

// Members of a worker message; a missing or mistyped member reads as empty or NaN (non-finite
// numbers travel as null).
std::string str(const nlohmann::json& m, const char* key) {
  const auto it = m.find(key);
  return it != m.end() && it->is_string() ? it->get<std::string>() : std::string();
}
double num(const nlohmann::json& m, const char* key) {
  const auto it = m.find(key);
  return it != m.end() && it->is_number() ? it->get<double>()
                                          : std::numeric_limits<double>::quiet_NaN();
}

std::optional<core::StepStatus> stepStatusFromName(const std::string& s) {
  for (auto st : {core::StepStatus::Pending, core::StepStatus::Running, core::StepStatus::Succeeded,
                  core::StepStatus::Failed, core::StepStatus::Skipped, core::StepStatus::Cancelled})
    if (core::stepStatusName(st) == s) return st;
  return std::nullopt;
}

// One started worker: its pid and the server's end of the socketpair.
struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string owner;  // the token id whose jobs it ran (a worker only ever serves one token)
  int jobs = 0;       // jobs it has run
};

// A worker runs at most this many jobs, and is not reused once its resident memory passes
// kWarmMaxRssBytes (a large job leaves a large heap behind).
constexpr int kWarmMaxJobs = 200;
constexpr long kWarmMaxRssBytes = 256L << 20;

long residentBytes(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/statm").c_str(), "r");
  if (!f) return -1;
  long size = 0, resident = -1;
  if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
  std::fclose(f);
  return resident < 0 ? -1 : resident * ::sysconf(_SC_PAGESIZE);
}

// Ends an idle worker: closing its socket makes it exit; the group is killed in case it does not.
void retire(const Child& c) {
  ::close(c.fd);
  ::kill(-c.pid, SIGKILL);
  while (::waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

class WorkerProcessRunner : public JobRunner {
 public:
  WorkerProcessRunner(WorkerProcessOptions o, core::metrics::MetricsRegistry& metrics)
      : m_o(std::move(o)), m_metrics(metrics) {
    if (m_o.exe.empty()) m_o.exe = "/proc/self/exe";  // this binary, even if replaced on disk
    // The pool's thread spawns the idle workers: a worker dies with the thread that started it
    // (PR_SET_PDEATHSIG), so that thread lives as long as the runner.
    if (m_o.prestart > 0) m_refill = std::thread([this] { refillLoop(); });
  }

  ~WorkerProcessRunner() override {
    {
      std::lock_guard lock(m_pool_mutex);
      m_stop = true;
    }
    m_pool_cv.notify_all();
    if (m_refill.joinable()) m_refill.join();
    for (const Child& c : m_idle) retire(c);
    for (const Child& c : m_warm) retire(c);
  }

  JobOutcome run(JobRun& job) override {
    const auto& rec = job.record();
    const std::int64_t cpu_s = workerCpuLimitSeconds(
        rec.wall_time_s, static_cast<int>(std::thread::hardware_concurrency()));
    std::string why;
    const auto started_at = Clock::now();
    // A worker that just ran a job of the same token, else a pre-started one, else a new one.
    std::optional<Child> pooled = takeWarm(rec.owner_id);
    if (!pooled) pooled = takeIdle();
    Child child = pooled ? *pooled : spawn(why);
    if (pooled) observeStartup(job, started_at, pooled->pid);
    if (child.pid < 0) {
      JobOutcome o;
      o.error = "cannot start a job worker process (" + m_o.exe.string() + "): " + why;
      return o;
    }
    WorkerRequest req;
    req.spec = job.spec();
    if (rec.seed) req.seed = static_cast<std::uint64_t>(*rec.seed);
    req.use_cache = !rec.no_cache;
    req.cache_dir = ownerCacheDir(m_o.engine.cache_dir, rec.owner_id);
    req.threads = m_o.engine.threads;
    req.cpu_s = cpu_s;
    req.step_limits = m_o.engine.step_limits;
    if (m_o.engine.results) {
      req.job_id = rec.id;
      req.results_dir = m_o.engine.results->dir();
      req.result_limits = m_o.engine.results->limits();
      req.owner_used = job.ownerResultBytes();
    }
    writeMessage(child.fd, toJson(req));  // a dead worker is seen below as EOF + its exit status

    std::optional<JobOutcome> reported;
    bool result_seen = false;  // the worker delivered its result and waits for another job
    bool stopped = false;
    std::optional<Clock::time_point> term_at;
    bool killed = false;
    auto enforceStop = [&] {
      if (!job.stopFlag()->load()) return;
      stopped = true;
      const auto now = Clock::now();
      if (!term_at) {
        term_at = now;
        ::kill(-child.pid, SIGTERM);
      } else if (!killed && now - *term_at >= std::chrono::duration<double>(m_o.kill_grace_s)) {
        killed = true;
        ::kill(-child.pid, SIGKILL);
      }
    };

    LineReader reader;
    std::vector<char> buf(1 << 16);
    while (!result_seen) {
      enforceStop();
      pollfd p{child.fd, POLLIN, 0};
      const int pr = ::poll(&p, 1, 50);
      if (pr < 0 && errno != EINTR) break;
      if (pr <= 0) continue;
      const ssize_t n = ::read(child.fd, buf.data(), buf.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;  // the worker closed its end: it is exiting
      reader.append(buf.data(), static_cast<std::size_t>(n));
      while (auto line = reader.next()) {
        try {
          result_seen = handle(job, *line, pooled ? Clock::time_point{} : started_at, reported) ||
                        result_seen;
        } catch (const std::exception& e) {  // a malformed message must not orphan the worker
          logEvent(spdlog::level::err, "bad message from a job worker",
                   {{"job", rec.id}, {"error", e.what()}});
        }
      }
    }
    if (result_seen && !stopped && !job.stopFlag()->load()) {
      child.owner = rec.owner_id;
      ++child.jobs;
      keepWarm(child);
      return *reported;
    }
    ::close(child.fd);

    // The worker exits right after closing its end; one that lingers is killed.
    const auto linger_until = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    for (int polls = 0;; ++polls) {
      const pid_t r = ::waitpid(child.pid, &status, WNOHANG);
      if (r == child.pid || (r < 0 && errno != EINTR)) break;
      enforceStop();
      if (!killed && Clock::now() >= linger_until) {
        killed = true;
        ::kill(-child.pid, SIGKILL);
      }
      // A worker normally exits within a millisecond of closing its end: look often at first.
      std::this_thread::sleep_for(polls < 50 ? std::chrono::microseconds(200)
                                             : std::chrono::microseconds(10000));
    }
    ::kill(-child.pid, SIGKILL);  // anything the worker left in its group

    if (reported && WIFEXITED(status)) return *reported;
    JobOutcome o;
    if (stopped) {
      o.state = JobState::Cancelled;
      o.error = "stopped";
      return o;
    }
    if (reported) return *reported;
    const std::string who = "the job's worker process (pid " + std::to_string(child.pid) + ")";
    if (WIFSIGNALED(status)) {
      const int sig = WTERMSIG(status);
      o.error = who + " was killed by " + signalText(sig);
      if (sig == SIGKILL && m_o.memory_mb > 0)
        o.error += " (out of memory? its memory limit is " + std::to_string(m_o.memory_mb) + " MB)";
      else if (sig == SIGKILL)
        o.error += " (out of memory or killed by an operator?)";
      else if (sig == SIGXCPU)
        o.error += ": it used its CPU time limit of " + std::to_string(cpu_s) + " s";
    } else if (WIFEXITED(status)) {
      o.error =
          who + " exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result";
    } else {
      o.error = who + " ended without a result";
    }
    logEvent(spdlog::level::warn, "job worker process died",
             {{"job", rec.id}, {"pid", static_cast<std::int64_t>(child.pid)}, {"error", o.error}});
    return o;
  }

 private:
  // A worker that ran a job of `owner` and waits for another (one that died meanwhile is reaped).
  std::optional<Child> takeWarm(const std::string& owner) {
    std::optional<Child> found;
    {
      std::lock_guard lock(m_pool_mutex);
      for (auto it = m_warm.begin(); it != m_warm.end();) {
        if (::waitpid(it->pid, nullptr, WNOHANG) != 0) {  // exited meanwhile: reaped
          ::close(it->fd);
          it = m_warm.erase(it);
        } else if (!found && it->owner == owner) {
          found = *it;
          it = m_warm.erase(it);
        } else {
          ++it;
        }
      }
    }
    return found;
  }

  // Keeps a worker that finished a job for the next job of the same token: no process start, no
  // cold caches. Only a few are kept (the oldest is retired), each for a bounded number of jobs
  // and while its memory stays small.
  void keepWarm(const Child& c) {
    const long rss = residentBytes(c.pid);
    std::vector<Child> out;
    {
      std::lock_guard lock(m_pool_mutex);
      if (m_stop || c.jobs >= kWarmMaxJobs || rss < 0 || rss > kWarmMaxRssBytes) {
        out.push_back(c);
      } else {
        m_warm.push_back(c);
        while (static_cast<int>(m_warm.size()) > std::max(1, m_o.prestart)) {
          out.push_back(m_warm.front());
          m_warm.pop_front();
        }
      }
    }
    for (const Child& old : out) retire(old);
  }

  // An idle pre-started worker that is still alive (one that died meanwhile is reaped), or none.
  std::optional<Child> takeIdle() {
    std::unique_lock lock(m_pool_mutex);
    while (!m_idle.empty()) {
      const Child c = m_idle.front();
      m_idle.pop_front();
      int status = 0;
      if (::waitpid(c.pid, &status, WNOHANG) == 0) {
        lock.unlock();
        m_pool_cv.notify_all();
        return c;
      }
      ::close(c.fd);
    }
    lock.unlock();
    m_pool_cv.notify_all();
    return std::nullopt;
  }

  void refillLoop() {
    std::unique_lock lock(m_pool_mutex);
    for (;;) {
      m_pool_cv.wait(lock,
                     [&] { return m_stop || static_cast<int>(m_idle.size()) < m_o.prestart; });
      if (m_stop) return;
      lock.unlock();
      std::string why;
      const Child c = spawn(why);
      lock.lock();
      if (c.pid < 0) {
        logEvent(spdlog::level::warn, "cannot pre-start a job worker", {{"error", why}});
        m_pool_cv.wait_for(lock, std::chrono::seconds(5), [&] { return m_stop; });
        continue;
      }
      m_idle.push_back(c);
    }
  }

  // A pooled worker was ready before its job came: its start-up cost the job nothing.
  void observeStartup(JobRun& job, Clock::time_point started_at, pid_t pid) {
    const double s = std::chrono::duration<double>(Clock::now() - started_at).count();
    startupHistogram().observe(s);
    logEvent(spdlog::level::debug, "job worker taken from the pool",
             {{"job", job.record().id}, {"pid", static_cast<std::int64_t>(pid)}, {"ms", s * 1e3}});
  }

  core::metrics::Histogram& startupHistogram() {
    return m_metrics.histogram(
        "sciagents_worker_startup_seconds",
        "Time from a job's start until its worker process is ready for it (0 for pooled workers)",
        {}, {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  }

  // Starts a worker; its CPU limit comes with its job's request (a pooled worker has no job yet).
  Child spawn(std::string& why) {
    Child c;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      why = std::string("socketpair: ") + std::strerror(errno);
      return c;
    }
    // The child's end must not already be descriptor 3 (dup2 onto itself keeps FD_CLOEXEC).
    int theirs = ::fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
    ::close(sv[1]);
    if (theirs < 0) {
      why = std::string("fcntl: ") + std::strerror(errno);
      ::close(sv[0]);
      return c;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, theirs, kWorkerFd);
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGXCPU}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);  // its own process group: kill(-pid) reaches all of it
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const std::string exe = m_o.exe.string();
    std::vector<std::string> args = {exe,
                                     "serve",
                                     "--job-worker",
                                     std::to_string(kWorkerFd),
                                     "--job-memory-mb",
                                     std::to_string(m_o.memory_mb),
                                     "--job-cpu-s",
                                     "0",
                                     "--job-parent",
                                     std::to_string(::getpid())};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(theirs);
    if (rc != 0) {
      why = std::strerror(rc);
      ::close(sv[0]);
      return c;
    }
    c.pid = pid;
    c.fd = sv[0];
    return c;
  }

  // Handles one message; true for the job's result (the worker then waits for another job).
  bool handle(JobRun& job, const std::string& line, Clock::time_point started_at,
              std::optional<JobOutcome>& reported) {
    nlohmann::json m = nlohmann::json::parse(line, nullptr, false);
    if (!m.is_object()) return false;
    const std::string type = str(m, "type");
    if (type == "started") {
      if (started_at == Clock::time_point{}) return false;  // pooled: counted when taken
      const double s = std::chrono::duration<double>(Clock::now() - started_at).count();
      startupHistogram().observe(s);
      logEvent(spdlog::level::debug, "job worker started",
               {{"job", job.record().id}, {"pid", num(m, "pid")}, {"ms", s * 1e3}});
    } else if (type == "step_started") {
      job.stepStarted(str(m, "step"), str(m, "agent"), str(m, "task"));
    } else if (type == "step_finished") {
      core::StepResult r;
      r.id = str(m, "step");
      r.agent = str(m, "agent");
      r.task = str(m, "task");
      r.status = stepStatusFromName(str(m, "status")).value_or(core::StepStatus::Failed);
      r.cached = m.contains("cached") && m["cached"].is_boolean() && m["cached"].get<bool>();
      r.wall_seconds = std::isfinite(num(m, "seconds")) ? num(m, "seconds") : 0.0;
      r.error = str(m, "error");
      core::recordStepMetrics(m_metrics, r);
      job.stepFinished(r);
    } else if (type == "progress") {
      job.progress(str(m, "step"), num(m, "fraction"), str(m, "message"));
    } else if (type == "metric") {
      job.metric(str(m, "step"), str(m, "series"), num(m, "x"), num(m, "y"));
    } else if (type == "result") {
      JobOutcome o;
      o.state = core::store::jobStateFromName(str(m, "state")).value_or(JobState::Failed);
      o.error = str(m, "error");
      o.result_json = str(m, "result");
      o.store_error = str(m, "store_error");
      if (const auto st = m.find("stored"); st != m.end() && st->is_object()) {
        // Only a file inside this job's own result directory is taken (server/result_files.h).
        const std::string file = str(*st, "file");
        const auto expected = m_o.engine.results
                                  ? (m_o.engine.results->dir() / job.record().id).string() + "/"
                                  : std::string();
        if (!expected.empty() && file.rfind(expected, 0) == 0 &&
            file.find("..") == std::string::npos) {
          o.stored.file = file;
          o.stored.bytes = static_cast<std::int64_t>(std::max(0.0, num(*st, "bytes")));
        } else {
          o.state = JobState::Failed;
          o.error = "the job worker reported a result file outside the job's directory";
        }
      }
      reported = std::move(o);
      return true;
    } else if (type == "error") {
      JobOutcome o;
      o.error = str(m, "message");
      if (o.error.empty()) o.error = "the job worker failed";
      reported = std::move(o);
    }
    return false;
  }

  WorkerProcessOptions m_o;
  core::metrics::MetricsRegistry& m_metrics;
  std::mutex m_pool_mutex;
  std::condition_variable m_pool_cv;
  std::deque<Child> m_idle;  // pre-started workers waiting for a job
  std::deque<Child> m_warm;  // workers that finished a job, waiting for their token's next one
  bool m_stop = false;
  std::thread m_refill;
};

}  // namespace

std::unique_ptr<JobRunner> makeWorkerProcessRunner(WorkerProcessOptions options,
                                                   core::metrics::MetricsRegistry& metrics) {
  return std::make_unique<WorkerProcessRunner>(std::move(options), metrics);
}

}  // namespace sciagents::server
