#include "ui/job_browser.h"

#include "core/workflow/run_result_reader.h"
#include "core/workflow/workflow.h"
#include "ui/job_client.h"
#include "ui/qt_convert.h"
#include "ui/remote_target.h"
#include "ui/workflow_document.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace sciagents::ui {

namespace {
constexpr int kJobBrowserMaxRemembered = 200;
constexpr int kJobBrowserListLimit = 200;
constexpr int kJobBrowserTransferMs = 30000;

QString jobBrowserSettingsKey(const QUrl& url) {
  return QStringLiteral("jobBrowser/") +
         QString::fromLatin1(QUrl::toPercentEncoding(
             url.adjusted(QUrl::StripTrailingSlash).toString(QUrl::RemoveUserInfo))) +
         QStringLiteral("/jobs");
}

// "2026-11-29T06:33:50.123456Z" → UTC time (milliseconds kept).
QDateTime jobBrowserTime(const QString& iso) {
  if (iso.size() < 19) return {};
  const QString t = iso.left(iso.size() >= 23 && iso[19] == QLatin1Char('.') ? 23 : 19);
  return QDateTime::fromString(t + QLatin1Char('Z'), Qt::ISODateWithMs);  // UTC
}

QString jobBrowserDuration(qint64 ms) {
  const double s = static_cast<double>(ms) / 1000.0;
  if (s < 60) return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
  const qint64 whole = ms / 1000;
  if (s < 3600)
    return QStringLiteral("%1m%2s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1h%2m").arg(whole / 3600).arg((whole / 60) % 60, 2, 10, QLatin1Char('0'));
}

bool jobBrowserFinished(const QString& state) {
  return state == QLatin1String("succeeded") || state == QLatin1String("failed") ||
         state == QLatin1String("cancelled") || state == QLatin1String("timed_out");
}
}  // namespace

struct JobBrowser::JobRow {
  QString id, name, state, submitted, duration, progress;
  bool remembered = false;
};

JobBrowser::JobBrowser(RemoteTarget* remote, const WorkflowDocument* doc, QWidget* parent)
    : QWidget(parent),
      m_remote(remote),
      m_doc(doc),
      m_net(new QNetworkAccessManager(this)),
      m_timer(new QTimer(this)),
      m_state(new QComboBox(this)),
      m_table(new QTableWidget(0, NCols, this)),
      m_status(new QLabel(this)) {
  setObjectName(QStringLiteral("JobBrowserWidget"));
  m_state->setObjectName(QStringLiteral("JobStateFilter"));
  m_state->addItem(tr("All states"), QString());
  for (const char* s : {"queued", "running", "succeeded", "failed", "cancelled", "timed_out"})
    m_state->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
  m_state->setToolTip(tr("List only the jobs in this state"));
  auto button = [this](const QString& text, const QString& name, const QString& tip) {
    auto* b = new QPushButton(text, this);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
  };
  m_refresh = button(tr("Refresh"), QStringLiteral("JobRefresh"),
                     tr("List the jobs again (also every %1 s while this panel is visible)")
                         .arg(kRefreshMs / 1000));
  m_attach =
      button(tr("Attach"), QStringLiteral("JobAttach"),
             tr("Follow the job's progress; its result fills the Results panel when it ends"));
  m_fetch = button(tr("Fetch result"), QStringLiteral("JobFetchResult"),
                   tr("Load the finished job's result into the Results panel"));
  m_save = button(tr("Save result…"), QStringLiteral("JobSaveResult"),
                  tr("Save the last fetched result as a result file"));
  m_cancel = button(tr("Cancel job…"), QStringLiteral("JobCancel"),
                    tr("Stop the job on the server (asks first)"));
  m_open = button(tr("Open workflow"), QStringLiteral("JobOpenWorkflow"),
                  tr("Open the workflow a finished job ran as a document"));

  m_table->setObjectName(QStringLiteral("JobTable"));
  m_table->setHorizontalHeaderLabels({tr("ID"), tr("Name"), tr("State"), tr("Submitted (UTC)"),
                                      tr("Duration"), tr("Progress"), tr("From")});
  m_table->horizontalHeaderItem(ColFrom)->setToolTip(
      tr("“Studio”: submitted from this Studio (remembered across restarts)"));
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->verticalHeader()->hide();
  m_table->setAlternatingRowColors(true);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  m_table->horizontalHeader()->setSortIndicator(ColSubmitted, Qt::DescendingOrder);  // newest first
  m_table->setColumnWidth(ColId, 150);
  m_table->setColumnWidth(ColName, 160);
  m_table->setColumnWidth(ColState, 90);
  m_table->setColumnWidth(ColSubmitted, 150);
  m_table->setColumnWidth(ColDuration, 80);
  m_table->setColumnWidth(ColProgress, 150);
  m_status->setObjectName(QStringLiteral("JobBrowserStatus"));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* top = new QHBoxLayout;
  top->addWidget(m_state);
  top->addWidget(m_refresh);
  top->addSpacing(12);
  for (QPushButton* b : {m_attach, m_fetch, m_save, m_cancel, m_open}) top->addWidget(b);
  top->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(top);
  layout->addWidget(m_table, 1);
  layout->addWidget(m_status);

  m_timer->setInterval(kRefreshMs);
  connect(m_timer, &QTimer::timeout, this, [this] {
    if (!m_list_reply && isVisible()) refresh();
  });
  connect(m_state, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  connect(m_refresh, &QPushButton::clicked, this, &JobBrowser::refresh);
  connect(m_attach, &QPushButton::clicked, this, [this] { attach(selectedJob()); });
  connect(m_fetch, &QPushButton::clicked, this, [this] { fetchResult(selectedJob()); });
  connect(m_cancel, &QPushButton::clicked, this, &JobBrowser::confirmCancel);
  connect(m_open, &QPushButton::clicked, this, [this] { openWorkflow(selectedJob()); });
  connect(m_save, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save result"), m_last_result_job + QStringLiteral(".result.json"),
        tr("Result files (*.json);;All files (*)"));
    if (!path.isEmpty()) saveLastResult(path);
  });
  connect(m_table, &QTableWidget::itemSelectionChanged, this, &JobBrowser::updateButtons);
  connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    const QString id = m_table->item(row, ColId)->text();
    if (jobBrowserFinished(cellText(id, ColState)))
      fetchResult(id);
    else
      attach(id);
  });
  if (m_remote)
    connect(m_remote, &RemoteTarget::jobSubmitted, this, [this](const QString& id) {
      rememberJob(settings().url, id);
      if (isVisible()) refresh();
    });
  setStatus(tr("Not refreshed yet"));
  updateButtons();
}

JobBrowser::~JobBrowser() {
  // Attached jobs keep running on the server: stop following, cancel nothing.
  for (const auto& t : std::as_const(m_attached))
    if (t) t->detach();
  if (m_list_reply) m_list_reply->abort();
}

RemoteSettings JobBrowser::settings() const {
  return m_remote ? m_remote->settings() : RemoteSettings{};
}

QStringList JobBrowser::rememberedJobs(const QUrl& url) {
  if (url.isEmpty()) return {};
  return QSettings().value(jobBrowserSettingsKey(url)).toStringList();
}

void JobBrowser::rememberJob(const QUrl& url, const QString& id) {
  if (url.isEmpty() || id.isEmpty()) return;
  QSettings q;
  QStringList ids = q.value(jobBrowserSettingsKey(url)).toStringList();
  ids.removeAll(id);
  ids.prepend(id);
  while (ids.size() > kJobBrowserMaxRemembered) ids.removeLast();
  q.setValue(jobBrowserSettingsKey(url), ids);
}

void JobBrowser::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  m_timer->start();
  if (!m_list_reply) refresh();
}

void JobBrowser::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  m_timer->stop();
}

void JobBrowser::setStatus(const QString& text, bool error) {
  m_status->setText(text);
  m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

QString JobBrowser::describeError(QNetworkReply* reply, const QString& what) const {
  const int status = serverReplyStatus(reply);
  const QString server = settings().url.toDisplayString();
  if (status == 401 || status == 403)
    return tr("%1: the token was rejected by %2 (%3); check Run ▸ Target ▸ Remote Server "
              "Settings…")
        .arg(what, server, serverReplyError(reply));
  if (status == 404)
    return tr("%1: not found on %2 (%3)").arg(what, server, serverReplyError(reply));
  if (status == 0) return tr("%1: %2 is unreachable (%3)").arg(what, server, reply->errorString());
  return tr("%1: %2").arg(what, serverReplyError(reply));
}

void JobBrowser::setStateFilter(const QString& state) {
  const int i = m_state->findData(state);
  if (i >= 0) m_state->setCurrentIndex(i);  // refreshes
}

QString JobBrowser::stateFilter() const { return m_state->currentData().toString(); }

void JobBrowser::refresh() {
  const RemoteSettings s = settings();
  if (s.url.isEmpty() || !s.url.isValid()) {
    setStatus(tr("No server configured: Run ▸ Target ▸ Remote Server Settings…"));
    return;
  }
  if (m_list_reply) {
    m_list_reply->setProperty("replaced", true);
    m_list_reply->abort();
  }
  QString path = QStringLiteral("/v1/jobs?limit=%1").arg(kJobBrowserListLimit);
  if (!stateFilter().isEmpty()) path += QStringLiteral("&state=") + stateFilter();
  QNetworkRequest r = serverRequest(s, path);
  r.setTransferTimeout(kJobBrowserTransferMs);
  QNetworkReply* reply = m_net->get(r);
  m_list_reply = reply;
  connect(reply, &QNetworkReply::finished, this, [this, reply] {
    reply->deleteLater();
    if (m_list_reply == reply) m_list_reply = nullptr;
    if (reply->property("replaced").toBool()) return;  // a newer refresh took over
    onListed(reply);
  });
}

void JobBrowser::onListed(QNetworkReply* reply) {
  ++m_refreshes;
  if (reply->error() != QNetworkReply::NoError) {
    setStatus(describeError(reply, tr("Listing the jobs failed")), true);
    return;
  }
  const auto doc = parseJson(reply->readAll());
  if (!doc.is_object() || !doc.contains("jobs") || !doc["jobs"].is_array()) {
    setStatus(tr("Unexpected answer to GET /v1/jobs from %1").arg(settings().url.toDisplayString()),
              true);
    return;
  }
  const QString selected = selectedJob();
  const QStringList remembered = rememberedJobs(settings().url);
  QStringList listed;
  m_table->setSortingEnabled(false);  // rows stay put while they are updated
  for (const auto& j : doc["jobs"]) {
    const QString id = jsonString(j, "id");
    if (id.isEmpty()) continue;
    listed << id;
    JobRow row;
    row.id = id;
    row.remembered = remembered.contains(id);
    row.name = jsonString(j, "name");
    row.state = jsonString(j, "state");
    const QDateTime created = jobBrowserTime(jsonString(j, "created_at"));
    const QDateTime started = jobBrowserTime(jsonString(j, "started_at"));
    const QDateTime finished = jobBrowserTime(jsonString(j, "finished_at"));
    row.submitted = created.isValid() ? created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                      : QStringLiteral("-");
    if (started.isValid()) {
      const QDateTime end = finished.isValid() ? finished : QDateTime::currentDateTimeUtc();
      row.duration = jobBrowserDuration(std::max<qint64>(0, started.msecsTo(end)));
    } else {
      row.duration = QStringLiteral("-");
    }
    const auto& p = j.contains("progress") && j["progress"].is_object() ? j["progress"]
                                                                        : nlohmann::json::object();
    if (row.state == QLatin1String("running")) {
      row.progress = QStringLiteral("%1%").arg(qRound(jsonNumber(p, "fraction") * 100));
      if (p.contains("steps_total") && p["steps_total"].is_number_integer())
        row.progress += tr(" (%1/%2 steps)")
                            .arg(static_cast<int>(jsonNumber(p, "steps_done")))
                            .arg(p["steps_total"].get<long long>());
    } else if (row.state == QLatin1String("succeeded")) {
      row.progress = QStringLiteral("100%");
    } else {
      row.progress = QStringLiteral("-");
    }
    showJob(row);
  }
  QStringList missing;
  for (const QString& id : remembered)
    if (!listed.contains(id)) missing << id;
  for (int r = m_table->rowCount() - 1; r >= 0; --r) {
    const QString id = m_table->item(r, ColId)->text();
    if (!listed.contains(id)) m_table->removeRow(r);  // stragglers come back from fetchMissing
  }
  m_table->setSortingEnabled(true);
  m_table->resizeColumnToContents(ColId);
  if (!selected.isEmpty()) selectJob(selected);
  setStatus(tr("%n job(s) on %1, updated %2", nullptr, static_cast<int>(listed.size()))
                .arg(settings().url.toDisplayString(),
                     QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
  fetchMissing(missing.mid(0, 50));
  updateButtons();
}

// Remembered jobs the list left out (older than the list's limit): GET /v1/jobs/{id} each.
void JobBrowser::fetchMissing(const QStringList& ids) {
  for (const QString& id : ids) {
    QNetworkRequest r = serverRequest(settings(), QStringLiteral("/v1/jobs/") + id);
    r.setTransferTimeout(kJobBrowserTransferMs);
    QNetworkReply* reply = m_net->get(r);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] {
      reply->deleteLater();
      if (serverReplyStatus(reply) == 404) {  // deleted after the server's retention period
        QSettings q;
        QStringList ids = q.value(jobBrowserSettingsKey(settings().url)).toStringList();
        ids.removeAll(id);
        q.setValue(jobBrowserSettingsKey(settings().url), ids);
        return;
      }
      if (reply->error() != QNetworkReply::NoError) return;  // unreachable: the list said so
      const auto j = parseJson(reply->readAll());
      const QString state = jsonString(j, "state");
      if (state.isEmpty() || (!stateFilter().isEmpty() && state != stateFilter())) return;
      JobRow row;
      row.id = id;
      row.remembered = true;
      row.name = jsonString(j, "name");
      row.state = state;
      const QDateTime created = jobBrowserTime(jsonString(j, "created_at"));
      row.submitted = created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
      const QDateTime started = jobBrowserTime(jsonString(j, "started_at"));
      const QDateTime finished = jobBrowserTime(jsonString(j, "finished_at"));
      row.duration = started.isValid() && finished.isValid()
                         ? jobBrowserDuration(started.msecsTo(finished))
                         : QStringLiteral("-");
      row.progress =
          state == QLatin1String("succeeded") ? QStringLiteral("100%") : QStringLiteral("-");
      m_table->setSortingEnabled(false);
      showJob(row);
      m_table->setSortingEnabled(true);
    });
  }
}

void JobBrowser::showJob(const JobRow& job) {
  int row = rowOf(job.id);
  if (row < 0) {
    row = m_table->rowCount();
    m_table->insertRow(row);
    for (int c = 0; c < NCols; ++c) m_table->setItem(row, c, new QTableWidgetItem);
  }
  const bool attached = isAttached(job.id);
  m_table->item(row, ColId)->setText(job.id);
  m_table->item(row, ColName)->setText(job.name);
  // While attached, the live events own the state and progress cells.
  if (!attached || jobBrowserFinished(job.state)) {
    m_table->item(row, ColState)->setText(job.state);
    m_table->item(row, ColProgress)->setText(job.progress);
  }
  m_table->item(row, ColSubmitted)->setText(job.submitted);
  m_table->item(row, ColDuration)->setText(job.duration);
  m_table->item(row, ColFrom)->setText(job.remembered ? tr("Studio") : tr("other client"));
}

int JobBrowser::rowOf(const QString& id) const {
  for (int r = 0; r < m_table->rowCount(); ++r)
    if (m_table->item(r, ColId) && m_table->item(r, ColId)->text() == id) return r;
  return -1;
}

QString JobBrowser::cellText(const QString& id, Column column) const {
  const int r = rowOf(id);
  return r < 0 || !m_table->item(r, column) ? QString() : m_table->item(r, column)->text();
}

QString JobBrowser::selectedJob() const {
  const auto rows = m_table->selectionModel()->selectedRows();
  if (rows.isEmpty()) return {};
  const auto* item = m_table->item(rows.first().row(), ColId);
  return item ? item->text() : QString();
}

void JobBrowser::selectJob(const QString& id) {
  const int r = rowOf(id);
  if (r >= 0) m_table->selectRow(r);
}

void JobBrowser::updateButtons() {
  const QString id = selectedJob();
  const QString state = cellText(id, ColState);
  const bool finished = jobBrowserFinished(state);
  m_attach->setEnabled(!id.isEmpty() && !finished && !isAttached(id));
  m_fetch->setEnabled(!id.isEmpty() && finished);
  m_cancel->setEnabled(!id.isEmpty() && !finished);
  m_open->setEnabled(!id.isEmpty() && finished);
  m_save->setEnabled(!m_last_result.isEmpty());
}

bool JobBrowser::isOpenWorkflow(const QString& name) const {
  return m_doc && !name.isEmpty() && QString::fromStdString(m_doc->workflow().name) == name;
}

bool JobBrowser::isAttached(const QString& id) const {
  const auto it = m_attached.constFind(id);
  return it != m_attached.cend() && it.value() && it.value()->isRunning();
}

bool JobBrowser::attach(const QString& id) {
  if (id.isEmpty() || isAttached(id)) return false;
  const QString name = cellText(id, ColName);
  const bool open = isOpenWorkflow(name);
  auto* t = new RemoteTarget(this);
  t->setSettings(settings());
  m_attached.insert(id, t);
  const auto setCell = [this, id](Column c, const QString& text) {
    const int r = rowOf(id);
    if (r >= 0 && m_table->item(r, c)) m_table->item(r, c)->setText(text);
  };
  connect(t, &RemoteTarget::jobStateChanged, this, [this, setCell, id](const QString& state) {
    m_following.insert(id);
    setCell(ColState, state);
  });
  connect(t, &ExecutionTarget::progress, this,
          [setCell](const QString& step, double fraction, const QString&) {
            setCell(ColProgress, QStringLiteral("%1: %2%").arg(step).arg(qRound(fraction * 100)));
          });
  connect(t, &ExecutionTarget::stepStarted, this, [this, id, open](const QString& step) {
    if (open) emit stepStatusChanged(step, NodeStatus::Running);
    emit log(tr("job %1: %2: started").arg(id, step));
  });
  connect(t, &ExecutionTarget::stepFinished, this,
          [this, id, open](const QString& step, int status, bool cached, const QString& error) {
            if (open)
              emit stepStatusChanged(step,
                                     nodeStatusFor(static_cast<core::StepStatus>(status), cached));
            QString line =
                tr("job %1: %2: %3")
                    .arg(id, step,
                         qstr(core::stepStatusName(static_cast<core::StepStatus>(status))));
            if (!error.isEmpty()) line += QStringLiteral(": ") + error;
            emit log(line);
          });
  connect(t, &ExecutionTarget::finished, this, [this, t, id, open](bool ok, const QString& error) {
    m_attached.remove(id);
    m_following.remove(id);
    t->deleteLater();
    const auto result = t->lastResult();
    if (open && result)  // the canvas ends where the job's result says each step ended
      for (const auto& step : result->steps)
        emit stepStatusChanged(qstr(step.id), nodeStatusFor(step.status, step.cached));
    if (ok) {
      const int r = rowOf(id);
      if (r >= 0) {
        m_table->item(r, ColState)->setText(QStringLiteral("succeeded"));
        m_table->item(r, ColProgress)->setText(QStringLiteral("100%"));
      }
    }
    if (result) emit resultReady(result);
    const QString line = ok                ? tr("Job %1 succeeded").arg(id)
                         : error.isEmpty() ? tr("Job %1 was cancelled").arg(id)
                                           : tr("Job %1 ended: %2").arg(id, error);
    emit log(line);
    setStatus(line, !ok && !error.isEmpty());
    updateButtons();
    refresh();
  });
  core::Workflow workflow;
  if (open) workflow = m_doc->workflow();
  if (!t->attach(id, workflow)) {
    m_attached.remove(id);
    t->deleteLater();
    setStatus(tr("Cannot attach to job %1: no server configured").arg(id), true);
    return false;
  }
  setStatus(open ? tr("Attached to job %1 (the open workflow: the canvas follows it)").arg(id)
                 : tr("Attached to job %1").arg(id));
  emit log(tr("Attached to job %1 on %2").arg(id, settings().url.toDisplayString()));
  updateButtons();
  return true;
}

void JobBrowser::fetchResultDocument(const QString& id,
                                     const std::function<void(const QByteArray&)>& done) {
  QNetworkRequest r = serverRequest(settings(), QStringLiteral("/v1/jobs/%1/result").arg(id));
  r.setTransferTimeout(0);
  QNetworkReply* reply = m_net->get(r);
  setStatus(tr("Fetching the result of job %1…").arg(id));
  connect(reply, &QNetworkReply::finished, this, [this, reply, id, done] {
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
      setStatus(describeError(reply, tr("Fetching the result of job %1 failed").arg(id)), true);
      return;
    }
    done(reply->readAll());
  });
}

void JobBrowser::fetchResult(const QString& id) {
  if (id.isEmpty()) return;
  fetchResultDocument(id, [this, id](const QByteArray& bytes) {
    const auto doc = parseJson(bytes);
    if (!doc.is_object()) {
      setStatus(tr("The result of job %1 is not JSON").arg(id), true);
      return;
    }
    core::Workflow workflow;
    if (doc.contains("workflow_spec") && doc["workflow_spec"].is_object()) {
      try {
        workflow = core::workflowFromJson(doc["workflow_spec"]);
      } catch (const std::exception&) {
        workflow = core::Workflow{};  // the result's own step order
      }
    }
    auto result = std::make_shared<core::RunResult>(core::runResultFromJson(doc, &workflow));
    m_last_result = bytes;
    m_last_result_job = id;
    emit resultReady(result);
    setStatus(tr("Result of job %1 loaded into the Results panel (%n step(s))", nullptr,
                 static_cast<int>(result->steps.size()))
                  .arg(id));
    updateButtons();
  });
}

bool JobBrowser::saveLastResult(const QString& path) {
  if (m_last_result.isEmpty()) {
    setStatus(tr("Fetch a job's result first"), true);
    return false;
  }
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) || f.write(m_last_result) != m_last_result.size() ||
      !f.commit()) {
    setStatus(tr("Cannot write %1: %2").arg(path, f.errorString()), true);
    return false;
  }
  setStatus(tr("Saved the result of job %1 to %2").arg(m_last_result_job, path));
  return true;
}

void JobBrowser::confirmCancel() {
  const QString id = selectedJob();
  if (id.isEmpty()) return;
  auto* box = new QMessageBox(QMessageBox::Question, tr("Cancel job"),
                              tr("Cancel job %1 (%2) on the server? Its work so far is lost.")
                                  .arg(id, cellText(id, ColName)),
                              QMessageBox::Yes | QMessageBox::No, this);
  box->setObjectName(QStringLiteral("JobCancelConfirm"));
  box->setDefaultButton(QMessageBox::No);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::finished, this, [this, box, id] {
    if (box->clickedButton() == box->button(QMessageBox::Yes)) cancelJob(id);
  });
  box->open();
}

void JobBrowser::cancelJob(const QString& id) {
  if (id.isEmpty()) return;
  QNetworkRequest r = serverRequest(settings(), QStringLiteral("/v1/jobs/") + id);
  r.setTransferTimeout(kJobBrowserTransferMs);
  QNetworkReply* reply = m_net->deleteResource(r);
  setStatus(tr("Cancelling job %1…").arg(id));
  connect(reply, &QNetworkReply::finished, this, [this, reply, id] {
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
      setStatus(describeError(reply, tr("Cancelling job %1 failed").arg(id)), true);
      return;
    }
    const QString state = jsonString(parseJson(reply->readAll()), "state");
    setStatus(serverReplyStatus(reply) == 200 ? tr("Job %1 had already ended: %2").arg(id, state)
                                              : tr("Job %1: cancellation requested").arg(id));
    refresh();
  });
}

void JobBrowser::openWorkflow(const QString& id) {
  if (id.isEmpty()) return;
  fetchResultDocument(id, [this, id](const QByteArray& bytes) {
    const auto doc = parseJson(bytes);
    if (!doc.is_object() || !doc.contains("workflow_spec") || !doc["workflow_spec"].is_object()) {
      setStatus(tr("The server keeps no workflow with the result of job %1").arg(id), true);
      return;
    }
    const QString dir = QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
                            .filePath(QStringLiteral("server-jobs"));
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(id + QStringLiteral(".workflow.json"));
    QSaveFile f(path);
    const QByteArray text = QByteArray::fromStdString(doc["workflow_spec"].dump(2) + "\n");
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit()) {
      setStatus(tr("Cannot write %1: %2").arg(path, f.errorString()), true);
      return;
    }
    setStatus(tr("Opened the workflow of job %1 (%2)").arg(id, path));
    emit openWorkflowFile(path);
  });
}

}  // namespace sciagents::ui
