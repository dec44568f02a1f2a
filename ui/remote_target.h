// Runs workflows on a `sciagents serve` server: POST /v1/jobs, follow the job's Server-Sent
// Events (GET /v1/jobs/{id}/events, parsed incrementally as bytes arrive) and turn them into the
// same signals LocalRunner emits (metric samples batched every ~50 ms), fetch
// /v1/jobs/{id}/result when the job is done, DELETE /v1/jobs/{id} on cancel.
// With the Slurm backend ("Slurm (through server)") the same job asks the server to run it as a
// Slurm job array ("backend": "slurm" and the "slurm" options of RemoteSettings, docs/slurm.md);
// the server's Slurm progress events (step "slurm") also come out as slurmLog lines.
#pragma once

#include "core/util/sse.h"
#include "ui/execution_target.h"
#include "ui/remote_settings.h"

#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

namespace sciagents::ui {

class RemoteTarget final : public ExecutionTarget {
  Q_OBJECT
 public:
  // Server: the server's own --backend decides; Slurm: every job asks for Slurm.
  enum class Backend { Server, Slurm };

  explicit RemoteTarget(QObject* parent = nullptr);
  ~RemoteTarget() override;

  void setSettings(const RemoteSettings& settings) { m_settings = settings; }
  const RemoteSettings& settings() const { return m_settings; }
  void setUseCache(bool on) { m_use_cache = on; }
  bool useCache() const { return m_use_cache; }
  // Applies from the next start (a running job keeps its backend).
  void setBackend(Backend backend) { m_backend = backend; }
  Backend backend() const { return m_backend; }
  // The POST /v1/jobs body start() sends for `workflow` (JSON).
  QByteArray jobBody(const core::Workflow& workflow) const;

  QString displayName() const override;
  QString description() const override;
  bool isRunning() const override { return m_running; }
  bool start(const core::Workflow& workflow) override;
  void cancel() override;
  bool cancelRequested() const override { return m_cancel_requested; }
  std::shared_ptr<const core::RunResult> lastResult() const override { return m_result; }
  QString jobId() const { return m_job; }

  // GET /readyz (server version) then GET /v1/agents with the token; reports through
  // connectionTested. `ok` needs both to succeed; a version mismatch is reported with both.
  void testConnection();
  static QString clientVersion();

 signals:
  void connectionTested(bool ok, const QString& report, const QString& server_version);
  // The job's state from the event stream ("queued", "running", …; the first event of a stream).
  void jobStateChanged(const QString& state);
  // A Slurm job's milestone for the run log: submitted, attached, a shard done ("shard 2 of 4
  // succeeded (3/4 done)"); the frequent progress updates go through progress() only.
  void slurmLog(const QString& line);

 private:
  QNetworkRequest request(const QString& path) const;
  void followEvents();
  void onEvent(const core::SseEvent& event);
  void fetchResult(const QString& state);
  void finish(bool ok, const QString& error);
  void flushMetrics();
  static QString replyError(QNetworkReply* reply);

  QNetworkAccessManager* m_net;
  RemoteSettings m_settings;
  core::Workflow m_workflow;
  QString m_job;
  QPointer<QNetworkReply> m_events;
  core::SseParser m_parser;  // core/util/sse.h: the codec the server writes with
  QTimer* m_metric_timer;
  MetricBatch m_metric_queue;
  std::shared_ptr<const core::RunResult> m_result;
  bool m_running = false;
  bool m_cancel_requested = false;
  bool m_done = false;
  bool m_use_cache = true;
  Backend m_backend = Backend::Server;
  int m_reconnects = 0;
};

}  // namespace sciagents::ui
