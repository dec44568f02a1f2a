// Runs a workflow in-process with core::WorkflowEngine on a worker thread. Engine events arrive
// as queued Qt signals on the GUI thread (progress and metrics coalesced), so the GUI never blocks.
#pragma once

#include "core/agent/task_context.h"
#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <QObject>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

namespace sciagents::ui {

class LocalRunner final : public QObject {
  Q_OBJECT
 public:
  explicit LocalRunner(QObject* parent = nullptr);
  ~LocalRunner() override;  // cancels and joins a running run

  bool isRunning() const { return m_thread.joinable(); }
  void setThreads(int threads) { m_threads = threads; }
  void setUseCache(bool on) { m_use_cache = on; }
  void setCacheDir(std::filesystem::path dir) { m_cache_dir = std::move(dir); }

  // Starts a run of a copy of `workflow`; false when a run is already going.
  bool start(const core::Workflow& workflow);
  void cancel();
  bool cancelRequested() const { return m_cancel && m_cancel->load(); }
  // The last finished run (nullptr before the first or when it could not start).
  std::shared_ptr<const core::RunResult> lastResult() const { return m_result; }

 signals:
  void started();
  void stepStarted(const QString& step);
  void stepFinished(const QString& step, int status, bool cached, const QString& error);  // core::StepStatus
  void progress(const QString& step, double fraction, const QString& message);
  void metric(const QString& step, const QString& series, double x, double y);
  void finished(bool ok, const QString& error);  // error: why the run could not start or failed

 private:
  class Listener;
  void onWorkerDone(std::shared_ptr<core::RunResult> result, const QString& error);

  std::thread m_thread;
  core::CancelFlag m_cancel;
  std::unique_ptr<Listener> m_listener;
  std::shared_ptr<const core::RunResult> m_result;
  int m_threads = 0;
  bool m_use_cache = true;
  std::filesystem::path m_cache_dir;
};

}  // namespace sciagents::ui
