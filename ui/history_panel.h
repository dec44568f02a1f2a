// The History dock: the runs recorded on this machine (core/store/run_history.h, the same file the
// CLI's `sciagents history` reads; docs/history.md, "Studio"), newest first with their time,
// workflow, status, where they ran and how long they took. Refreshes when a run finishes. On the
// selection: Open (the workflow as run back in the document, its result in the Results panel),
// Compare (two runs: ui/run_compare_dialog.h), Re-run (the workflow as run, through the run
// controller), Export report (core/report) and Delete; as buttons, a context menu and keys
// (Enter opens, Delete deletes).
#pragma once

#include "core/store/run_history.h"
#include "core/workflow/run_result.h"
#include "core/workflow/workflow_json.h"
#include "ui/run_compare_dialog.h"

#include <QList>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QLabel;
class QPushButton;
class QStandardItemModel;
class QTreeView;

namespace sciagents::ui {

class RunController;
class WorkflowDocument;

// The HTML report of `result` (core/report/html_report.h) written to `path`; false with `error`.
bool writeRunReport(const core::RunResult& result, const QString& path, QString* error);
// "NAME-report.html" from a workflow name, with characters unsafe in file names replaced.
QString defaultReportFileName(const QString& workflow_name);

class HistoryPanel final : public QWidget {
  Q_OBJECT
 public:
  enum Column { TimeColumn, WorkflowColumn, StatusColumn, WhereColumn, DurationColumn };
  static constexpr int kIdRole = Qt::UserRole + 1;  // the run's id on every row

  // Open and Re-run put the recorded workflow in `doc` and its result in `runs`.
  HistoryPanel(WorkflowDocument* doc, RunController* runs, QWidget* parent = nullptr);

  // Asked before Open or Re-run replace the document (MainWindow::maybeSave): false keeps it.
  void setBeforeReplace(std::function<bool()> ask) { m_before_replace = std::move(ask); }

  void refresh();  // re-reads the history file (keeps the selection by id)
  QString historyFile() const;
  QTreeView* view() const { return m_view; }
  QStandardItemModel* model() const { return m_model; }
  int runCount() const;
  qint64 idAt(int row) const;
  QList<qint64> selectedIds() const;  // in list order (newest first)
  void selectIds(const QList<qint64>& ids);

  // The full history row and what it holds: the workflow as run, the result (the result file, or
  // the document kept in the row). nullopt / nullptr with `error` when missing or unreadable.
  std::optional<core::store::RunRecord> record(qint64 id, QString* error = nullptr) const;
  static std::optional<core::WorkflowFile> workflowOf(const core::store::RunRecord& r,
                                                      QString* error);
  static std::shared_ptr<const core::RunResult> resultOf(const core::store::RunRecord& r,
                                                         QString* error);

  // The actions on the selection (buttons, context menu, keys); false when refused (with a
  // message()).
  bool openSelected();
  RunCompareDialog* compareSelected();  // the dialog (non-modal, deleted on close), or nullptr
  bool rerunSelected();
  bool deleteSelected(bool confirm = true);
  // Export report… for the selected run: asks for the file (the workflow's name by default).
  void exportSelected();
  bool exportReport(qint64 id, const QString& path, QString* error);

  QAction* openAction() const { return m_open; }
  QAction* compareAction() const { return m_compare; }
  QAction* rerunAction() const { return m_rerun; }
  QAction* exportAction() const { return m_export; }
  QAction* deleteAction() const { return m_delete; }
  RunCompareDialog* compareDialog() const { return m_compare_dialog; }

 signals:
  void message(const QString& text);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  bool restore(qint64 id, bool run);  // Open (run = false) and Re-run
  void updateActions();
  QString describe(const core::store::RunRecord& r) const;

  WorkflowDocument* m_doc;
  RunController* m_runs;
  std::function<bool()> m_before_replace;
  QStandardItemModel* m_model;
  QTreeView* m_view;
  QLabel* m_empty;
  QAction* m_open;
  QAction* m_compare;
  QAction* m_rerun;
  QAction* m_export;
  QAction* m_delete;
  QPointer<RunCompareDialog> m_compare_dialog;
};

}  // namespace sciagents::ui
