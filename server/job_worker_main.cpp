// `sciagents serve --job-worker FD`: runs one server job in this process (server/job_runner.h).
// The server started it in its own process group; it dies with the server (PR_SET_PDEATHSIG).
#include "server/job_runner.h"
#include "server/worker_protocol.h"

#include "core/agent/agent_registry.h"
#include "core/util/child_groups.h"
#include "core/util/clock.h"
#include "core/workflow/run_provenance.h"
#include "core/workflow/workflow.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <mutex>

namespace sciagents::server {

namespace {

// Writes the worker's events to the server. A write that fails means the server is gone: exit.
class WorkerListener : public core::RunListener {
 public:
  explicit WorkerListener(int fd) : m_fd(fd) {}
  void send(const nlohmann::json& j) {
    std::lock_guard lock(m_mutex);
    if (!writeMessage(m_fd, j)) _exit(3);
  }
  void stepStarted(const std::string& step, const std::string& agent,
                   const std::string& task) override {
    send({{"type", "step_started"}, {"step", step}, {"agent", agent}, {"task", task}});
  }
  void stepFinished(const core::StepResult& r) override {
    send({{"type", "step_finished"},
          {"step", r.id},
          {"agent", r.agent},
          {"task", r.task},
          {"status", core::stepStatusName(r.status)},
          {"cached", r.cached},
          {"seconds", r.wall_seconds},
          {"error", r.error}});
  }
  void progress(std::string_view step, double fraction, std::string_view message) override {
    send({{"type", "progress"}, {"step", step}, {"fraction", fraction}, {"message", message}});
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    send({{"type", "metric"}, {"step", step}, {"series", series}, {"x", x}, {"y", y}});
  }

 private:
  int m_fd;
  std::mutex m_mutex;
};

void closeOtherDescriptors(int keep) {
  // The server's listening and connection sockets must not live on in a worker (a client would
  // wait for a connection the server already closed).
  auto closeRange = [](unsigned lo, unsigned hi) {
#ifdef SYS_close_range
    if (lo <= hi && ::syscall(SYS_close_range, lo, hi, 0) == 0) return;
#endif
    const long max_fd = std::min(65536L, std::max(1024L, sysconf(_SC_OPEN_MAX)));
    for (long fd = lo; fd <= static_cast<long>(std::min<unsigned>(hi, max_fd)); ++fd)
      ::close(static_cast<int>(fd));
  };
  if (keep > 3) closeRange(3, static_cast<unsigned>(keep) - 1);
  closeRange(static_cast<unsigned>(keep) + 1, ~0U);
}

void setLimit(int resource, std::uint64_t soft, std::uint64_t hard) {
  rlimit rl{};
  if (getrlimit(resource, &rl) != 0) return;
  const auto cap = [&](std::uint64_t v) {
    return rl.rlim_max == RLIM_INFINITY ? static_cast<rlim_t>(v)
                                        : std::min<rlim_t>(rl.rlim_max, static_cast<rlim_t>(v));
  };
  rl.rlim_cur = cap(soft);
  rl.rlim_max = cap(hard);
  setrlimit(resource, &rl);
}

std::optional<std::string> readRequestLine(int fd) {
  LineReader reader;
  char buf[65536];
  for (;;) {
    if (auto line = reader.next()) return line;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    reader.append(buf, static_cast<std::size_t>(n));
  }
}

// SIGTERM from the server (cancel, time-out, shutdown) ends the worker at once, as the default
// action would, but first kills the process groups of the external programs and Python workers
// the job started (they run in groups of their own, which the server's kill of the worker's
// group does not reach).
void onTerm(int) {
  core::signalChildGroups(SIGKILL);
  _exit(128 + SIGTERM);
}

void dieWithChildrenOnSigterm() {
  struct sigaction sa {};
  sa.sa_handler = onTerm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
}

// Runs one job request and sends its result; false when the worker must not take another job.
bool runOneJob(WorkerListener& out, const std::string& line, std::int64_t memory_mb,
               std::int64_t cpu_s, const core::AgentRegistry& registry) {
  try {
    const auto req = workerRequestFromJson(nlohmann::json::parse(line));
    // Busy from here on: operators (and tests) tell a worker running a job from an idle one by
    // its name in ps/top (/proc/PID/comm).
    prctl(PR_SET_NAME, "sciagents-job");
    // The job's own CPU limit, counted from what this worker used before it (a worker runs
    // several jobs of one token; the hard limit stays, so it is never raised). A job without one
    // clears the soft limit an earlier job set.
    rlimit rl{};
    getrlimit(RLIMIT_CPU, &rl);
    if (req.cpu_s > 0 && (cpu_s <= 0 || req.cpu_s < cpu_s)) {
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      const auto used = static_cast<std::uint64_t>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
      setLimit(RLIMIT_CPU, used + static_cast<std::uint64_t>(req.cpu_s), rl.rlim_max);
    } else if (cpu_s <= 0) {
      setLimit(RLIMIT_CPU, rl.rlim_max, rl.rlim_max);
    }
    const auto w = core::workflowFromJson(nlohmann::json::parse(req.spec));
    core::RunOptions ro;
    ro.threads = req.threads;
    ro.use_cache = req.use_cache;
    ro.cache_dir = req.cache_dir;
    ro.cache_model_samples = false;  // one cache file per sample would fill the server's disk
    ro.listener = &out;
    if (req.seed) ro.seed = *req.seed;
    const auto work_dir = externalWorkDir(req.results_dir, req.job_id);
    applyStepLimits(ro, req.step_limits, work_dir, registry);
    const std::int64_t started_us = core::unixMicros();
    auto r = core::WorkflowEngine(registry).run(w, ro);
    // The workflow as run and how, as in `sciagents run -o` (docs/history.md).
    core::RunSettings settings;
    settings.seed = ro.seed;
    settings.threads = ro.threads;
    settings.where = "server";
    settings.use_cache = ro.use_cache;
    core::attachRunProvenance(r, w, registry, settings, started_us, core::unixMicros());
    removeExternalWorkDir(work_dir);
    auto o = outcomeOfRun(r);
    if (!req.results_dir.empty()) {
      const ResultFiles files(req.results_dir, req.result_limits);
      storeRunResult(&files, req.job_id, r, req.owner_used, o);
    }
    nlohmann::json msg = {{"type", "result"},
                          {"state", core::store::jobStateName(o.state)},
                          {"error", o.error},
                          {"result", o.result_json}};
    if (!o.stored.file.empty())
      msg["stored"] = {{"file", o.stored.file}, {"bytes", o.stored.bytes}};
    if (!o.store_error.empty()) msg["store_error"] = o.store_error;
    out.send(msg);
    std::fflush(nullptr);
    return true;
  } catch (const std::bad_alloc&) {
    out.send({{"type", "error"},
              {"message", "out of memory (the worker's memory limit is " +
                              std::to_string(memory_mb) + " MB)"}});
  } catch (const std::exception& e) {
    out.send({{"type", "error"}, {"message", e.what()}});
  }
  return false;
}

}  // namespace

int runJobWorker(int fd, std::int64_t memory_mb, std::int64_t cpu_s, std::int64_t parent_pid) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The server died before we got here (we were re-parented). Compared with the pid the server
  // passed, not with 1: in a container the server itself is PID 1.
  if (getppid() != static_cast<pid_t>(parent_pid)) return 4;
  closeOtherDescriptors(fd);
  if (memory_mb > 0) {
    const auto bytes = static_cast<std::uint64_t>(memory_mb) << 20;
    setLimit(RLIMIT_AS, bytes, bytes);
  }
  if (cpu_s > 0)
    setLimit(RLIMIT_CPU, static_cast<std::uint64_t>(cpu_s), static_cast<std::uint64_t>(cpu_s) + 5);
  WorkerListener out(fd);
  dieWithChildrenOnSigterm();
  // The worker process's entry point: its jobs run with the built-in agents, like the server's.
  const core::AgentRegistry& registry = core::AgentRegistry::builtin();
  out.send({{"type", "started"}, {"pid", static_cast<std::int64_t>(getpid())}});
  // Jobs one after another: the server hands a finished worker the next job of the same token
  // (server/worker_process_runner.cpp) or closes the socket, and the worker exits.
  for (bool ran = false;; ran = true) {
    const auto line = readRequestLine(fd);
    if (!line && ran) _exit(0);  // done: skip static destructors (nothing left to flush)
    if (!line) return 3;
    if (!runOneJob(out, *line, memory_mb, cpu_s, registry)) return 1;
    prctl(PR_SET_NAME, "sciagents");  // idle again
  }
}

}  // namespace sciagents::server
