// Runs a workflow in-process with core::WorkflowEngine on a worker thread. Engine events arrive
// as queued Qt signals on the GUI thread, so the GUI never blocks: progress is rate-limited per
// step and metric samples are batched in the listener and cross threads as one vector per ~50 ms.
#pragma once

#include "core/agent/task_context.h"
#include "ui/execution_target.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::ui {

class LocalRunner final : public ExecutionTarget {
  Q_OBJECT
 public:
  // Runs with `registry`'s agents (Studio's own registry; it must outlive the runner).
  explicit LocalRunner(const core::AgentRegistry& registry, QObject* parent = nullptr);
  ~LocalRunner() override;  // cancels and joins a running run

  QString displayName() const override { return tr("Local"); }
  QString description() const override {
    return tr("Runs execute in this process on worker threads");
  }
  bool isRunning() const override { return m_thread.joinable(); }
  void setThreads(int threads) { m_threads = threads; }
  int threads() const { return m_threads; }
  void setUseCache(bool on) { m_use_cache = on; }
  bool useCache() const { return m_use_cache; }
  void setCacheDir(std::filesystem::path dir) { m_cache_dir = std::move(dir); }
  // Where relative paths in params resolve (the workflow file's folder; empty: the current one).
  void setBaseDir(std::filesystem::path dir) { m_base_dir = std::move(dir); }

  // Starts a run of a copy of `workflow`; false when a run is already going.
  bool start(const core::Workflow& workflow) override;
  void cancel() override;
  bool cancelRequested() const override { return m_cancel && m_cancel->load(); }
  std::shared_ptr<const core::RunResult> lastResult() const override { return m_result; }

 private:
  class Listener;
  void onWorkerDone(std::shared_ptr<core::RunResult> result, const QString& error);
  // Worker side: queues a sample; the first sample of a batch schedules a flush ~50 ms later.
  void queueMetric(MetricSample sample);
  void flushMetrics();  // GUI thread: emits the queued samples as one batch

  std::mutex m_metric_mutex;
  MetricBatch m_metric_queue;
  bool m_metric_flush_scheduled = false;

  const core::AgentRegistry& m_registry;
  std::thread m_thread;
  core::CancelFlag m_cancel;
  std::unique_ptr<Listener> m_listener;
  std::shared_ptr<const core::RunResult> m_result;
  int m_threads = 0;
  bool m_use_cache = true;
  std::filesystem::path m_cache_dir;
  std::filesystem::path m_base_dir;
};

}  // namespace sciagents::ui
