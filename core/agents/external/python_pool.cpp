#include "core/agents/external/python_pool.h"

#include "core/util/error.h"
#include "core/util/text_format.h"

#if !defined(_WIN32)
#include <poll.h>
#include <unistd.h>
#endif

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <optional>

namespace sciagents::core::agents::external {

PythonPool& PythonPool::instance() {
  static PythonPool pool;
  return pool;
}

PythonPool::~PythonPool() { clear(); }

void PythonPool::reapExitedLocked() {
  for (auto it = m_idle.begin(); it != m_idle.end();) {
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(), [](auto& w) { return !w->alive(); }), v.end());
    it = v.empty() ? m_idle.erase(it) : std::next(it);
  }
}

std::unique_ptr<PythonWorker> PythonPool::takeIdle(const std::string& key) {
  std::lock_guard lock(m_mutex);
  reapExitedLocked();
  auto it = m_idle.find(key);
  if (it == m_idle.end() || it->second.empty()) return nullptr;
  auto w = std::move(it->second.back());
  it->second.pop_back();
  return w;
}

void PythonPool::giveBack(const std::string& key, std::unique_ptr<PythonWorker> w,
                          std::size_t keep) {
  std::unique_ptr<PythonWorker> extra;  // ended outside the lock
  {
    std::lock_guard lock(m_mutex);
    auto& v = m_idle[key];
    if (v.size() < std::max<std::size_t>(keep, 1)) {
      w->last_used = PythonWorker::Clock::now();
      v.push_back(std::move(w));
    } else {
      extra = std::move(w);
    }
  }
}

std::size_t PythonPool::idleCount(const std::string& key) {
  std::lock_guard lock(m_mutex);
  reapExitedLocked();
  auto it = m_idle.find(key);
  return it == m_idle.end() ? 0 : it->second.size();
}

std::vector<pid_t> PythonPool::idlePids() {
  std::lock_guard lock(m_mutex);
  std::vector<pid_t> out;
  for (auto& [key, v] : m_idle)
    for (auto& w : v) out.push_back(w->pid());
  return out;
}

void PythonPool::clear() {
  std::map<std::string, std::vector<std::unique_ptr<PythonWorker>>> all;
  {
    std::lock_guard lock(m_mutex);
    all.swap(m_idle);
  }
  all.clear();  // each destructor closes the pipes and reaps (or kills) its worker
}

#if !defined(_WIN32)

namespace {

using Clock = PythonWorker::Clock;
constexpr double kStartGraceS = 60.0;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string clippedTail(const std::string& s, std::size_t n = 1500) {
  std::string t = s.size() > n ? "..." + s.substr(s.size() - n) : s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

struct Slot {
  std::unique_ptr<PythonWorker> w;
  std::deque<std::size_t> inflight;  // calls sent, answered in this order
  Clock::time_point head_start;      // when the worker began the first call in flight
  double avg_call_s = -1.0;          // running mean of call durations (sets the pipeline depth)
  bool from_pool = false;  // taken idle: a clean exit before its first answer is not a failure
  std::size_t answered = 0;
};

class Session {
 public:
  Session(const WorkerSpec& spec, const std::vector<std::string>& frames, const CallOptions& o,
          CallStats& st)
      : m_spec(spec), m_frames(frames), m_o(o), m_st(st), m_out(frames.size()) {
    for (std::size_t i = 0; i < frames.size(); ++i) m_pending.push_back(i);
  }

  ~Session() {
    // Busy or starting workers are killed (their group with them); idle ones go back to the pool.
    for (auto& s : m_slots) {
      if (!s.w) continue;
      if (s.w->ready && s.inflight.empty() && s.w->outbox.empty() && s.w->alive())
        PythonPool::instance().giveBack(m_spec.key, std::move(s.w), m_o.keep);
      else
        s.w->kill();
    }
  }

  std::vector<CallOutcome> run() {
    const std::size_t n = m_frames.size();
    const std::size_t workers = std::max<std::size_t>(1, std::min(m_o.max_workers, n));
    m_slots.resize(workers);
    for (auto& s : m_slots) {
      s.w = PythonPool::instance().takeIdle(m_spec.key);
      s.from_pool = static_cast<bool>(s.w);
      if (!s.w) start(s);
    }
    while (m_done < n) {
      if (m_o.cancel && m_o.cancel->load()) throw cancelledError();
      for (auto& s : m_slots) fill(s);
      pollOnce();
      const auto now = Clock::now();
      for (auto& s : m_slots) {
        if (m_o.timeout_s > 0 && s.w && s.w->ready && !s.inflight.empty() &&
            seconds(now - s.head_start) > m_o.timeout_s) {
          s.w->kill();
          failHead(s, "timed out after " + formatCompact(m_o.timeout_s) +
                          " s; the worker's process group was killed");
        }
        // Starting includes importing the module: one timeout_s plus a minute of grace.
        if (m_o.timeout_s > 0 && s.w && !s.w->ready &&
            seconds(now - s.w->started) > m_o.timeout_s + kStartGraceS) {
          s.w->kill();
          throw Error(ErrorCode::RunFailed,
                      "the Python worker did not finish importing '" + m_spec.module + "' within " +
                          formatCompact(m_o.timeout_s + kStartGraceS) + " s (timeout_s + " +
                          formatCompact(kStartGraceS) + " s)",
                      {}, "module");
        }
        if (!s.w && !m_pending.empty()) start(s);
      }
    }
    return std::move(m_out);
  }

 private:
  void start(Slot& s) {
    s = Slot{};
    s.w = std::make_unique<PythonWorker>(m_spec);
    ++m_st.workers_started;
  }

  std::size_t window(const Slot& s) const {
    if (s.avg_call_s < 0) return 1;
    if (s.avg_call_s <= 0) return 64;
    // Enough calls in flight to cover about 2 ms of work: deep for trivial functions (the pipe
    // round trip dominates), one at a time for slow ones (so the other workers share the rest).
    return static_cast<std::size_t>(std::clamp(0.002 / s.avg_call_s, 1.0, 64.0));
  }

  void fill(Slot& s) {
    if (!s.w || !s.w->ready) return;
    bool wrote = false;
    while (!m_pending.empty() && s.inflight.size() < window(s)) {
      const std::size_t i = m_pending.front();
      m_pending.pop_front();
      if (s.inflight.empty()) s.head_start = Clock::now();
      s.inflight.push_back(i);
      s.w->outbox.append(m_frames[i]);
      wrote = true;
    }
    if (wrote && !s.w->flushOutbox()) died(s);
  }

  void pollOnce() {
    std::vector<pollfd> fds;
    std::vector<std::pair<Slot*, int>> who;  // slot, 0 reply / 1 stderr / 2 request
    for (auto& s : m_slots) {
      if (!s.w) continue;
      fds.push_back({s.w->replyFd(), POLLIN, 0});
      who.emplace_back(&s, 0);
      if (s.w->stderrOpen()) {
        fds.push_back({s.w->stderrFd(), POLLIN, 0});
        who.emplace_back(&s, 1);
      }
      if (!s.w->outbox.empty()) {
        fds.push_back({s.w->requestFd(), POLLOUT, 0});
        who.emplace_back(&s, 2);
      }
    }
    int wait_ms = 50;  // cancellation is noticed within this
    if (m_o.timeout_s > 0) {
      const auto now = Clock::now();
      for (auto& s : m_slots)
        if (s.w && s.w->ready && !s.inflight.empty()) {
          const double left = m_o.timeout_s - seconds(now - s.head_start);
          wait_ms = std::min(wait_ms, std::max(0, static_cast<int>(std::ceil(left * 1000))));
        }
    }
    const int r = ::poll(fds.data(), fds.size(), wait_ms);
    if (r < 0) {
      if (errno == EINTR) return;
      throw Error(ErrorCode::RunFailed, std::string("poll failed: ") + std::strerror(errno));
    }
    if (r == 0) {
      // Nothing arrived: a worker whose pipes are held open by a process it left outside its
      // group would never show EOF, so look at the processes themselves.
      for (auto& s : m_slots)
        if (s.w && !s.w->alive()) died(s);
      return;
    }
    for (std::size_t k = 0; k < fds.size(); ++k) {
      Slot& s = *who[k].first;
      if (!s.w || fds[k].revents == 0) continue;
      switch (who[k].second) {
        case 1:
          s.w->readStderr();
          break;
        case 2:
          if (!s.w->flushOutbox()) died(s);
          break;
        default: {
          const bool open = s.w->readReplies();
          takeReplies(s);
          if (s.w && !open) died(s);
        }
      }
    }
  }

  void takeReplies(Slot& s) {
    while (s.w) {
      std::optional<WorkerReply> r;
      try {
        r = s.w->replies.take();
      } catch (const std::exception& e) {
        s.w->kill();
        failHead(s, std::string("the worker sent a malformed reply (") + e.what() + ")");
        return;
      }
      if (!r) return;
      if (!s.w->ready) {
        if (r->kind == 'R') {
          s.w->ready = true;
          m_st.versions = r->text;
          continue;
        }
        importFailed(*r);
      }
      if (s.inflight.empty() || r->kind == 'R') {
        s.w->kill();
        failHead(s, "the worker sent an unexpected reply");
        return;
      }
      const std::size_t i = s.inflight.front();
      s.inflight.pop_front();
      const auto now = Clock::now();
      const double took = seconds(now - s.head_start);
      s.avg_call_s = s.avg_call_s < 0 ? took : 0.8 * s.avg_call_s + 0.2 * took;
      s.head_start = now;
      ++s.answered;
      if (r->kind == 'r') {
        m_out[i].ok = true;
        m_out[i].value = std::move(r->value);
      } else {
        m_out[i].error = r->text + ": " + r->message;
        if (!r->traceback.empty()) m_out[i].error += "\n" + clippedTail(r->traceback);
      }
      finished();
    }
  }

  [[noreturn]] void importFailed(const WorkerReply& r) {
    const bool no_function =
        r.text == "AttributeError" && r.message.find("has no function") != std::string::npos;
    const std::string what = no_function
                                 ? r.message
                                 : "module '" + m_spec.module + "' failed to import: " + r.text +
                                       ": " + r.message + "\n" + clippedTail(r.traceback);
    throw paramError(no_function ? "function" : "module", what);
  }

  void finished() {
    ++m_done;
    if (m_o.on_done) m_o.on_done(m_done);
  }

  // The worker's pipe closed or broke: the call it was running (the first in flight) failed.
  void died(Slot& s) {
    const std::string status = s.w->reap();
    if (!s.w->ready) {
      const std::string err = clippedTail(s.w->stderrTail());
      throw Error(ErrorCode::RunFailed,
                  "the Python worker (" + m_spec.python + ") ended before it was ready (" + status +
                      ")" + (err.empty() ? "" : ": " + err),
                  {}, "python");
    }
    if (s.from_pool && s.answered == 0 && status == "exit status 0") {
      // An idle worker that reached its idle limit as it was taken: not the call's fault.
      requeue(s);
      s.w.reset();
      return;
    }
    const std::string err = clippedTail(s.w->stderrTail());
    failHead(s, "the worker process died (" + status + ")" +
                    (err.empty() ? "" : "; its stderr ends with: " + err));
  }

  // The first call in flight failed with `why`; the worker is gone and the others go back in line.
  void failHead(Slot& s, const std::string& why) {
    if (!s.inflight.empty()) {
      const std::size_t i = s.inflight.front();
      s.inflight.pop_front();
      m_out[i].ok = false;
      m_out[i].error = why;
      finished();
    }
    requeue(s);
    s.w.reset();
    ++m_st.restarts;
  }

  void requeue(Slot& s) {
    for (auto it = s.inflight.rbegin(); it != s.inflight.rend(); ++it) m_pending.push_front(*it);
    s.inflight.clear();
  }

  const WorkerSpec& m_spec;
  const std::vector<std::string>& m_frames;
  const CallOptions& m_o;
  CallStats& m_st;
  std::vector<CallOutcome> m_out;
  std::deque<std::size_t> m_pending;
  std::vector<Slot> m_slots;
  std::size_t m_done = 0;
};

}  // namespace

std::vector<CallOutcome> callWorkers(const WorkerSpec& spec, const std::vector<std::string>& frames,
                                     const CallOptions& options, CallStats* stats) {
  if (frames.empty()) return {};
  CallStats local;
  Session session(spec, frames, options, stats ? *stats : local);
  return session.run();
}

#else  // Windows: PythonWorker's constructor says why there are no workers

std::vector<CallOutcome> callWorkers(const WorkerSpec& spec, const std::vector<std::string>& frames,
                                     const CallOptions&, CallStats*) {
  if (!frames.empty()) PythonWorker refuse(spec);
  return {};
}

#endif

}  // namespace sciagents::core::agents::external
