#include "core/util/child_process.h"

#include "core/util/child_groups.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#if !defined(_WIN32)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__) && __has_include(<linux/close_range.h>)
#include <linux/close_range.h>
#endif
extern char** environ;
#endif

namespace sciagents::core {

std::string signalName(int sig) {
#if !defined(_WIN32)
  switch (sig) {
    case SIGHUP:
      return "SIGHUP";
    case SIGINT:
      return "SIGINT";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGILL:
      return "SIGILL";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGKILL:
      return "SIGKILL";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGALRM:
      return "SIGALRM";
    case SIGTERM:
      return "SIGTERM";
    case SIGXCPU:
      return "SIGXCPU";
    case SIGXFSZ:
      return "SIGXFSZ";
    case SIGSYS:
      return "SIGSYS";
    default:
      break;
  }
#endif
  return "signal " + std::to_string(sig);
}

std::string ChildResult::describe(double timeout_s) const {
  if (!started) return "could not start: " + start_error;
  std::string s;
  if (timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", timeout_s);
    s = "timed out after " + std::string(buf) + " s (wall-clock limit), process group killed";
  } else if (stopped) {
    s = "stopped (cancelled), process group killed";
  } else if (term_signal) {
    s = "killed by " + signalName(term_signal) + " (signal " + std::to_string(term_signal) + ")";
  } else {
    s = "exit status " + std::to_string(exit_code);
  }
  return s;
}

#if defined(_WIN32)

ChildResult runChild(const ChildSpec& spec) {
  ChildResult r;
  r.start_error = (spec.argv.empty() ? std::string("?") : spec.argv[0]) +
                  ": running programs is not supported on this platform";
  return r;
}

std::string findInPath(const std::string&) { return {}; }

#else

std::string findInPath(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos) return {};
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const auto colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}

namespace {

using Clock = std::chrono::steady_clock;

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

struct Pipe {
  int read = -1, write = -1;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
  ~Pipe() {
    closeFd(read);
    closeFd(write);
  }
};

// Signals of the calling thread around a spawn: all blocked while the child shares this
// process's memory (vfork: no handler of ours may run in the child), then only SIGPIPE while the
// child's stdin is written (a child that exits without reading must not kill this process).
class SignalGuard {
 public:
  SignalGuard() {
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &m_old);
  }
  void spawned() {
    sigset_t s = m_old;
    sigaddset(&s, SIGPIPE);
    ::pthread_sigmask(SIG_SETMASK, &s, nullptr);
  }
  ~SignalGuard() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    timespec zero{0, 0};
    while (::sigtimedwait(&s, nullptr, &zero) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  sigset_t m_old;
};

// Tells the parent which set-up stage failed (and errno), then exits.
[[noreturn]] void childFailed(int report_fd, int stage) {
  const int e[2] = {stage, errno};
  [[maybe_unused]] auto n = ::write(report_fd, e, sizeof e);
  ::_exit(127);
}

// In the child, between vfork and exec: it shares the parent's memory (the parent thread waits),
// so only system calls, no allocation, no locks, and every signal blocked until the handlers are
// back to their defaults.
[[noreturn]] void childSide(const ChildSpec& spec, const char* path, char* const* argv,
                            char* const* envp, int in_fd, int out_fd, int err_fd, int report_fd,
                            pid_t parent) {
  auto fail = [report_fd](int stage) { childFailed(report_fd, stage); };
  ::setsid();  // its own session and process group: killed as a group
#if defined(__linux__)
  // Killed with the thread that started it, even when that process dies without cleaning up.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent is already gone
#endif
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)  // handled and ignored signals alike, as a fresh program
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (in_fd < 0) in_fd = ::open("/dev/null", O_RDONLY);
  if (in_fd < 0 || ::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) fail(1);
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
  if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0)
#endif
    for (int fd = 3; fd < 1024; ++fd)
      if (fd != report_fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) fail(2);
  if (spec.cpu_time_s > 0) {
    const auto secs = static_cast<rlim_t>(std::ceil(spec.cpu_time_s));
    const rlimit lim{secs, secs + 1};
    if (::setrlimit(RLIMIT_CPU, &lim) != 0) fail(3);
  }
  if (spec.memory_mb > 0) {
    const auto bytes = static_cast<rlim_t>(spec.memory_mb * 1048576.0);
    const rlimit lim{bytes, bytes};
    if (::setrlimit(RLIMIT_AS, &lim) != 0) fail(3);
  }
  ::execve(path, argv, envp);
  childFailed(report_fd, 4);
}

// Reads what is available from fd into `into` (capped as the spec says). false at EOF/error.
bool drainFd(int fd, std::string& into, std::size_t& total, std::size_t cap, bool keep_tail) {
  char buf[16384];
  while (true) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got > 0) {
      total += static_cast<std::size_t>(got);
      if (keep_tail) {
        into.append(buf, static_cast<std::size_t>(got));
        if (into.size() > 2 * cap + sizeof buf) into.erase(0, into.size() - cap);
      } else if (into.size() < cap) {
        into.append(buf, std::min(static_cast<std::size_t>(got), cap - into.size()));
      }
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

int openPidfd(pid_t pid) {
#if defined(SYS_pidfd_open)
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  return static_cast<int>(fd);
#else
  (void)pid;
  return -1;
#endif
}

bool leaderExited(pid_t pid) {
  siginfo_t info{};
  info.si_pid = 0;
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return errno == ECHILD;
  return info.si_pid == pid;
}

// Registers a running program's group (core/util/child_groups.h) until it is reaped.
class RunningGroup {
 public:
  explicit RunningGroup(pid_t pgid) : m_pgid(static_cast<int>(pgid)) { trackChildGroup(m_pgid); }
  ~RunningGroup() { release(); }
  RunningGroup(const RunningGroup&) = delete;
  RunningGroup& operator=(const RunningGroup&) = delete;
  void release() {
    if (m_pgid > 0) untrackChildGroup(m_pgid);
    m_pgid = 0;
  }

 private:
  int m_pgid = 0;
};

}  // namespace

ChildResult runChild(const ChildSpec& spec) {
  ChildResult r;
  if (spec.argv.empty()) {
    r.start_error = "no program given";
    return r;
  }
  std::string path = spec.argv[0];
  if (path.find('/') == std::string::npos) {
    path = findInPath(spec.argv[0]);
    if (path.empty()) {
      r.start_error = spec.argv[0] + ": not found in PATH";
      return r;
    }
  }
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  if (spec.env) {
    for (const auto& e : *spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  Pipe in, out, err, report;
  if ((spec.stdin_data && !in.open()) || !out.open() || !err.open() || !report.open()) {
    r.start_error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return r;
  }
  SignalGuard signals;
  const auto t0 = Clock::now();
  const pid_t parent = ::getpid();
  // vfork: no copy of this (possibly large, many-threaded) process's page tables; the child only
  // makes system calls before exec, as posix_spawn's does.
  const pid_t pid = ::vfork();
  if (pid == 0)
    childSide(spec, path.c_str(), argv.data(), spec.env ? envp.data() : environ, in.read, out.write,
              err.write, report.write, parent);
  const int spawn_errno = errno;
  signals.spawned();
  if (pid < 0) {
    r.start_error = std::string("cannot start a process: ") + std::strerror(spawn_errno);
    return r;
  }
  r.pid = pid;
  RunningGroup running(pid);
  closeFd(in.read);
  closeFd(out.write);
  closeFd(err.write);
  closeFd(report.write);
  int failure[2] = {0, 0};
  ssize_t got;
  while ((got = ::read(report.read, failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof failure)) {
    running.release();
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    static const char* stages[] = {"", "cannot set up its standard streams",
                                   "cannot enter its work directory",
                                   "cannot set its resource limits", "cannot execute"};
    const int stage = failure[0] >= 1 && failure[0] <= 4 ? failure[0] : 4;
    r.start_error = spec.argv[0] + ": " + stages[stage] + " (" + std::strerror(failure[1]) + ")";
    if (stage == 2)
      r.start_error = spec.argv[0] + ": " + stages[stage] + " '" + spec.cwd + "' (" +
                      std::strerror(failure[1]) + ")";
    return r;
  }
  r.started = true;

  for (int fd : {out.read, err.read, in.write})
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::size_t written = 0;
  if (!spec.stdin_data || spec.stdin_data->empty()) closeFd(in.write);
  int pidfd = openPidfd(pid);
  const bool timed = spec.wall_timeout_s > 0;
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(timed ? spec.wall_timeout_s : 0.0));
  std::optional<Clock::time_point> term_sent;
  bool exited = false;
  while (!exited) {
    pollfd fds[4];
    int n = 0;
    int idx_out = -1, idx_err = -1, idx_in = -1;
    if (out.read >= 0) idx_out = n, fds[n++] = {out.read, POLLIN, 0};
    if (err.read >= 0) idx_err = n, fds[n++] = {err.read, POLLIN, 0};
    if (in.write >= 0) idx_in = n, fds[n++] = {in.write, POLLOUT, 0};
    if (pidfd >= 0) fds[n++] = {pidfd, POLLIN, 0};  // wakes the poll when it exits
    // A few milliseconds between looks at the timeout, the stop request and (without a pidfd)
    // the child's exit.
    const int wait_ms = pidfd >= 0 ? 5 : 2;
    const int ready = ::poll(fds, static_cast<nfds_t>(n), wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      if (idx_out >= 0 && fds[idx_out].revents &&
          !drainFd(out.read, r.out, r.out_bytes, spec.stdout_cap, false))
        closeFd(out.read);
      if (idx_err >= 0 && fds[idx_err].revents &&
          !drainFd(err.read, r.err, r.err_bytes, spec.stderr_cap, true))
        closeFd(err.read);
      if (idx_in >= 0 && fds[idx_in].revents) {
        if (fds[idx_in].revents & (POLLERR | POLLHUP)) {
          closeFd(in.write);
        } else {
          const std::string& data = *spec.stdin_data;
          const ssize_t w = ::write(in.write, data.data() + written, data.size() - written);
          if (w > 0) written += static_cast<std::size_t>(w);
          if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == data.size())
            closeFd(in.write);
        }
      }
    }
    exited = leaderExited(pid);
    if (exited) break;
    const auto now = Clock::now();
    if (!term_sent) {
      const bool stop = spec.should_stop && spec.should_stop();
      const bool late = timed && now >= deadline;
      if (stop || late) {
        (stop ? r.stopped : r.timed_out) = true;
        ::kill(-pid, SIGTERM);
        term_sent = now;
      }
    } else if (now - *term_sent >= std::chrono::duration<double>(spec.kill_grace_s)) {
      ::kill(-pid, SIGKILL);
    }
  }
  // The leader is a zombie (its pid, which is the group id, cannot be reused yet): whatever it
  // left behind in its group goes now, so no process of an evaluation outlives it.
  ::kill(-pid, SIGKILL);
  closeFd(in.write);
  closeFd(pidfd);
  // What the group wrote before it ended; a process that escaped the group may hold the pipes
  // open, so stop at the first quiet moment after a short wait.
  for (int round = 0; round < 50 && (out.read >= 0 || err.read >= 0); ++round) {
    pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
    if (::poll(fds, 2, 2) <= 0) break;
    if (fds[0].revents && !drainFd(out.read, r.out, r.out_bytes, spec.stdout_cap, false))
      closeFd(out.read);
    if (fds[1].revents && !drainFd(err.read, r.err, r.err_bytes, spec.stderr_cap, true))
      closeFd(err.read);
  }
  if (r.err.size() > spec.stderr_cap) r.err.erase(0, r.err.size() - spec.stderr_cap);
  running.release();  // before the pid can be reused
  int status = 0;
  rusage ru{};
  pid_t reaped;
  while ((reaped = ::wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {
  }
  if (reaped != pid) {  // reaped elsewhere (a SIGCHLD handler): the outcome is unknown
    r.exit_code = -1;
    r.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
  }
  r.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r.max_rss_kb = ru.ru_maxrss;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r;
}

#endif

}  // namespace sciagents::core
