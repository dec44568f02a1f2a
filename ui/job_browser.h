// The jobs on the configured server (View ▸ Jobs on server): GET /v1/jobs listed with id, name,
// state, submission time, duration and progress, filtered by state, refreshed on demand and every
// few seconds while visible (asynchronous requests: the GUI thread never waits). Attach follows a
// job's events (the canvas and run log too when the job's workflow is the open one), Fetch result
// loads a finished job's result into the Results panel (and can save it as a result file), Cancel
// (confirmed) sends DELETE /v1/jobs/{id}, Open workflow opens the workflow a finished job ran
// (the "workflow_spec" of its result; GET /v1/jobs/{id} does not carry it).
// The jobs Studio submitted are remembered per server URL (QSettings), so after a restart they are
// listed (and marked) even when the server's list leaves them out, and can be attached again.
// Errors (unreachable, 401, 404) go to the status line under the table, never to a dialog.
#pragma once

#include "core/workflow/run_result.h"
#include "ui/node_status.h"
#include "ui/remote_settings.h"

#include <QHash>
#include <QNetworkReply>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QNetworkAccessManager;
class QPushButton;
class QTableWidget;
class QTimer;

namespace sciagents::ui {

class RemoteTarget;
class WorkflowDocument;

class JobBrowser final : public QWidget {
  Q_OBJECT
 public:
  enum Column { ColId, ColName, ColState, ColSubmitted, ColDuration, ColProgress, ColFrom, NCols };
  static constexpr int kRefreshMs = 5000;

  // `remote`: Studio's remote target (its settings name the server; the jobs it submits are
  // remembered). `doc`: the open document (Attach drives the canvas when it holds the job's
  // workflow).
  JobBrowser(RemoteTarget* remote, const WorkflowDocument* doc, QWidget* parent = nullptr);
  ~JobBrowser() override;

  // The server the browser lists: the remote target's settings.
  RemoteSettings settings() const;

  // Remembered job ids of the server `url` (newest first) and remembering one.
  static QStringList rememberedJobs(const QUrl& url);
  static void rememberJob(const QUrl& url, const QString& id);

  void refresh();  // GET /v1/jobs (with the state filter), then remembered stragglers
  void setStateFilter(const QString& state);  // "" for every state
  QString stateFilter() const;
  bool attach(const QString& id);            // follow the job's events until it ends
  bool isAttached(const QString& id) const;  // following it now
  // Attached and the server's stream has started (its first event, the job's state, came).
  bool isFollowing(const QString& id) const { return isAttached(id) && m_following.contains(id); }
  void fetchResult(const QString& id);   // into the Results panel (resultReady)
  void cancelJob(const QString& id);     // DELETE /v1/jobs/{id}, no confirmation
  void openWorkflow(const QString& id);  // the workflow_spec of its result (openWorkflowFile)
  // Writes the last fetched result document as a result file; false with the status line set.
  bool saveLastResult(const QString& path);
  QString lastResultJob() const { return m_last_result_job; }

  QString selectedJob() const;
  void selectJob(const QString& id);
  int rowOf(const QString& id) const;  // -1 when not listed
  QString cellText(const QString& id, Column column) const;
  QTableWidget* table() const { return m_table; }
  QLabel* statusLabel() const { return m_status; }
  bool isRefreshing() const { return m_list_reply != nullptr; }
  int refreshCount() const { return m_refreshes; }  // finished list refreshes (tests wait on it)

 signals:
  void resultReady(std::shared_ptr<const sciagents::core::RunResult> result);
  // For the open document's canvas and the run log, while attached to a job of that workflow.
  void stepStatusChanged(const QString& step, sciagents::ui::NodeStatus status);
  void log(const QString& line);
  // A workflow file written from a job's result, to open as a document.
  void openWorkflowFile(const QString& path);

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  struct JobRow;
  void setStatus(const QString& text, bool error = false);
  void onListed(QNetworkReply* reply);
  void fetchMissing(const QStringList& ids);
  void showJob(const JobRow& job);
  void updateButtons();
  void confirmCancel();
  void fetchResultDocument(const QString& id, const std::function<void(const QByteArray&)>& done);
  bool isOpenWorkflow(const QString& name) const;
  QString describeError(QNetworkReply* reply, const QString& what) const;

  RemoteTarget* m_remote;
  const WorkflowDocument* m_doc;
  QNetworkAccessManager* m_net;
  QTimer* m_timer;
  QComboBox* m_state;
  QTableWidget* m_table;
  QLabel* m_status;
  QPushButton* m_refresh;
  QPushButton* m_attach;
  QPushButton* m_fetch;
  QPushButton* m_save;
  QPushButton* m_cancel;
  QPushButton* m_open;
  QPointer<QNetworkReply> m_list_reply;
  QHash<QString, QPointer<RemoteTarget>> m_attached;
  QSet<QString> m_following;
  QByteArray m_last_result;
  QString m_last_result_job;
  int m_refreshes = 0;
};

}  // namespace sciagents::ui
