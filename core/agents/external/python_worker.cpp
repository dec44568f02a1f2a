#include "core/agents/external/python_worker.h"

#include "core/agents/external/python_worker_script.h"
#include "core/util/child_groups.h"
#include "core/util/error.h"

#if !defined(_WIN32)
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>

namespace sciagents::core::agents::external {

#if !defined(_WIN32)

namespace {

constexpr std::size_t kWorkerStderrTail = 4096;

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// A pipe whose ends are not inherited by other processes the engine starts.
int makePipe(int fds[2]) {
#if defined(__linux__)
  return ::pipe2(fds, O_CLOEXEC);
#else
  if (::pipe(fds) != 0) return -1;
  ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  return 0;
#endif
}

void setNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void execChild(int in, int out, int err, int max_fd, const WorkerSpec& spec,
                            char* const* argv, char* const* envp) {
  ::setpgid(0, 0);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  // Every other descriptor of the engine stays behind.
#if defined(SYS_close_range)
  if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
#endif
    for (int fd = 3; fd < max_fd; ++fd) ::close(fd);
  if (spec.memory_mb > 0) {
    const auto bytes = static_cast<rlim_t>(spec.memory_mb * 1024.0 * 1024.0);
    const struct rlimit lim { bytes, bytes };
    ::setrlimit(RLIMIT_AS, &lim);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(argv[0], argv, envp);
  static const char msg[] = "sciagents: cannot execute the Python interpreter\n";
  [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
  ::_exit(127);
}

}  // namespace

std::string describeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = ::strsignal(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
  }
  return "status " + std::to_string(status);
}

PythonWorker::PythonWorker(const WorkerSpec& spec) {
  int in[2], out[2], err[2];
  if (makePipe(in) != 0) throw Error(ErrorCode::RunFailed, "cannot create a pipe");
  if (makePipe(out) != 0) {
    ::close(in[0]), ::close(in[1]);
    throw Error(ErrorCode::RunFailed, "cannot create a pipe");
  }
  if (makePipe(err) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    throw Error(ErrorCode::RunFailed, "cannot create a pipe");
  }
  std::vector<std::string> args = {spec.python,
                                   "-u",
                                   "-c",
                                   pythonWorkerScript(),
                                   spec.module,
                                   spec.function,
                                   std::to_string(spec.idle_s),
                                   std::to_string(spec.cpu_s),
                                   sharedMemoryDir(),
                                   std::to_string(kSharedMinBytes)};
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = spec.env;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const long open_max = ::sysconf(_SC_OPEN_MAX);
  const int max_fd = open_max > 0 && open_max < 65536 ? static_cast<int>(open_max) : 65536;
  const pid_t pid = ::fork();
  if (pid == 0) execChild(in[0], out[1], err[1], max_fd, spec, argv.data(), envp.data());
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  m_in = in[1];
  m_out = out[0];
  m_err = err[0];
  if (pid < 0) {
    const std::string why = std::strerror(errno);
    closeFd(m_in), closeFd(m_out), closeFd(m_err);
    throw Error(ErrorCode::RunFailed, "cannot start a Python worker: fork failed (" + why + ")");
  }
  m_pid = pid;
  ::setpgid(pid, pid);   // also from this side, so a kill right after fork reaches the group
  trackChildGroup(pid);  // killed with the process if it must die at once (child_groups.h)
  setNonBlocking(m_in);
  setNonBlocking(m_out);
  setNonBlocking(m_err);
}

PythonWorker::~PythonWorker() {
  closeFd(m_in);  // EOF: an idle worker exits by itself
  closeFd(m_out);
  closeFd(m_err);
  if (m_reaped || m_pid <= 0) return;
  for (int i = 0; i < 100; ++i) {  // up to 1 s for a clean exit, then the group is killed
    if (tryReap()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
}

bool PythonWorker::tryReap() {
  if (m_reaped) return true;
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
      info.si_pid != m_pid)
    return false;
  // The leader is a zombie, so its group id cannot be reused yet: kill what it left in the group.
  ::kill(-m_pid, SIGKILL);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_reaped = true;
  untrackChildGroup(m_pid);
  m_status = describeWaitStatus(status);
  return true;
}

bool PythonWorker::flushOutbox() {
  // A worker that died leaves a pipe without reader: writing raises SIGPIPE, which would end the
  // whole engine. Block it in this thread for the write and discard the one the write raised.
  sigset_t pipe_only, old;
  ::sigemptyset(&pipe_only);
  ::sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  bool open = true;
  while (outbox_pos < outbox.size()) {
    const ssize_t n = ::write(m_in, outbox.data() + outbox_pos, outbox.size() - outbox_pos);
    if (n > 0) {
      outbox_pos += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EPIPE) {
      sigset_t pending;
      int sig = 0;
      if (::sigpending(&pending) == 0 && ::sigismember(&pending, SIGPIPE) == 1)
        ::sigwait(&pipe_only, &sig);  // pending: returns at once
    }
    open = false;  // the worker is gone
    break;
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (open && outbox_pos == outbox.size()) {
    outbox.clear();
    outbox_pos = 0;
  }
  return open;
}

bool PythonWorker::readReplies() {
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(m_out, buf, sizeof buf);
    if (n > 0) {
      replies.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // EOF
  }
}

void PythonWorker::readStderr() {
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(m_err, buf, sizeof buf);
    if (n > 0) {
      m_err_tail.append(buf, static_cast<std::size_t>(n));
      if (m_err_tail.size() > 2 * kWorkerStderrTail)
        m_err_tail.erase(0, m_err_tail.size() - kWorkerStderrTail);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) m_err_open = false;  // closed: no longer polled
    return;
  }
}

std::string PythonWorker::kill() {
  if (m_reaped) return m_status;
  ::kill(-m_pid, SIGKILL);
  ::kill(m_pid, SIGKILL);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_reaped = true;
  untrackChildGroup(m_pid);
  m_status = describeWaitStatus(status);
  return m_status;
}

std::string PythonWorker::reap() {
  // The pipe closed: the process is exiting. Give it a moment, then make sure.
  for (int i = 0; i < 200 && !tryReap(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  readStderr();
  return kill();  // returns the recorded status when already reaped
}

bool PythonWorker::alive() { return !tryReap(); }

#else  // Windows: no fork, pipes of this kind or process groups

std::string describeWaitStatus(int status) { return "status " + std::to_string(status); }
PythonWorker::PythonWorker(const WorkerSpec&) {
  throw Error(ErrorCode::RunFailed, "external.python needs a POSIX system (Linux or macOS)", {},
              "python");
}
PythonWorker::~PythonWorker() = default;
bool PythonWorker::flushOutbox() { return false; }
bool PythonWorker::readReplies() { return false; }
void PythonWorker::readStderr() {}
std::string PythonWorker::kill() { return m_status; }
std::string PythonWorker::reap() { return m_status; }
bool PythonWorker::alive() { return false; }
bool PythonWorker::tryReap() { return true; }

#endif

}  // namespace sciagents::core::agents::external
