// A fixed-size pool of worker threads with one FIFO queue. Work items must not throw (the engine
// wraps them); the destructor drains nothing: it waits for running items and drops queued ones.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sciagents::core {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void submit(std::function<void()> work);
  int size() const { return static_cast<int>(m_workers.size()); }

  // Threads to use when the user asks for 0 ("all"): hardware concurrency, at least 1.
  static int defaultThreads();

 private:
  void loop();

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::function<void()>> m_queue;
  bool m_stop = false;
  std::vector<std::thread> m_workers;
};

}  // namespace sciagents::core
