// One persistent Python worker process: `python -u -c <script> MODULE FUNCTION IDLE_S CPU_S`,
// in its own process group, under RLIMIT_AS, with a reduced environment, talking over pipes
// (python_protocol.h). The owner drives it without blocking (python_calls.cpp polls the fds).
#pragma once

#include "core/agents/external/python_protocol.h"

#if defined(_WIN32)
using pid_t = int;  // workers need POSIX processes: on Windows starting one throws
#else
#include <sys/types.h>
#endif

#include <chrono>
#include <string>
#include <vector>

namespace sciagents::core::agents::external {

// Everything that defines a worker; `key` names interchangeable workers in the pool.
struct WorkerSpec {
  std::string python;  // interpreter
  std::string module;  // absolute path, symlinks resolved
  std::string function;
  std::vector<std::string> env;  // NAME=value entries, the whole environment of the worker
  double memory_mb = 0.0;        // RLIMIT_AS; 0: none
  double cpu_s = 0.0;     // CPU-time limit per call (RLIMIT_CPU set before each call); 0: none
  double idle_s = 300.0;  // the worker exits after this long without a call
  std::string key;        // interpreter, module, content hash, function, env and limits
};

class PythonWorker {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the process (fork + exec). Throws Error(RunFailed) when it cannot be started. The
  // worker is ready once its 'R' frame arrives.
  explicit PythonWorker(const WorkerSpec& spec);
  ~PythonWorker();  // closes the pipes (the worker exits at EOF), then reaps or kills it
  PythonWorker(const PythonWorker&) = delete;
  PythonWorker& operator=(const PythonWorker&) = delete;

  pid_t pid() const { return m_pid; }
  int requestFd() const { return m_in; }  // write end of the worker's stdin
  int replyFd() const { return m_out; }   // read end of its stdout
  int stderrFd() const { return m_err; }  // read end of its stderr

  bool ready = false;
  ReplyBuffer replies;
  std::string outbox;  // request bytes not yet written
  std::size_t outbox_pos = 0;
  Clock::time_point started = Clock::now();
  Clock::time_point last_used = Clock::now();

  // Non-blocking I/O helpers: false when the pipe is closed (the worker is gone).
  bool flushOutbox();
  bool readReplies();
  void readStderr();  // keeps the last few KB
  const std::string& stderrTail() const { return m_err_tail; }
  bool stderrOpen() const { return m_err_open; }

  // Kills the whole process group (SIGKILL) and reaps the worker; returns how it ended, e.g.
  // "exit status 3" or "killed by signal 11 (Segmentation fault)".
  std::string kill();
  // Reaps a worker whose pipe closed; returns how it ended (kills it if it is still running).
  std::string reap();
  // True when the process is still running (not reaped, no exit status pending).
  bool alive();

 private:
  pid_t m_pid = -1;
  int m_in = -1, m_out = -1, m_err = -1;
  bool tryReap();  // reaps an exited worker (killing what it left in its group); false if running
  bool m_reaped = false;
  std::string m_status;
  std::string m_err_tail;
  bool m_err_open = true;
};

// "exit status 3", "killed by signal 9 (Killed)".
std::string describeWaitStatus(int status);

}  // namespace sciagents::core::agents::external
