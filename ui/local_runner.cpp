#include "ui/local_runner.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/workflow_engine.h"
#include "ui/qt_convert.h"

#include <QMetaObject>
#include <QTimer>

#include <chrono>
#include <map>
#include <mutex>

namespace sciagents::ui {

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(50);
constexpr int kMetricIntervalMs = 50;
}  // namespace

// Engine callbacks come from worker threads (serialised by the engine). Each is posted to the
// runner's thread; progress is rate-limited per step so a chatty task cannot flood the event loop.
class LocalRunner::Listener final : public core::RunListener {
 public:
  explicit Listener(LocalRunner* runner) : m_runner(runner) {}

  void stepStarted(const std::string& step, const std::string&, const std::string&) override {
    post([r = m_runner, s = qstr(step)] { emit r->stepStarted(s); });
  }
  void stepFinished(const core::StepResult& result) override {
    // Samples of the step reach the GUI before its end.
    post([r = m_runner] { r->flushMetrics(); });
    post([r = m_runner, s = qstr(result.id), st = static_cast<int>(result.status),
          c = result.cached, e = qstr(result.error)] { emit r->stepFinished(s, st, c, e); });
  }
  void progress(std::string_view step, double fraction, std::string_view message) override {
    const auto now = std::chrono::steady_clock::now();
    auto& last = m_last_progress[std::string(step)];
    if (fraction < 1.0 && now - last < kProgressInterval) return;
    last = now;
    post([r = m_runner, s = qstr(step), fraction, m = qstr(message)] {
      emit r->progress(s, fraction, m);
    });
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    m_runner->queueMetric(MetricSample{qstr(step), qstr(series), x, y});
  }

 private:
  template <class F>
  void post(F&& f) {
    QMetaObject::invokeMethod(m_runner, std::forward<F>(f), Qt::QueuedConnection);
  }
  LocalRunner* m_runner;
  std::map<std::string, std::chrono::steady_clock::time_point> m_last_progress;
};

LocalRunner::LocalRunner(const core::AgentRegistry& registry, QObject* parent)
    : ExecutionTarget(parent), m_registry(registry) {
  qRegisterMetaType<MetricBatch>("sciagents::ui::MetricBatch");
}

void LocalRunner::queueMetric(MetricSample sample) {
  bool schedule = false;
  {
    const std::lock_guard lock(m_metric_mutex);
    m_metric_queue.push_back(std::move(sample));
    schedule = !m_metric_flush_scheduled;
    m_metric_flush_scheduled = true;
  }
  if (schedule)  // the timer must start on the GUI thread: post, then wait there
    QMetaObject::invokeMethod(
        this, [this] { QTimer::singleShot(kMetricIntervalMs, this, &LocalRunner::flushMetrics); },
        Qt::QueuedConnection);
}

void LocalRunner::flushMetrics() {
  MetricBatch batch;
  {
    const std::lock_guard lock(m_metric_mutex);
    batch.swap(m_metric_queue);
    m_metric_flush_scheduled = false;
  }
  if (!batch.isEmpty()) emit metrics(batch);
}

LocalRunner::~LocalRunner() {
  if (m_cancel) m_cancel->store(true);
  if (m_thread.joinable()) m_thread.join();
}

bool LocalRunner::start(const core::Workflow& workflow) {
  if (isRunning()) return false;
  m_cancel = std::make_shared<std::atomic<bool>>(false);
  m_listener = std::make_unique<Listener>(this);
  core::RunOptions options;
  options.threads = m_threads;
  options.use_cache = m_use_cache;
  options.cache_dir = m_cache_dir;
  options.base_dir = m_base_dir.string();
  options.cancel = m_cancel;
  options.listener = m_listener.get();
  emit started();
  m_thread = std::thread([this, workflow, options] {
    std::shared_ptr<core::RunResult> result;
    QString error;
    try {
      result = std::make_shared<core::RunResult>(
          core::WorkflowEngine(m_registry).run(workflow, options));
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this, [this, result, error] { onWorkerDone(result, error); }, Qt::QueuedConnection);
  });
  return true;
}

void LocalRunner::cancel() {
  if (m_cancel) m_cancel->store(true);
}

void LocalRunner::onWorkerDone(std::shared_ptr<core::RunResult> result, const QString& error) {
  if (m_thread.joinable()) m_thread.join();  // the worker has returned: this is immediate
  flushMetrics();
  m_result = result;
  const bool ok = result && result->status == core::StepStatus::Succeeded;
  QString why = error;
  if (why.isEmpty() && result && !ok)
    for (const auto& s : result->steps)
      if (!s.error.empty()) {
        why = QString::fromStdString(s.error);
        break;
      }
  emit finished(ok, why);
}

}  // namespace sciagents::ui
