#include "ui/main_window.h"

#include "core/workflow/python_export.h"
#include "core/workflow/run_result.h"
#include "ui/agent_palette.h"
#include "ui/autosave.h"
#include "ui/canvas_view.h"
#include "ui/connect_dialog.h"
#include "ui/connection_dialog.h"
#include "ui/convergence_chart.h"
#include "ui/example_catalog.h"
#include "ui/expression_messages.h"
#include "ui/feedback/feedback_controller.h"
#include "ui/history_panel.h"
#include "ui/job_browser.h"
#include "ui/local_runner.h"
#include "ui/metrics_dashboard.h"
#include "ui/node_item.h"
#include "ui/property_panel.h"
#include "ui/qt_convert.h"
#include "ui/remote_target.h"
#include "ui/results_panel.h"
#include "ui/run_controller.h"
#include "ui/tutorial/onboarding.h"
#include "ui/tutorial/tutorial_controller.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

namespace sciagents::ui {

namespace {
constexpr int kMaxRecent = 8;
constexpr int kStatusTimeoutMs = 8000;
const char* kFileFilter =
    "SciAgents workflows (*.workflow.json);;JSON files (*.json);;All files (*)";
}  // namespace

MainWindow::MainWindow(const core::AgentRegistry& registry, QWidget* parent)
    : QMainWindow(parent),
      m_doc(new WorkflowDocument(registry, this)),
      m_scene(new WorkflowScene(m_doc, this)),
      m_view(new CanvasView(m_scene, this)),
      m_runs(new RunController(m_doc, this)),
      m_autosave(new Autosave(m_doc, this)) {
  setObjectName(QStringLiteral("MainWindow"));
  m_view->setObjectName(QStringLiteral("Canvas"));
  setCentralWidget(m_view);
  buildDocks();
  buildActions();
  m_target = new QLabel(this);
  m_target->setObjectName(QStringLiteral("TargetLabel"));
  statusBar()->addPermanentWidget(m_target);
  connectRuns();
  m_onboarding = new Onboarding(this);
  m_feedback = new FeedbackController(this);
  m_feedback->installMenu(helpMenu());
  connect(this, &MainWindow::runFinished, m_feedback, &FeedbackController::onRunFinished);
  connect(m_onboarding->tutorials(), &TutorialController::tutorialFinishedOrSkipped, m_feedback,
          [this](const QString&) { m_feedback->onTutorialFinishedOrSkipped(); });
  // Surveys wait for a pause: not during a run, not during a tutorial step.
  m_feedback->setBusyCheck(
      [this] { return m_runs->isRunning() || m_onboarding->tutorials()->currentStep() >= 0; });
  connect(m_runs, &RunController::runningChanged, m_feedback, [this](bool running) {
    if (!running) m_feedback->offerWhenIdle();
  });
  connect(m_feedback, &FeedbackController::thanked, this, [this] {
    statusBar()->showMessage(tr("Thank you for your feedback: your answers are saved."), 10000);
  });

  connect(m_doc, &WorkflowDocument::modifiedChanged, this, &MainWindow::updateTitle);
  connect(m_doc, &WorkflowDocument::filePathChanged, this, &MainWindow::updateTitle);
  connect(m_doc, &WorkflowDocument::changed, this, &MainWindow::updateTitle);
  connect(m_doc, &WorkflowDocument::documentReset, this, [this] {
    m_results->clear();
    QTimer::singleShot(0, m_view, &CanvasView::fitAll);  // after the view has its final size
  });
  connect(m_scene, &WorkflowScene::message, this, &MainWindow::showMessage);
  connect(m_scene, &WorkflowScene::currentStepChanged, m_props, &PropertyPanel::setStep);
  connect(m_scene, &WorkflowScene::currentStepChanged, this, [this](const QString& id) {
    if (!id.isEmpty()) m_results->showStep(id);
  });
  connect(m_props, &PropertyPanel::message, this, &MainWindow::showMessage);
  connect(m_results, &ResultsPanel::message, this, &MainWindow::showMessage);
  connect(m_view, &CanvasView::taskDropped, this,
          [this](const QString& agent, const QString& task, QPointF pos) {
            const QString id = m_doc->addStep(agent, task, pos);
            if (!id.isEmpty()) m_scene->selectSteps({id});
          });
  connect(m_palette, &AgentPalette::taskActivated, this, &MainWindow::addTask);
  connect(m_view, &CanvasView::editRequested, this, [this](const QString& id) {
    if (auto* d = findChild<QDockWidget*>(QStringLiteral("PropertiesDock"))) d->show();
    if (m_props->stepId() == id) m_props->focusForm();
  });

  QSettings settings;
  resize(1280, 800);
  m_default_state = saveState();  // View ▸ Reset Layout goes back to this
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray()))
    QTimer::singleShot(0, this, &MainWindow::applyDefaultDockSizes);  // sizes apply once laid out
  updateTitle();
  updateRunActions();
}

MainWindow::~MainWindow() {
  // Views of the document go before it (QObject deletes children in creation order).
  delete m_runs;  // cancels and joins a running run
  m_runs = nullptr;
  delete m_props;
  delete m_view;
  delete m_scene;
}

QString MainWindow::examplesDir() {
  const QString env = qEnvironmentVariable("SCIAGENTS_EXAMPLES_DIR");
  if (!env.isEmpty() && QDir(env).exists()) return env;
  const QString installed = QDir(QCoreApplication::applicationDirPath())
                                .filePath(QStringLiteral("../share/sciagents/examples"));
  if (QDir(installed).exists()) return QDir(installed).canonicalPath();
  return QStringLiteral(SCIAGENTS_SOURCE_DIR "/examples");
}

void MainWindow::buildDocks() {
  auto dock = [this](const QString& title, const QString& name, QWidget* w,
                     Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name);
    d->setWidget(w);
    addDockWidget(area, d);
    return d;
  };
  m_palette = new AgentPalette(registry(), this);
  m_props = new PropertyPanel(m_doc, this);
  m_log = new QPlainTextEdit(this);
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(5000);
  // Monospace: expression errors point at the position with a "^" line under the text.
  m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_results = new ResultsPanel(this);
  m_chart = new ConvergenceChart(this);
  m_metrics = new MetricsDashboard(this);
  m_history = new HistoryPanel(m_doc, m_runs, this);
  m_history->setBeforeReplace([this] { return maybeSave(); });
  dock(tr("Agents"), QStringLiteral("PaletteDock"), m_palette, Qt::LeftDockWidgetArea);
  dock(tr("Properties"), QStringLiteral("PropertiesDock"), m_props, Qt::RightDockWidgetArea);
  auto* logDock =
      dock(tr("Run log"), QStringLiteral("RunLogDock"), m_log, Qt::BottomDockWidgetArea);
  auto* resDock =
      dock(tr("Results"), QStringLiteral("ResultsDock"), m_results, Qt::BottomDockWidgetArea);
  m_results_dock = resDock;
  m_chart_dock =
      dock(tr("Convergence"), QStringLiteral("ConvergenceDock"), m_chart, Qt::BottomDockWidgetArea);
  tabifyDockWidget(logDock, resDock);
  m_metrics_dock =
      dock(tr("Metrics"), QStringLiteral("MetricsDock"), m_metrics, Qt::BottomDockWidgetArea);
  tabifyDockWidget(resDock, m_chart_dock);
  tabifyDockWidget(m_chart_dock, m_metrics_dock);
  tabifyDockWidget(m_metrics_dock, dock(tr("History"), QStringLiteral("HistoryDock"), m_history,
                                        Qt::BottomDockWidgetArea));
  // The jobs on the remote server (ui/job_browser.h): a bottom tab, behind the run log.
  m_jobs = new JobBrowser(m_runs->remoteTarget(), m_doc, this);
  m_jobs_dock =
      dock(tr("Jobs on server"), QStringLiteral("JobBrowser"), m_jobs, Qt::BottomDockWidgetArea);
  tabifyDockWidget(m_metrics_dock, m_jobs_dock);
  connect(m_jobs, &JobBrowser::resultReady, this,
          [this](std::shared_ptr<const core::RunResult> result) {
            m_results->setResult(std::move(result));
            m_results_dock->raise();
          });
  connect(m_jobs, &JobBrowser::stepStatusChanged, m_scene, &WorkflowScene::setStatus);
  connect(m_jobs, &JobBrowser::log, this, &MainWindow::log);
  connect(m_jobs, &JobBrowser::openWorkflowFile, this, [this](const QString& path) {
    if (maybeSave()) openFile(path);
  });
  logDock->raise();
  // The splitter above the bottom docks moves down as well as up: their panels may be made as
  // short as a few rows (their tables and charts then show less), so the Properties form and the
  // canvas can be given the height.
  for (QWidget* w : {static_cast<QWidget*>(m_log), static_cast<QWidget*>(m_results),
                     static_cast<QWidget*>(m_chart), static_cast<QWidget*>(m_metrics),
                     static_cast<QWidget*>(m_history), static_cast<QWidget*>(m_jobs)})
    w->setMinimumHeight(kBottomPanelMinHeight);
}

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New"), QKeySequence::New, this, [this] {
    if (maybeSave()) newFile();
  });
  file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::open);
  m_recent = file->addMenu(tr("Open &Recent"));
  m_examples = file->addMenu(tr("&Examples"));
  file->addSeparator();
  file->addAction(tr("&Save"), QKeySequence::Save, this, [this] { save(); });
  file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, [this] { saveAs(); });
  file->addSeparator();
  file->addAction(tr("Export &Report…"), this, &MainWindow::exportReportWithDialog)
      ->setObjectName(QStringLiteral("ExportReportAction"));
  file->addAction(tr("Export as &Python…"), this, &MainWindow::exportPythonWithDialog)
      ->setObjectName(QStringLiteral("ExportPythonAction"));
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  rebuildRecentMenu();
  rebuildExamplesMenu();

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_doc->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = m_doc->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  edit->addAction(tr("Cu&t"), QKeySequence::Cut, this, [this] {
    if (!m_scene->copySelection().isEmpty()) m_scene->deleteSelection();
  });
  edit->addAction(tr("&Copy"), QKeySequence::Copy, this, [this] { m_scene->copySelection(); });
  edit->addAction(tr("&Paste"), QKeySequence::Paste, this, [this] { m_scene->pasteClipboard(); });
  edit->addAction(tr("D&uplicate"), QKeySequence(Qt::CTRL | Qt::Key_D), this,
                  [this] { m_scene->duplicateSelection(); });
  edit->addAction(tr("&Delete"), QKeySequence::Delete, this,
                  [this] { m_scene->deleteSelection(); });
  edit->addAction(tr("Select &All"), QKeySequence::SelectAll, this,
                  [this] { m_scene->selectSteps(m_doc->stepIds()); });
  edit->addSeparator();
  edit->addAction(tr("Add S&tep…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), this,
                  [this] {
                    if (auto* d = findChild<QDockWidget*>(QStringLiteral("PaletteDock"))) d->show();
                    m_palette->focusSearch();
                  })
      ->setToolTip(tr("Search the Agents palette; Enter adds the first match"));
  edit->addAction(tr("Co&nnect…"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                  &MainWindow::connectSelected)
      ->setToolTip(tr("Link the selected step to another step's output or parameter"));

  m_view_menu = menuBar()->addMenu(tr("&View"));
  m_view_menu->addAction(tr("&Fit to View"), QKeySequence(Qt::CTRL | Qt::Key_0), m_view,
                         &CanvasView::fitAll);
  m_view_menu->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this,
                         [this] { m_view->zoomBy(1.25); });
  m_view_menu->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this,
                         [this] { m_view->zoomBy(0.8); });
  m_view_menu->addAction(tr("&Auto Layout"), this, [this] {
    m_doc->autoLayout();
    m_view->fitAll();
  });
  m_view_menu->addAction(tr("&Metrics Dashboard"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M),
                         this, &MainWindow::showMetricsDashboard);
  m_view_menu->addAction(tr("&Jobs on server"), this, &MainWindow::showJobBrowser)
      ->setObjectName(QStringLiteral("JobBrowserAction"));
  m_view_menu->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout)
      ->setObjectName(QStringLiteral("ResetLayoutAction"));
  m_view_menu->addSeparator();
  for (auto* d : findChildren<QDockWidget*>()) m_view_menu->addAction(d->toggleViewAction());

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  m_run = run->addAction(tr("&Run All"), QKeySequence(Qt::Key_F5), this, &MainWindow::runAll);
  m_run->setObjectName(QStringLiteral("RunAction"));  // tutorials highlight widgets by object name
  m_run_selected = run->addAction(tr("Run &Selected"), QKeySequence(Qt::CTRL | Qt::Key_F5), this,
                                  &MainWindow::runSelected);
  m_run_selected->setToolTip(tr("Run the selected steps and the steps they depend on"));
  m_cancel = run->addAction(tr("&Cancel"), QKeySequence(Qt::SHIFT | Qt::Key_F5), this,
                            &MainWindow::cancelRun);
  run->addSeparator();
  QMenu* targets = run->addMenu(tr("&Target"));
  auto* group = new QActionGroup(this);
  m_target_local = targets->addAction(tr("&Local (this computer)"), this,
                                      [this] { setExecutionTarget(runner()); });
  // Remote server and Slurm (through server) are the one RemoteTarget, with a different backend.
  auto useRemote = [this](RemoteTarget::Backend backend) {
    RemoteTarget* remote = remoteTarget();
    if (remote->isRunning() && remote->backend() != backend)
      showMessage(tr("The new target applies after the current run"));
    remote->setBackend(backend);
    if (remote->settings().url.isEmpty())
      editRemoteSettings();
    else
      setExecutionTarget(remote);
  };
  m_target_remote = targets->addAction(tr("&Remote server"), this,
                                       [useRemote] { useRemote(RemoteTarget::Backend::Server); });
  QAction* target_slurm = targets->addAction(tr("Slurm (&through server)"), this, [useRemote] {
    useRemote(RemoteTarget::Backend::Slurm);
  });
  target_slurm->setObjectName(QStringLiteral("TargetSlurmAction"));
  target_slurm->setToolTip(
      tr("The remote server runs each job as a Slurm job array (docs/slurm.md)"));
  for (QAction* a : {m_target_local, m_target_remote, target_slurm}) {
    a->setCheckable(true);
    group->addAction(a);
  }
  m_target_local->setChecked(true);
  targets->addSeparator();
  targets->addAction(tr("Remote Server &Settings…"), this, &MainWindow::editRemoteSettings);

  QToolBar* tb = addToolBar(tr("Main"));
  tb->setObjectName(QStringLiteral("MainToolBar"));
  // The toolbar's Undo/Redo keep a short label (the Edit menu's name the edit; so does the
  // tooltip): a label that grew with each edit's name pushed Run All sideways.
  auto fixedLabel = [this](QAction* full, const QString& label, const QString& name) {
    auto* a = new QAction(label, this);
    a->setObjectName(name);
    auto sync = [a, full] {
      a->setEnabled(full->isEnabled());
      a->setToolTip(QString(full->text()).remove(QLatin1Char('&')));
    };
    sync();
    connect(full, &QAction::changed, a, sync);
    connect(a, &QAction::triggered, full, &QAction::trigger);
    return a;
  };
  tb->addAction(fixedLabel(undo, tr("Undo"), QStringLiteral("UndoToolAction")));
  tb->addAction(fixedLabel(redo, tr("Redo"), QStringLiteral("RedoToolAction")));
  tb->addSeparator();
  tb->addAction(m_run);
  tb->addAction(m_run_selected);
  tb->addAction(m_cancel);
  tb->addSeparator();
  tb->addAction(tr("Fit"), m_view, &CanvasView::fitAll);
}

const core::AgentRegistry& MainWindow::registry() const { return m_doc->registry(); }
LocalRunner* MainWindow::runner() const { return m_runs->localRunner(); }
RemoteTarget* MainWindow::remoteTarget() const { return m_runs->remoteTarget(); }
ExecutionTarget* MainWindow::executionTarget() const { return m_runs->target(); }
void MainWindow::setExecutionTarget(ExecutionTarget* target) { m_runs->setTarget(target); }

// The run controller's events reach the canvas, the run log, the charts and the results here.
void MainWindow::connectRuns() {
  connect(m_runs, &RunController::stepStatusChanged, m_scene, &WorkflowScene::setStatus);
  connect(m_runs, &RunController::stepStatusChanged, m_results,
          [this](const QString& step, NodeStatus status) {
            m_results->setStale(step, status == NodeStatus::Stale);
          });
  connect(m_runs, &RunController::log, this, &MainWindow::log);
  connect(m_runs, &RunController::message, this, &MainWindow::showMessage);
  connect(m_runs, &RunController::runStarting, m_chart, &ConvergenceChart::clear);
  connect(m_runs, &RunController::metrics, m_chart, &ConvergenceChart::addSamples);
  connect(m_runs, &RunController::resultReady, this,
          [this](std::shared_ptr<const core::RunResult> result) {
            m_results->setResult(std::move(result));
            m_results_dock->raise();
          });
  connect(m_runs, &RunController::runningChanged, this, &MainWindow::updateRunActions);
  connect(m_runs, &RunController::runFinished, this, &MainWindow::runFinished);
  connect(m_runs, &RunController::targetChanged, this, &MainWindow::onTargetChanged);
  onTargetChanged();  // the controller chose the local runner before this window listened
}

void MainWindow::onTargetChanged() {
  ExecutionTarget* target = m_runs->target();
  RemoteTarget* remote = remoteTarget();
  m_target->setText(tr("Target: %1").arg(target->displayName()));
  m_target->setToolTip(target->description());
  if (target == remote)
    m_metrics->setRemoteSource(remote->settings().url);
  else
    m_metrics->setLocalSource(runner());
  QAction* slurm = findChild<QAction*>(QStringLiteral("TargetSlurmAction"));
  (target != remote                                    ? m_target_local
   : remote->backend() == RemoteTarget::Backend::Slurm ? slurm
                                                       : m_target_remote)
      ->setChecked(true);
  updateRunActions();
  emit executionTargetChanged();
}

void MainWindow::applyDefaultDockSizes() {
  // The bottom docks are tabs with the run log in front (buildDocks): the size goes to it (a tab
  // behind takes none, and the bottom then took half the window).
  resizeDocks({findChild<QDockWidget*>(QStringLiteral("RunLogDock"))}, {260}, Qt::Vertical);
  resizeDocks({findChild<QDockWidget*>(QStringLiteral("PaletteDock")),
               findChild<QDockWidget*>(QStringLiteral("PropertiesDock"))},
              {230, 380}, Qt::Horizontal);
}

void MainWindow::resetLayout() {
  restoreState(m_default_state);
  for (auto* d : findChildren<QDockWidget*>()) {
    d->setFloating(false);
    d->show();
  }
  findChild<QDockWidget*>(QStringLiteral("RunLogDock"))->raise();
  applyDefaultDockSizes();
}

QMenu* MainWindow::helpMenu() {
  if (!m_help_menu) {
    m_help_menu = menuBar()->addMenu(tr("&Help"));
    m_help_menu->setObjectName(QStringLiteral("helpMenu"));
  }
  return m_help_menu;
}

void MainWindow::showMetricsDashboard() {
  m_metrics_dock->show();
  m_metrics_dock->raise();
  m_metrics->refresh();
}

void MainWindow::showJobBrowser() {
  m_jobs_dock->show();
  m_jobs_dock->raise();
  m_jobs->refresh();
}

void MainWindow::editRemoteSettings() {
  RemoteTarget* remote = remoteTarget();
  ConnectionDialog dialog(remote->settings(), this);
  if (dialog.exec() != QDialog::Accepted) {
    if (executionTarget() != remote) m_target_local->setChecked(true);
    return;
  }
  if (remote->isRunning()) {
    showMessage(tr("The new settings apply after the current run"));
    return;
  }
  remote->setSettings(dialog.settings());
  setExecutionTarget(remote);  // the same target again refreshes the status bar and metrics source
}

void MainWindow::runAll() { m_runs->runAll(); }

void MainWindow::runSelected() { m_runs->runSteps(m_scene->selectedStepIds()); }

void MainWindow::cancelRun() { m_runs->cancel(); }

void MainWindow::updateRunActions() {
  const bool running = m_runs->isRunning();
  m_run->setEnabled(!running);
  m_run_selected->setEnabled(!running);
  m_cancel->setEnabled(running);
}

QString MainWindow::addTask(const QString& agent, const QString& task) {
  QPointF pos(0, 0);
  bool first = true;
  for (const QString& id : m_doc->stepIds()) {
    const QPointF p = m_doc->stepPosition(id);
    if (first || p.x() > pos.x()) pos = p;
    first = false;
  }
  if (!first) pos += QPointF(420, 0);
  const QString id = m_doc->addStep(agent, task, pos);
  if (!id.isEmpty()) {
    m_scene->selectSteps({id});
    m_view->ensureVisible(m_scene->node(id));
  }
  return id;
}

void MainWindow::newFile() { m_doc->newDocument(); }

bool MainWindow::exportReport(const QString& path, QString* error) {
  const auto result = m_runs->lastRunWithProvenance();
  if (!result) {
    if (error) *error = tr("No run yet: run the workflow first, or export a run from the History");
    return false;
  }
  return writeRunReport(*result, path, error);
}

void MainWindow::exportReportWithDialog() {
  const auto result = m_runs->lastRunWithProvenance();
  if (!result) {
    QMessageBox::information(this, tr("Export report"),
                             tr("No run yet: run the workflow first, or choose a run in View ▸ "
                                "History and use its Export report…"));
    return;
  }
  const QString folder =
      m_doc->filePath().isEmpty() ? QDir::homePath() : QFileInfo(m_doc->filePath()).absolutePath();
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export report"),
      QDir(folder).filePath(defaultReportFileName(qstr(result->workflow))),
      tr("HTML report (*.html)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportReport(path, &error)) {
    QMessageBox::critical(this, tr("Export report"), error);
    return;
  }
  showMessage(tr("Report written to %1").arg(path));
}

QString MainWindow::defaultPythonFileName() const {
  return qstr(core::pythonScriptFileName(m_doc->workflow().name,
                                         stdstr(QFileInfo(m_doc->filePath()).fileName())));
}

bool MainWindow::exportPython(const QString& path, QString* error) {
  core::PythonExportOptions o;
  if (!m_doc->filePath().isEmpty()) {
    o.source = stdstr(QFileInfo(m_doc->filePath()).fileName());
    // The saved file's key order, as `sciagents export-python` writes it (order only: the
    // values are the document's, edits included).
    QFile saved(m_doc->filePath());
    if (saved.open(QIODevice::ReadOnly))
      o.key_order = nlohmann::ordered_json::parse(saved.readAll().toStdString(), nullptr, false);
    if (o.key_order.is_discarded()) o.key_order = nullptr;
  }
  o.script = stdstr(QFileInfo(path).fileName());
  const std::string script = core::exportPython(m_doc->file(), o);
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) ||
      f.write(script.data(), qint64(script.size())) != qint64(script.size()) || !f.commit()) {
    if (error) *error = tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

void MainWindow::exportPythonWithDialog() {
  const QString folder =
      m_doc->filePath().isEmpty() ? QDir::homePath() : QFileInfo(m_doc->filePath()).absolutePath();
  const QString path = QFileDialog::getSaveFileName(this, tr("Export as Python"),
                                                    QDir(folder).filePath(defaultPythonFileName()),
                                                    tr("Python script (*.py)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportPython(path, &error)) {
    QMessageBox::critical(this, tr("Export as Python"), error);
    return;
  }
  showMessage(tr("Python script written to %1 (run it with python3; it needs the sciagents "
                 "module, docs/python.md)")
                  .arg(path));
}

bool MainWindow::openFile(const QString& path) {
  QString error;
  if (!m_doc->load(path, &error)) {
    log(error);
    showMessage(error);
    return false;
  }
  addRecent(m_doc->filePath());
  log(tr("Opened %1").arg(m_doc->filePath()));
  return true;
}

void MainWindow::connectSelected() {
  const QStringList ids = m_scene->selectedStepIds();
  if (ids.size() != 1) {
    showMessage(tr("Select one step to connect"));
    return;
  }
  ConnectDialog dialog(m_doc, ids.front(), this);
  if (dialog.exec() != QDialog::Accepted) return;
  const auto c = dialog.chosen();
  if (!c.from_step.isEmpty()) m_scene->requestLink(c.from_step, c.output, c.to_step, c.param);
  m_view->setFocus();
}

bool MainWindow::offerRecovery() {
  const auto found = Autosave::findOrphan();
  if (!found) return false;
  if (!Autosave::ask(*found, this)) {
    Autosave::discardRecovery(*found);
    log(tr("Discarded the autosaved changes of %1").arg(found->title));
    return false;
  }
  m_autosave->recover(*found);
  log(tr("Recovered unsaved changes%1")
          .arg(found->document_path.isEmpty() ? QString()
                                              : tr(" to %1").arg(found->document_path)));
  return true;
}

bool MainWindow::saveTo(const QString& path) {
  QString error;
  if (!m_doc->save(path, &error)) {
    log(error);
    showMessage(error);
    return false;
  }
  addRecent(m_doc->filePath());
  showMessage(tr("Saved %1").arg(m_doc->filePath()));
  return true;
}

bool MainWindow::save() {
  if (m_doc->filePath().isEmpty() || m_doc->filePath().startsWith(examplesDir())) return saveAs();
  return saveTo(m_doc->filePath());
}

bool MainWindow::saveAs() {
  QString path =
      QFileDialog::getSaveFileName(this, tr("Save workflow"), m_doc->filePath(), tr(kFileFilter));
  if (path.isEmpty()) return false;
  if (!path.endsWith(QStringLiteral(".json"))) path += QStringLiteral(".workflow.json");
  return saveTo(path);
}

void MainWindow::open() {
  if (!maybeSave()) return;
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open workflow"), QString(), tr(kFileFilter));
  if (!path.isEmpty()) openFile(path);
}

bool MainWindow::maybeSave() {
  if (!m_doc->isModified()) return true;
  const auto answer = QMessageBox::warning(
      this, tr("Unsaved changes"), tr("“%1” has unsaved changes. Save them?").arg(documentName()),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void MainWindow::addRecent(const QString& path) {
  if (path.startsWith(examplesDir())) return;  // examples have their own menu
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue(QStringLiteral("recentFiles"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  m_recent->clear();
  const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
  for (const QString& path : recent)
    m_recent
        ->addAction(QFileInfo(path).fileName(), this,
                    [this, path] {
                      if (maybeSave()) openFile(path);
                    })
        ->setToolTip(path);
  m_recent->setEnabled(!recent.isEmpty());
}

void MainWindow::rebuildExamplesMenu() {
  // One submenu per category (the catalog's order: tutorials first), the examples by name; the
  // tooltip names the file.
  for (QAction* a : m_examples->actions()) delete a->menu();  // clear() leaves submenus behind
  m_examples->clear();
  const QList<ExampleEntry> examples = exampleCatalog(examplesDir());
  QMenu* sub = nullptr;
  QString category;
  for (const ExampleEntry& e : examples) {
    if (!sub || e.category != category) {
      category = e.category;
      sub = m_examples->addMenu(QString(category).replace(QLatin1Char('&'), QLatin1String("&&")));
      sub->setObjectName(QStringLiteral("ExamplesMenu:") + category);
      sub->setToolTipsVisible(true);
    }
    QString label = e.name;
    QAction* a = sub->addAction(label.replace(QLatin1Char('&'), QLatin1String("&&")), this,
                                [this, path = e.path] {
                                  if (maybeSave()) openFile(path);
                                });
    a->setToolTip(e.file);
  }
  m_examples->setEnabled(!examples.isEmpty());
}

QString MainWindow::documentName() const {
  return m_doc->filePath().isEmpty() ? m_doc->title() : QFileInfo(m_doc->filePath()).fileName();
}

void MainWindow::updateTitle() {
  setWindowTitle(tr("%1[*] — SciAgents Studio").arg(documentName()));
  setWindowModified(m_doc->isModified());
}

void MainWindow::log(const QString& line) {
  m_log->appendPlainText(alignCaret(QStringLiteral("[%1] %2").arg(
      QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line)));
}

void MainWindow::showMessage(const QString& text) {
  statusBar()->showMessage(text, kStatusTimeoutMs);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  if (m_runs->isRunning()) {
    // A job on a server can outlive Studio (View ▸ Jobs on server attaches to it again).
    RemoteTarget* remote = remoteTarget();
    bool keep = false;
    if (executionTarget() == remote && !remote->jobId().isEmpty()) {
      QMessageBox box(QMessageBox::Question, tr("Remote run going on"),
                      tr("Job %1 is running on %2. Keep it running on the server (View ▸ Jobs on "
                         "server follows it again later) or cancel it?")
                          .arg(remote->jobId(), remote->settings().url.toDisplayString()),
                      QMessageBox::NoButton, this);
      box.setObjectName(QStringLiteral("CloseRemoteRunPrompt"));
      QPushButton* keepButton =
          box.addButton(tr("Keep running on server"), QMessageBox::AcceptRole);
      keepButton->setObjectName(QStringLiteral("KeepRunningOnServer"));
      box.addButton(tr("Cancel the job"), QMessageBox::DestructiveRole)
          ->setObjectName(QStringLiteral("CancelJobOnClose"));
      QPushButton* stay = box.addButton(QMessageBox::Cancel);
      box.setDefaultButton(keepButton);
      box.setEscapeButton(stay);
      box.exec();
      if (box.clickedButton() == stay) {
        event->ignore();
        return;
      }
      keep = box.clickedButton() == keepButton;
    }
    if (keep)
      remote->detach();
    else
      executionTarget()->cancel();
  }
  m_autosave->discard();  // a clean close: nothing to recover
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  event->accept();
}

}  // namespace sciagents::ui
