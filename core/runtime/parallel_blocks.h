// Work split into numbered blocks, run on the calling thread plus helpers, so that a task never
// uses more threads than its run has: inside a workflow run the helpers are queued on the run's own
// thread pool (made current on the thread that runs the task by RunPoolScope, as the engine does),
// and a helper that starts late, because the pool is busy with other steps, finds no block left and
// returns; outside a run (a task called directly) they are threads started for the call.
//
// Which thread runs which block is not deterministic, so callers must make each block's result
// depend on the block number only (and combine block results in block order) for results that are
// the same for any thread count.
#pragma once

#include <cstddef>
#include <functional>

namespace sciagents::core {

class ThreadPool;

// Runs fn(block, slot) for every block in [0, blocks) on at most `threads` threads at once (the
// calling thread included) and returns when all are done. `slot` in [0, threads) names the thread
// (0 is the caller) so that per-thread scratch can be indexed by it; a slot never runs two blocks
// at once. When a block throws, blocks not yet started are skipped and the exception of the lowest
// failing block is rethrown.
void parallelBlocks(std::size_t blocks, int threads,
                    const std::function<void(std::size_t block, int slot)>& fn);

// The pool of the run on this thread (nullptr: none; parallelBlocks then starts threads).
ThreadPool* currentRunPool();

// Makes `pool` the current run pool of this thread for the lifetime of the scope.
class RunPoolScope {
 public:
  explicit RunPoolScope(ThreadPool* pool);
  ~RunPoolScope();
  RunPoolScope(const RunPoolScope&) = delete;
  RunPoolScope& operator=(const RunPoolScope&) = delete;

 private:
  ThreadPool* m_previous;
};

}  // namespace sciagents::core
