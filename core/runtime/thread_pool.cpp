#include "core/runtime/thread_pool.h"

#include <algorithm>

namespace sciagents::core {

ThreadPool::ThreadPool(int threads) {
  const int n = std::max(1, threads);
  m_workers.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) m_workers.emplace_back([this] { loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_queue.clear();
  }
  m_cv.notify_all();
  for (auto& t : m_workers) t.join();
}

void ThreadPool::submit(std::function<void()> work) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(work));
  }
  m_cv.notify_one();
}

int ThreadPool::defaultThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

void ThreadPool::loop() {
  while (true) {
    std::function<void()> work;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stop || !m_queue.empty(); });
      if (m_stop) return;
      work = std::move(m_queue.front());
      m_queue.pop_front();
    }
    work();
  }
}

}  // namespace sciagents::core
