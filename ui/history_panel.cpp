// The History dock (ui/history_panel.h).
#include "ui/history_panel.h"

#include "core/report/html_report.h"
#include "core/workflow/run_result_reader.h"
#include "ui/qt_convert.h"
#include "ui/run_compare_dialog.h"
#include "ui/run_controller.h"
#include "ui/workflow_document.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardItemModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <filesystem>

namespace sciagents::ui {

namespace {
constexpr int kHistoryListLimit = 1000;

QString historyDuration(double s) {
  if (s < 1) return QObject::tr("%1 ms").arg(qRound(s * 1000));
  if (s < 60) return QObject::tr("%1 s").arg(s, 0, 'f', s < 10 ? 2 : 1);
  const int total = int(s + 0.5);
  if (total < 3600) return QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60);
  return QObject::tr("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}
}  // namespace

bool writeRunReport(const core::RunResult& result, const QString& path, QString* error) {
  std::string html;
  try {
    core::report::ReportOptions options;
    html = core::report::htmlReport(result, options);
  } catch (const std::exception& e) {
    if (error) *error = QObject::tr("Cannot make the report: %1").arg(QString::fromUtf8(e.what()));
    return false;
  }
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) ||
      f.write(html.data(), qint64(html.size())) != qint64(html.size()) || !f.commit()) {
    if (error) *error = QObject::tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

QString defaultReportFileName(const QString& workflow_name) {
  QString base = workflow_name.trimmed();
  for (QChar& c : base)
    if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') ||
          c == QLatin1Char('.')))
      c = QLatin1Char('-');
  while (base.contains(QStringLiteral("--")))
    base.replace(QStringLiteral("--"), QStringLiteral("-"));
  while (base.startsWith(QLatin1Char('-')) || base.startsWith(QLatin1Char('.'))) base.remove(0, 1);
  while (base.endsWith(QLatin1Char('-'))) base.chop(1);
  if (base.isEmpty()) base = QStringLiteral("run");
  return base + QStringLiteral("-report.html");
}

HistoryPanel::HistoryPanel(WorkflowDocument* doc, RunController* runs, QWidget* parent)
    : QWidget(parent),
      m_doc(doc),
      m_runs(runs),
      m_model(new QStandardItemModel(0, 5, this)),
      m_view(new QTreeView(this)),
      m_empty(new QLabel(this)) {
  setObjectName(QStringLiteral("HistoryPanel"));
  m_model->setHorizontalHeaderLabels(
      {tr("Started"), tr("Workflow"), tr("Status"), tr("Where"), tr("Duration")});
  m_view->setObjectName(QStringLiteral("HistoryList"));
  m_view->setModel(m_model);
  m_view->setRootIsDecorated(false);
  m_view->setUniformRowHeights(true);
  m_view->setAlternatingRowColors(true);
  m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->setAccessibleName(tr("Run history"));
  m_empty->setObjectName(QStringLiteral("HistoryEmpty"));
  m_empty->setWordWrap(true);

  const auto action = [this](const QString& text, const QString& name, const QString& tip) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setToolTip(tip);
    m_view->addAction(a);  // the context menu
    return a;
  };
  m_open = action(tr("&Open"), QStringLiteral("HistoryOpenAction"),
                  tr("The workflow as run back in the editor, its result in the Results panel"));
  m_compare = action(tr("Co&mpare…"), QStringLiteral("HistoryCompareAction"),
                     tr("Two selected runs: the params that differ and an output of both"));
  m_rerun = action(tr("Re-ru&n"), QStringLiteral("HistoryRerunAction"),
                   tr("Runs the workflow as it was run again"));
  m_export = action(tr("E&xport report…"), QStringLiteral("HistoryExportAction"),
                    tr("The run as one self-contained HTML page"));
  m_delete = action(tr("&Delete"), QStringLiteral("HistoryDeleteAction"),
                    tr("Removes the selected runs from the history (your result files stay)"));
  // Keys while the list has the focus (the event filter): Enter opens, Delete deletes (the list
  // takes the key before Edit ▸ Delete's shortcut does).
  m_view->installEventFilter(this);
  m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
  connect(m_open, &QAction::triggered, this, [this] { openSelected(); });
  connect(m_compare, &QAction::triggered, this, [this] { compareSelected(); });
  connect(m_rerun, &QAction::triggered, this, [this] { rerunSelected(); });
  connect(m_export, &QAction::triggered, this, &HistoryPanel::exportSelected);
  connect(m_delete, &QAction::triggered, this, [this] { deleteSelected(); });
  // Not activated(): some styles activate on a single click, which would replace the document.
  connect(m_view, &QTreeView::doubleClicked, this, [this] { openSelected(); });

  auto* buttons = new QHBoxLayout;
  for (QAction* a : {m_open, m_compare, m_rerun, m_export, m_delete}) {
    auto* b = new QPushButton(a->text(), this);
    b->setObjectName(a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")));
    b->setToolTip(a->toolTip());
    connect(b, &QPushButton::clicked, a, &QAction::trigger);
    connect(a, &QAction::changed, b, [a, b] { b->setEnabled(a->isEnabled()); });
    buttons->addWidget(b);
  }
  buttons->addStretch(1);
  auto* refresh_button = new QToolButton(this);
  refresh_button->setObjectName(QStringLiteral("HistoryRefreshButton"));
  refresh_button->setText(tr("Refresh"));
  refresh_button->setToolTip(tr("Reads the history again (runs made by the command line too)"));
  connect(refresh_button, &QToolButton::clicked, this, &HistoryPanel::refresh);
  buttons->addWidget(refresh_button);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(m_view, 1);
  layout->addWidget(m_empty);
  layout->addLayout(buttons);

  connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &HistoryPanel::updateActions);
  if (m_runs) connect(m_runs, &RunController::historyRecorded, this, &HistoryPanel::refresh);
  refresh();
}

bool HistoryPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_view &&
      (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
    auto* key = static_cast<QKeyEvent*>(event);
    if (key->matches(QKeySequence::Delete) || key->key() == Qt::Key_Backspace) {
      event->accept();
      if (event->type() == QEvent::KeyPress && m_delete->isEnabled()) deleteSelected();
      return event->type() == QEvent::KeyPress;
    }
    if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
        key->modifiers() == Qt::NoModifier) {
      event->accept();
      if (event->type() == QEvent::KeyPress && m_open->isEnabled()) openSelected();
      return event->type() == QEvent::KeyPress;
    }
  }
  return QWidget::eventFilter(watched, event);
}

QString HistoryPanel::historyFile() const {
  return QString::fromStdString(core::store::RunHistory::defaultFile().string());
}

void HistoryPanel::refresh() {
  const QList<qint64> keep = selectedIds();
  m_model->removeRows(0, m_model->rowCount());
  const auto file = core::store::RunHistory::defaultFile();
  std::error_code ec;
  std::vector<core::store::RunRecord> runs;
  QString problem;
  if (file.empty()) {
    problem = tr("No history: set SCIAGENTS_HISTORY, XDG_DATA_HOME or HOME");
  } else if (std::filesystem::exists(file, ec)) {
    try {
      core::store::RunHistory history(file);
      runs = history.list(kHistoryListLimit);
    } catch (const std::exception& e) {
      problem =
          tr("Cannot read the history %1: %2").arg(historyFile(), QString::fromUtf8(e.what()));
    }
  }
  for (const auto& r : runs) {
    QList<QStandardItem*> row;
    const auto started = QDateTime::fromMSecsSinceEpoch(r.started_us / 1000);
    row << new QStandardItem(started.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    row << new QStandardItem(qstr(r.workflow_name.empty() ? r.workflow_file : r.workflow_name));
    row << new QStandardItem(qstr(r.status));
    row << new QStandardItem(qstr(r.where));
    row << new QStandardItem(historyDuration(r.wall_s));
    const QString tip = describe(r);
    for (QStandardItem* item : row) {
      item->setData(qint64(r.id), kIdRole);
      item->setToolTip(tip);
    }
    m_model->appendRow(row);
  }
  for (int c = 0; c < m_model->columnCount(); ++c) m_view->resizeColumnToContents(c);
  m_empty->setText(problem.isEmpty() ? tr("No runs recorded yet: runs from Studio and from "
                                          "`sciagents run` appear here (%1)")
                                           .arg(historyFile())
                                     : problem);
  m_empty->setVisible(!problem.isEmpty() || runs.empty());
  selectIds(keep);
  updateActions();
}

QString HistoryPanel::describe(const core::store::RunRecord& r) const {
  QStringList lines{tr("Run %1: %2").arg(r.id).arg(qstr(r.status))};
  if (!r.workflow_file.empty()) lines << tr("Workflow file: %1").arg(qstr(r.workflow_file));
  if (!r.host.empty()) lines << tr("Host: %1").arg(qstr(r.host));
  if (!r.result_file.empty()) lines << tr("Result file: %1").arg(qstr(r.result_file));
  if (!r.error.empty()) lines << tr("Error: %1").arg(qstr(r.error).left(300));
  return lines.join(QLatin1Char('\n'));
}

int HistoryPanel::runCount() const { return m_model->rowCount(); }

qint64 HistoryPanel::idAt(int row) const {
  return m_model->index(row, 0).data(kIdRole).toLongLong();
}

QList<qint64> HistoryPanel::selectedIds() const {
  QList<qint64> ids;
  for (const QModelIndex& i : m_view->selectionModel()->selectedRows()) ids << idAt(i.row());
  std::sort(ids.begin(), ids.end(), std::greater<>());  // list order: newest first
  return ids;
}

void HistoryPanel::selectIds(const QList<qint64>& ids) {
  QItemSelection selection;
  QModelIndex first;
  for (int row = 0; row < m_model->rowCount(); ++row)
    if (ids.contains(idAt(row))) {
      selection.select(m_model->index(row, 0), m_model->index(row, m_model->columnCount() - 1));
      if (!first.isValid()) first = m_model->index(row, 0);
    }
  m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  if (first.isValid())
    m_view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

void HistoryPanel::updateActions() {
  const int n = int(m_view->selectionModel()->selectedRows().size());
  m_open->setEnabled(n == 1);
  m_rerun->setEnabled(n == 1);
  m_export->setEnabled(n == 1);
  m_compare->setEnabled(n == 2);
  m_delete->setEnabled(n >= 1);
}

std::optional<core::store::RunRecord> HistoryPanel::record(qint64 id, QString* error) const {
  const auto file = core::store::RunHistory::defaultFile();
  try {
    std::error_code ec;
    if (!file.empty() && std::filesystem::exists(file, ec)) {
      core::store::RunHistory history(file);
      if (auto r = history.get(id)) return r;
    }
    if (error) *error = tr("Run %1 is no longer in the history").arg(id);
  } catch (const std::exception& e) {
    if (error)
      *error = tr("Cannot read the history %1: %2").arg(historyFile(), QString::fromUtf8(e.what()));
  }
  return std::nullopt;
}

std::optional<core::WorkflowFile> HistoryPanel::workflowOf(const core::store::RunRecord& r,
                                                           QString* error) {
  const auto j = nlohmann::json::parse(r.workflow_json, nullptr, false);
  if (r.workflow_json.empty() || j.is_discarded() || !j.is_object()) {
    if (error) *error = tr("Run %1 was recorded without its workflow").arg(r.id);
    return std::nullopt;
  }
  try {
    return core::workflowFileFromJson(j);
  } catch (const std::exception& e) {
    if (error) *error = tr("The workflow of run %1 cannot be read: %2").arg(r.id).arg(e.what());
    return std::nullopt;
  }
}

std::shared_ptr<const core::RunResult> HistoryPanel::resultOf(const core::store::RunRecord& r,
                                                              QString* error) {
  try {
    if (!r.result_file.empty())
      return std::make_shared<core::RunResult>(core::readRunResultFile(r.result_file));
    if (!r.result_json.empty()) {
      const auto doc = nlohmann::json::parse(r.result_json, nullptr, false);
      if (doc.is_object()) {
        std::optional<core::Workflow> workflow;
        if (auto f = workflowOf(r, nullptr)) workflow = f->workflow;
        return std::make_shared<core::RunResult>(
            core::runResultFromJson(doc, workflow ? &*workflow : nullptr));
      }
    }
    if (error)
      *error = tr("The result of run %1 was not kept (no result file, and larger than %2 KiB)")
                   .arg(r.id)
                   .arg(core::store::RunHistory::kMaxStoredResultBytes / 1024);
  } catch (const std::exception& e) {
    if (error) *error = tr("The result of run %1 cannot be read: %2").arg(r.id).arg(e.what());
  }
  return nullptr;
}

bool HistoryPanel::restore(qint64 id, bool run) {
  if (m_runs->isRunning()) {
    emit message(tr("A run is going on: wait for it to finish or cancel it"));
    return false;
  }
  QString error;
  const auto r = record(id, &error);
  std::optional<core::WorkflowFile> file;
  if (r) file = workflowOf(*r, &error);
  if (!file) {
    emit message(error);
    return false;
  }
  std::shared_ptr<const core::RunResult> result;
  QString result_error;
  if (!run) result = resultOf(*r, &result_error);
  // The document already holds this workflow (the usual case right after a run): keep it.
  if (m_doc->workflow().toJson() != file->workflow.toJson()) {
    if (m_before_replace && !m_before_replace()) return false;
    // The workflow file it came from, when it is still there: Save writes back to it. Marked
    // modified: the workflow as run may differ from the file now.
    const QString path =
        QFileInfo::exists(qstr(r->workflow_file)) ? qstr(r->workflow_file) : QString();
    m_doc->setRecovered(std::move(*file), path);
  }
  if (run) {
    const bool started = m_runs->runAll();
    if (started) emit message(tr("Running run %1's workflow again").arg(id));
    return started;
  }
  if (result) {
    m_runs->adoptResult(result);
    emit message(tr("Opened run %1").arg(id));
  } else {
    emit message(tr("Opened run %1's workflow. %2").arg(id).arg(result_error));
  }
  return true;
}

bool HistoryPanel::openSelected() {
  const auto ids = selectedIds();
  if (ids.size() != 1) {
    emit message(tr("Select one run to open"));
    return false;
  }
  return restore(ids.front(), false);
}

bool HistoryPanel::rerunSelected() {
  const auto ids = selectedIds();
  if (ids.size() != 1) {
    emit message(tr("Select one run to run again"));
    return false;
  }
  return restore(ids.front(), true);
}

RunCompareDialog* HistoryPanel::compareSelected() {
  const auto ids = selectedIds();
  if (ids.size() != 2) {
    emit message(tr("Select two runs to compare"));
    return nullptr;
  }
  QString error;
  const auto newer = record(ids[0], &error);
  const auto older = newer ? record(ids[1], &error) : std::nullopt;
  if (!newer || !older) {
    emit message(error);
    return nullptr;
  }
  if (m_compare_dialog) m_compare_dialog->close();
  auto* dialog = new RunCompareDialog(*older, resultOf(*older, nullptr), *newer,
                                      resultOf(*newer, nullptr), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  m_compare_dialog = dialog;
  dialog->show();
  return dialog;
}

bool HistoryPanel::deleteSelected(bool confirm) {
  const auto ids = selectedIds();
  if (ids.isEmpty()) return false;
  if (confirm) {
    const auto answer = QMessageBox::question(
        this, tr("Delete runs"),
        tr("Remove %n run(s) from the history? Result files you wrote are kept.", nullptr,
           int(ids.size())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) return false;
  }
  const auto file = core::store::RunHistory::defaultFile();
  int removed = 0;
  try {
    core::store::RunHistory history(file);
    // Results Studio kept in files of their own (too large for the row) go with their row.
    const auto own = (file.parent_path() / "studio-results").lexically_normal();
    for (qint64 id : ids) {
      const auto r = history.get(id);
      if (!history.remove(id)) continue;
      ++removed;
      if (r && !r->result_file.empty() &&
          std::filesystem::path(r->result_file).lexically_normal().parent_path() == own) {
        std::error_code ec;
        std::filesystem::remove(r->result_file, ec);
      }
    }
  } catch (const std::exception& e) {
    emit message(
        tr("Cannot change the history %1: %2").arg(historyFile(), QString::fromUtf8(e.what())));
  }
  refresh();
  emit message(tr("Deleted %n run(s) from the history", nullptr, removed));
  return removed > 0;
}

bool HistoryPanel::exportReport(qint64 id, const QString& path, QString* error) {
  const auto r = record(id, error);
  if (!r) return false;
  const auto result = resultOf(*r, error);
  if (!result) return false;
  return writeRunReport(*result, path, error);
}

void HistoryPanel::exportSelected() {
  const auto ids = selectedIds();
  if (ids.size() != 1) {
    emit message(tr("Select one run to export"));
    return;
  }
  QString error;
  const auto r = record(ids.front(), &error);
  const QString name = r ? defaultReportFileName(qstr(r->workflow_name)) : QString();
  // Next to the workflow file it ran from, when that folder is still there.
  const QString wf = r ? qstr(r->workflow_file) : QString();
  const QString folder = !wf.isEmpty() && QFileInfo(wf).absoluteDir().exists()
                             ? QFileInfo(wf).absolutePath()
                             : QDir::homePath();
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export report of run %1").arg(ids.front()),
                                   QDir(folder).filePath(name), tr("HTML report (*.html)"));
  if (path.isEmpty()) return;
  if (!exportReport(ids.front(), path, &error)) {
    QMessageBox::critical(this, tr("Export report"), error);
    return;
  }
  emit message(tr("Report written to %1").arg(path));
}

}  // namespace sciagents::ui
