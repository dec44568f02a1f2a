#include "core/runtime/parallel_blocks.h"

#include "core/runtime/thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace sciagents::core {

namespace {

thread_local ThreadPool* t_pool = nullptr;

// Shared by the caller and its helpers; a helper holds it (not the caller's stack) so that one
// starting after the call returned only finds the counter exhausted. `fn` is read only by a
// thread that claimed a block, and the caller waits for every claimed block.
struct State {
  const std::function<void(std::size_t, int)>* fn = nullptr;
  std::size_t blocks = 0;
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t next = 0, done = 0;
  std::optional<std::size_t> error_at;
  std::exception_ptr error;

  void drain(int slot) {
    while (true) {
      std::size_t b;
      {
        std::lock_guard lock(mutex);
        if (next >= blocks) return;
        b = next++;
        if (error_at) {  // after a failure the remaining blocks are skipped
          if (++done == blocks) cv.notify_all();
          continue;
        }
      }
      std::exception_ptr failure;
      try {
        (*fn)(b, slot);
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard lock(mutex);
      if (failure && (!error_at || b < *error_at)) {
        error_at = b;
        error = failure;
      }
      if (++done == blocks) cv.notify_all();
    }
  }
};

}  // namespace

ThreadPool* currentRunPool() { return t_pool; }

RunPoolScope::RunPoolScope(ThreadPool* pool) : m_previous(t_pool) { t_pool = pool; }
RunPoolScope::~RunPoolScope() { t_pool = m_previous; }

void parallelBlocks(std::size_t blocks, int threads,
                    const std::function<void(std::size_t, int)>& fn) {
  if (blocks == 0) return;
  const int workers = static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), blocks));
  if (workers == 1) {  // no bookkeeping: in order on this thread
    for (std::size_t b = 0; b < blocks; ++b) fn(b, 0);
    return;
  }
  auto state = std::make_shared<State>();
  state->fn = &fn;
  state->blocks = blocks;
  std::vector<std::thread> own;
  ThreadPool* pool = t_pool;
  for (int slot = 1; slot < workers; ++slot) {
    if (pool)
      pool->submit([state, slot] { state->drain(slot); });
    else
      own.emplace_back([state, slot] { state->drain(slot); });
  }
  state->drain(0);
  {
    std::unique_lock lock(state->mutex);
    state->cv.wait(lock, [&] { return state->done == blocks; });
  }
  for (auto& t : own) t.join();
  if (state->error) std::rethrow_exception(std::exchange(state->error, nullptr));
}

}  // namespace sciagents::core
