// SciAgents Studio's main window: agent palette, workflow canvas, property panel, run log and
// results docks, File/Edit/View/Run menus, status bar with the execution target.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <memory>

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPlainTextEdit;

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::ui {

class AgentPalette;
class Autosave;
class CanvasView;
class ConvergenceChart;
class ExecutionTarget;
class FeedbackController;
class HistoryPanel;
class JobBrowser;
class LocalRunner;
class MetricsDashboard;
class Onboarding;
class PropertyPanel;
class RemoteTarget;
class ResultsPanel;
class RunController;
class WorkflowDocument;
class WorkflowScene;

class MainWindow final : public QMainWindow {
  Q_OBJECT
 public:
  // `registry`: the agents this Studio offers and runs (Studio's main() passes the built-in one);
  // it outlives the window. The document, panels and runs take it from here.
  explicit MainWindow(const core::AgentRegistry& registry, QWidget* parent = nullptr);
  ~MainWindow() override;

  // How short the bottom panels (run log, results, convergence, metrics) may be made.
  static constexpr int kBottomPanelMinHeight = 90;

  const core::AgentRegistry& registry() const;

  WorkflowDocument* document() const { return m_doc; }
  WorkflowScene* scene() const { return m_scene; }
  CanvasView* view() const { return m_view; }
  AgentPalette* palette() const { return m_palette; }
  PropertyPanel* properties() const { return m_props; }
  ResultsPanel* results() const { return m_results; }
  // View ▸ History: the runs recorded on this machine (ui/history_panel.h).
  HistoryPanel* history() const { return m_history; }
  // File ▸ Export report… without its dialog: the HTML report of the last run (core/report) to
  // `path`; false (with `error`) when there is no run yet or the file cannot be written.
  bool exportReport(const QString& path, QString* error = nullptr);
  // File ▸ Export as Python… without its dialog: the open workflow as a script that rebuilds and
  // runs it with the `sciagents` module (core/workflow/python_export.h) to `path`; false (with
  // `error` naming the file) when it cannot be written.
  bool exportPython(const QString& path, QString* error = nullptr);
  // The name the export dialog proposes: the workflow file's stem, or the workflow's name, + .py.
  QString defaultPythonFileName() const;
  // Runs: targets, start, cancel, run state per step (ui/run_controller.h).
  RunController* runs() const { return m_runs; }
  LocalRunner* runner() const;
  ConvergenceChart* convergenceChart() const { return m_chart; }
  MetricsDashboard* metricsDashboard() const { return m_metrics; }
  JobBrowser* jobBrowser() const { return m_jobs; }  // View ▸ Jobs on server
  void showJobBrowser();
  void showMetricsDashboard();  // View ▸ Metrics Dashboard
  // Where runs execute: the local runner unless another target was set. The window does not own
  // other targets' lifetime unless they are its children.
  ExecutionTarget* executionTarget() const;
  void setExecutionTarget(ExecutionTarget* target);  // nullptr: back to the local runner
  RemoteTarget* remoteTarget() const;
  // Run ▸ Target ▸ Remote Server Settings…: edits and saves the connection, then runs remotely.
  void editRemoteSettings();
  QPlainTextEdit* runLog() const { return m_log; }
  QLabel* targetLabel() const { return m_target; }
  QAction* runAction() const { return m_run; }
  QAction* cancelAction() const { return m_cancel; }
  QAction* runSelectedAction() const { return m_run_selected; }
  QMenu* examplesMenu() const { return m_examples; }
  // Help menu, created on first use (tutorials, examples gallery, F1 docs, what's new, feedback).
  QMenu* helpMenu();
  // Tutorials, welcome, examples gallery, F1, what's new (ui/tutorial/onboarding.h).
  Onboarding* onboarding() const { return m_onboarding; }
  Autosave* autosave() const { return m_autosave; }
  // At start: offers to recover the unsaved changes a crashed Studio left (Autosave::ask); returns
  // true when they were loaded into this window.
  bool offerRecovery();
  void
  connectSelected();  // Edit ▸ Connect…: a link from or to the selected step, chosen in a dialog
  FeedbackController* feedback() const { return m_feedback; }  // surveys, analytics (ui/feedback)

  // Folder of the bundled examples: $SCIAGENTS_EXAMPLES_DIR, the installed share/sciagents/examples
  // next to the binary, or the source tree's examples/.
  static QString examplesDir();

  // View ▸ Reset Layout: every dock back where a first start puts it, with the default sizes.
  void resetLayout();
  // Asks to save unsaved changes (naming the file): true when it is fine to replace the document
  // (saved, discarded or nothing to save), false on Cancel. Used before New, Open, examples.
  bool maybeSave();
  QString documentName() const;  // the file's name, or the workflow's name before a first save

  // File operations without dialogs (used by the menus after their dialogs, and by tests).
  bool openFile(const QString& path);
  bool saveTo(const QString& path);
  void newFile();
  // Adds a task next to the existing steps (palette double-click / Enter); returns the step id.
  QString addTask(const QString& agent, const QString& task);

 signals:
  // Every finished run on any target; `succeeded`: ok and not cancelled.
  void runFinished(bool succeeded, std::shared_ptr<const sciagents::core::RunResult> result);

 public slots:
  void runAll();
  void runSelected();  // the selected steps and everything they depend on
  void cancelRun();

 signals:
  void executionTargetChanged();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildActions();
  void buildDocks();
  void connectRuns();
  void onTargetChanged();
  void updateTitle();
  void updateRunActions();
  void rebuildRecentMenu();
  void rebuildExamplesMenu();
  void addRecent(const QString& path);
  void applyDefaultDockSizes();
  bool save();
  bool saveAs();
  void open();
  void exportReportWithDialog();  // File ▸ Export report…
  void exportPythonWithDialog();  // File ▸ Export as Python…
  void log(const QString& line);
  void showMessage(const QString& text);

  WorkflowDocument* m_doc;
  WorkflowScene* m_scene;
  CanvasView* m_view;
  AgentPalette* m_palette = nullptr;
  PropertyPanel* m_props = nullptr;
  ResultsPanel* m_results = nullptr;
  HistoryPanel* m_history = nullptr;
  QPlainTextEdit* m_log = nullptr;
  RunController* m_runs;
  ConvergenceChart* m_chart = nullptr;
  MetricsDashboard* m_metrics = nullptr;
  JobBrowser* m_jobs = nullptr;
  QDockWidget* m_jobs_dock = nullptr;
  Autosave* m_autosave = nullptr;
  QAction* m_target_local = nullptr;
  QAction* m_target_remote = nullptr;
  QLabel* m_target = nullptr;
  QMenu* m_recent = nullptr;
  QMenu* m_examples = nullptr;
  QMenu* m_view_menu = nullptr;
  QMenu* m_help_menu = nullptr;
  Onboarding* m_onboarding = nullptr;
  FeedbackController* m_feedback = nullptr;
  QAction* m_run = nullptr;
  QAction* m_cancel = nullptr;
  QAction* m_run_selected = nullptr;
  QDockWidget* m_results_dock = nullptr;
  QDockWidget* m_chart_dock = nullptr;
  QDockWidget* m_metrics_dock = nullptr;
  QByteArray m_default_state;
};

}  // namespace sciagents::ui
