// The process-wide pool of persistent Python workers and the call multiplexer.
//
// Workers are keyed by WorkerSpec::key (interpreter, module path and content hash, function,
// environment and limits). callWorkers() borrows up to `max_workers` of them (starting new ones
// as needed), sends each call frame to one of them (several in flight per worker when calls are
// fast, one message each way per call), and gives them back, keeping at most `keep` idle per key.
// Idle workers exit when the pool is destroyed (process exit), when their pipe closes, or after
// WorkerSpec::idle_s without a call.
#pragma once

#include "core/agent/task_context.h"
#include "core/agents/external/python_worker.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sciagents::core::agents::external {

class PythonPool {
 public:
  static PythonPool& instance();
  ~PythonPool();

  std::unique_ptr<PythonWorker> takeIdle(const std::string& key);  // nullptr when none
  void giveBack(const std::string& key, std::unique_ptr<PythonWorker> w, std::size_t keep);
  std::size_t idleCount(const std::string& key);
  std::vector<pid_t> idlePids();  // every idle worker's process id (tests)
  void clear();                   // ends every idle worker

 private:
  void reapExitedLocked();
  std::mutex m_mutex;
  std::map<std::string, std::vector<std::unique_ptr<PythonWorker>>> m_idle;
};

// The result of one call: the function's return value, or why there is none.
struct CallOutcome {
  bool ok = false;
  Value value;
  std::string error;  // "ValueError: x1 < 0" plus the traceback tail, or how the worker died
};

struct CallOptions {
  std::size_t max_workers = 1;
  std::size_t keep = 1;    // idle workers the pool may hold for this key afterwards
  double timeout_s = 0.0;  // per call; 0: none
  CancelFlag cancel;
  std::function<void(std::size_t done)> on_done;  // after each finished call
};

struct CallStats {
  std::size_t workers_started = 0;
  std::size_t restarts = 0;  // workers replaced after a death or a timeout
  std::string versions;      // "3.11.2 numpy 1.24.2" from the ready frame of a started worker
};

// Runs every frame (python_protocol.h CallFrameWriter) and returns the outcomes in order. Per-call
// failures (an exception, a dead worker, a timeout) are outcomes; the whole call throws only when
// the module cannot be imported or a worker cannot start (Error naming "module" or "function" or
// "python"), and cancelledError() on cancel (the busy workers' process groups are killed).
std::vector<CallOutcome> callWorkers(const WorkerSpec& spec, const std::vector<std::string>& frames,
                                     const CallOptions& options, CallStats* stats = nullptr);

}  // namespace sciagents::core::agents::external
