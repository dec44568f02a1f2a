// Runs one program without a shell, in its own process group, with resource limits, a reduced
// environment, a wall-clock timeout and cancellation; collects stdout and stderr (capped). The one
// piece of code that spawns processes (external models, the Slurm client commands).
// POSIX only; elsewhere the program is reported as not started.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core {

struct ChildSpec {
  // argv[0] is executed as given when it contains '/', otherwise looked up in PATH (of this
  // process, before the environment is reduced).
  std::vector<std::string> argv;
  std::string cwd;                              // empty: this process's current directory
  std::optional<std::vector<std::string>> env;  // "NAME=value" entries; nullopt: inherit all
  std::optional<std::string> stdin_data;        // nullopt: /dev/null
  double wall_timeout_s = 0.0;  // 0: none. On expiry the whole group gets SIGTERM, then SIGKILL
  double cpu_time_s = 0.0;      // RLIMIT_CPU (0: none)
  double memory_mb = 0.0;       // RLIMIT_AS (0: none)
  std::size_t stdout_cap = 64u << 20;  // bytes kept from the start of stdout (the rest counted)
  std::size_t stderr_cap = 64u << 10;  // bytes kept from the END of stderr (its tail)
  double kill_grace_s = 0.2;           // SIGTERM -> SIGKILL
  // Polled every few milliseconds while the child runs; true stops it like a timeout.
  std::function<bool()> should_stop;
};

struct ChildResult {
  bool started = false;  // false: could not be executed (start_error says why)
  std::string start_error;
  int exit_code = -1;      // when it exited normally
  int term_signal = 0;     // the signal that ended it (0: it exited)
  bool timed_out = false;  // killed after wall_timeout_s
  bool stopped = false;    // killed because should_stop() returned true
  double wall_s = 0.0;
  double cpu_s = 0.0;  // user + system time of the child (and the children it waited for)
  long max_rss_kb = 0;
  std::string out;
  std::string err;            // the last stderr_cap bytes
  std::size_t out_bytes = 0;  // total bytes written, kept or not
  std::size_t err_bytes = 0;
  int pid = 0;  // also the process group id

  bool succeeded() const {
    return started && term_signal == 0 && exit_code == 0 && !timed_out && !stopped;
  }
  // "exit status 3", "killed by signal SIGSEGV (11)", "timed out after 2 s", "could not start: ..."
  std::string describe(double timeout_s = 0.0) const;
};

ChildResult runChild(const ChildSpec& spec);

// Every running program's process group is tracked (core/util/child_groups.h): a process being
// terminated calls signalChildGroups() from its signal handler so that the programs, which live in
// sessions of their own, do not outlive it. (Each program's leader also gets SIGKILL when the
// thread that started it dies: PR_SET_PDEATHSIG on Linux.)

// "SIGSEGV", "SIGKILL"... ("signal 42" when unknown).
std::string signalName(int sig);

// The full path of `name` (no '/') in the PATH of this process; empty when not found.
std::string findInPath(const std::string& name);

}  // namespace sciagents::core
