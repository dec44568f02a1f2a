#include "ui/remote_target.h"

#include "core/util/version.h"
#include "core/workflow/run_result_reader.h"
#include "core/workflow/workflow_json.h"
#include "ui/job_client.h"
#include "ui/qt_convert.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <utility>

#include <nlohmann/json.hpp>

namespace sciagents::ui {

namespace {
constexpr int kMetricIntervalMs = 50;
constexpr int kMaxReconnects = 5;

// Event data arrive as std::string (core/util/sse.h); ui/qt_convert.h parses Qt byte arrays.
nlohmann::json parseJson(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

std::string_view bytesView(const QByteArray& bytes) {
  return std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size()));
}
}  // namespace

RemoteTarget::RemoteTarget(QObject* parent)
    : ExecutionTarget(parent),
      m_net(new QNetworkAccessManager(this)),
      m_metric_timer(new QTimer(this)) {
  qRegisterMetaType<MetricBatch>("sciagents::ui::MetricBatch");
  m_metric_timer->setSingleShot(true);
  m_metric_timer->setInterval(kMetricIntervalMs);
  connect(m_metric_timer, &QTimer::timeout, this, &RemoteTarget::flushMetrics);
}

RemoteTarget::~RemoteTarget() {
  if (m_events) m_events->abort();
}

QString RemoteTarget::clientVersion() { return QString::fromUtf8(sciagents::kVersion); }

QString RemoteTarget::displayName() const {
  const QString server =
      m_settings.url.isEmpty() ? tr("(not configured)") : m_settings.url.toDisplayString();
  return m_backend == Backend::Slurm ? tr("Slurm via %1").arg(server) : tr("Remote %1").arg(server);
}

QString RemoteTarget::description() const {
  if (m_backend == Backend::Slurm)
    return tr("Runs execute as Slurm job arrays submitted by the SciAgents server at %1")
        .arg(m_settings.url.toDisplayString());
  return tr("Runs execute on the SciAgents server at %1").arg(m_settings.url.toDisplayString());
}

QByteArray RemoteTarget::jobBody(const core::Workflow& workflow) const {
  core::WorkflowFile file;
  file.workflow = workflow;
  nlohmann::json body = {{"workflow", nlohmann::json::parse(core::dumpWorkflowFile(file))}};
  if (!m_use_cache) body["no_cache"] = true;
  if (m_backend == Backend::Slurm) {
    body["backend"] = "slurm";
    const RemoteSlurmOptions& o = m_settings.slurm;
    nlohmann::json slurm =
        nlohmann::json::object();  // only what is set: the server's defaults apply otherwise
    if (!o.partition.trimmed().isEmpty()) slurm["partition"] = o.partition.trimmed().toStdString();
    if (!o.account.trimmed().isEmpty()) slurm["account"] = o.account.trimmed().toStdString();
    if (o.tasks > 0) slurm["tasks"] = o.tasks;
    if (o.time_limit_min > 0) slurm["time_limit_min"] = o.time_limit_min;
    if (o.cpus > 0) slurm["cpus"] = o.cpus;
    if (o.mem_mb > 0) slurm["mem_mb"] = o.mem_mb;
    if (!slurm.empty()) body["slurm"] = std::move(slurm);
  }
  return QByteArray::fromStdString(body.dump());
}

QNetworkRequest RemoteTarget::request(const QString& path) const {
  return serverRequest(m_settings, path);
}

QString RemoteTarget::replyError(QNetworkReply* reply) { return serverReplyError(reply); }

bool RemoteTarget::start(const core::Workflow& workflow) {
  if (m_running) return false;
  if (!m_settings.url.isValid() || m_settings.url.isEmpty()) return false;
  m_running = true;
  m_cancel_requested = false;
  m_done = false;
  m_reconnects = 0;
  m_job.clear();
  m_parser = core::SseParser();
  m_metric_queue.clear();
  m_workflow = workflow;
  emit started();
  QNetworkReply* reply = m_net->post(request(QStringLiteral("/v1/jobs")), jobBody(workflow));
  connect(reply, &QNetworkReply::finished, this, [this, reply] {
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
      finish(false, tr("Submitting the job failed: %1").arg(replyError(reply)));
      return;
    }
    m_job = jsonString(parseJson(reply->readAll()), "id");
    if (m_job.isEmpty()) {
      finish(false, tr("The server answered without a job id"));
      return;
    }
    emit jobSubmitted(m_job, QString::fromStdString(m_workflow.name));
    if (m_cancel_requested) {  // Cancel came before the id
      m_cancel_requested = false;
      cancel();
    }
    followEvents();
  });
  return true;
}

bool RemoteTarget::attach(const QString& job, const core::Workflow& workflow) {
  if (m_running || job.isEmpty()) return false;
  if (!m_settings.url.isValid() || m_settings.url.isEmpty()) return false;
  m_running = true;
  m_cancel_requested = false;
  m_done = false;
  m_reconnects = 0;
  m_job = job;
  m_parser = core::SseParser();
  m_metric_queue.clear();
  m_workflow = workflow;
  emit started();
  followEvents();
  return true;
}

void RemoteTarget::detach() {
  if (!m_running) return;
  m_done = true;  // the stream's end is no loss: the job keeps running on the server
  if (m_events) m_events->abort();
  m_running = false;
}

void RemoteTarget::followEvents() {
  QNetworkRequest r = request(QStringLiteral("/v1/jobs/%1/events").arg(m_job));
  r.setRawHeader("Accept", "text/event-stream");
  if (!m_parser.lastEventId().empty())
    r.setRawHeader("Last-Event-ID", QByteArray::fromStdString(m_parser.lastEventId()));
  QNetworkReply* reply = m_net->get(r);
  m_events = reply;
  connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
    for (const core::SseEvent& e : m_parser.feed(bytesView(reply->readAll()))) onEvent(e);
  });
  connect(reply, &QNetworkReply::finished, this, [this, reply] {
    reply->deleteLater();
    if (m_done || !m_running) return;
    for (const core::SseEvent& e : m_parser.feed(bytesView(reply->readAll()))) onEvent(e);
    for (const core::SseEvent& e : m_parser.finish()) onEvent(e);
    if (m_done) return;
    if (reply->error() == QNetworkReply::NoError ||
        reply->error() == QNetworkReply::RemoteHostClosedError) {
      if (++m_reconnects <= kMaxReconnects) {  // stream closed early: resume after the last event
        followEvents();
        return;
      }
    }
    finish(false, tr("Lost the event stream of job %1: %2").arg(m_job, replyError(reply)));
  });
}

void RemoteTarget::onEvent(const core::SseEvent& event) {
  const auto j = parseJson(event.data);
  if (event.type == "metric") {
    m_metric_queue.push_back(MetricSample{jsonString(j, "step"), jsonString(j, "series"),
                                          jsonNumber(j, "x"), jsonNumber(j, "y")});
    if (!m_metric_timer->isActive()) m_metric_timer->start();
  } else if (event.type == "step_started") {
    emit stepStarted(jsonString(j, "step"));
  } else if (event.type == "step_finished") {
    flushMetrics();
    const bool cached = j.is_object() && j.contains("cached") && j["cached"].is_boolean() &&
                        j["cached"].get<bool>();
    emit stepFinished(
        jsonString(j, "step"),
        static_cast<int>(core::stepStatusFromName(jsonString(j, "status").toStdString())), cached,
        jsonString(j, "error"));
  } else if (event.type == "state") {
    emit jobStateChanged(jsonString(j, "state"));
  } else if (event.type == "progress") {
    emit progress(jsonString(j, "step"), jsonNumber(j, "fraction"), jsonString(j, "message"));
    // A Slurm job's milestones (submitted, attached, shard_done; docs/slurm.md) also go to the run
    // log; its periodic "progress" and "shard_started" events only to progress().
    if (jsonString(j, "step") == QLatin1String("slurm") && j.contains("slurm")) {
      const QString type = jsonString(j["slurm"], "type");
      if (type != QLatin1String("progress") && type != QLatin1String("shard_started"))
        emit slurmLog(tr("Slurm: %1").arg(jsonString(j, "message")));
    }
  } else if (event.type == "done") {
    m_done = true;
    flushMetrics();
    if (m_events) m_events->abort();
    fetchResult(jsonString(j, "state"));
  }
}

void RemoteTarget::fetchResult(const QString& state) {
  QNetworkReply* reply = m_net->get(request(QStringLiteral("/v1/jobs/%1/result").arg(m_job)));
  connect(reply, &QNetworkReply::finished, this, [this, reply, state] {
    reply->deleteLater();
    QString error;
    if (reply->error() == QNetworkReply::NoError) {
      const auto doc = parseJson(reply->readAll());
      if (doc.is_object())
        m_result = std::make_shared<core::RunResult>(core::runResultFromJson(doc, &m_workflow));
      else
        error = tr("The result of job %1 is not JSON").arg(m_job);
    } else if (state == QLatin1String("succeeded")) {
      error = tr("Fetching the result failed: %1").arg(replyError(reply));
    } else {
      m_result.reset();
    }
    const bool ok = error.isEmpty() && state == QLatin1String("succeeded");
    if (error.isEmpty() && !ok && m_result)
      for (const auto& s : m_result->steps)
        if (!s.error.empty()) {
          error = QString::fromStdString(s.error);
          break;
        }
    if (error.isEmpty() && !ok && state != QLatin1String("cancelled"))
      error = tr("job %1 ended %2").arg(m_job, state);
    finish(ok, error);
  });
}

void RemoteTarget::finish(bool ok, const QString& error) {
  flushMetrics();
  if (m_events) m_events->abort();
  m_running = false;
  emit finished(ok, error);
}

void RemoteTarget::flushMetrics() {
  m_metric_timer->stop();
  if (m_metric_queue.isEmpty()) return;
  emit metrics(std::exchange(m_metric_queue, {}));
}

void RemoteTarget::cancel() {
  if (!m_running) return;
  const bool had = m_cancel_requested;
  m_cancel_requested = true;
  if (m_job.isEmpty() || had) return;  // sent once the id is known / already sent
  QNetworkReply* reply = m_net->deleteResource(request(QStringLiteral("/v1/jobs/%1").arg(m_job)));
  connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
}

void RemoteTarget::testConnection() {
  QNetworkRequest ready = request(QStringLiteral("/readyz"));
  ready.setTransferTimeout(10000);
  QNetworkReply* reply = m_net->get(ready);
  connect(reply, &QNetworkReply::finished, this, [this, reply] {
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
      emit connectionTested(
          false,
          tr("Server not ready at %1: %2").arg(m_settings.url.toDisplayString(), replyError(reply)),
          {});
      return;
    }
    const QString server = jsonString(parseJson(reply->readAll()), "version");
    QNetworkRequest agents = request(QStringLiteral("/v1/agents"));
    agents.setTransferTimeout(10000);
    QNetworkReply* auth = m_net->get(agents);
    connect(auth, &QNetworkReply::finished, this, [this, auth, server] {
      auth->deleteLater();
      const QString ours = clientVersion();
      QString versions = server == ours ? tr("server %1, Studio %2").arg(server, ours)
                                        : tr("version mismatch: server %1, Studio %2")
                                              .arg(server.isEmpty() ? tr("unknown") : server, ours);
      if (auth->error() != QNetworkReply::NoError) {
        emit connectionTested(false, tr("Token rejected (%1); %2").arg(replyError(auth), versions),
                              server);
        return;
      }
      emit connectionTested(true, tr("Connected: %1").arg(versions), server);
    });
  });
}

}  // namespace sciagents::ui
