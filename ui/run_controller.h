// Runs of Studio's document: owns the local runner and the remote target, knows which one runs
// the next workflow, validates and starts runs (all steps, or chosen steps with their upstream),
// cancels, and turns the target's events into a run state per step, run-log lines, status-bar
// messages, metric samples and the finished result. MainWindow only connects these signals to the
// canvas, the run log, the charts and the results panel. Every finished run is recorded, with the
// workflow as run and how it ran (core/workflow/run_provenance.h), in the history of runs on this
// machine (core/store/run_history.h, docs/history.md), on a worker thread.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"
#include "ui/metric_sample.h"
#include "ui/node_status.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <cstdint>
#include <memory>

namespace sciagents::ui {

class ExecutionTarget;
class LocalRunner;
class RemoteTarget;
class WorkflowDocument;

class RunController final : public QObject {
  Q_OBJECT
 public:
  // Runs `doc`'s workflow, validated against the document's registry. The remote target starts
  // with the saved connection settings (RemoteSettings::load).
  explicit RunController(WorkflowDocument* doc, QObject* parent = nullptr);
  ~RunController() override;  // cancels and joins a local run

  LocalRunner* localRunner() const { return m_local; }
  RemoteTarget* remoteTarget() const { return m_remote; }
  // Where runs execute: the local runner unless another target was set. Other targets' lifetime
  // stays with their owner; when one is destroyed, runs go back to the local runner.
  ExecutionTarget* target() const { return m_target; }
  void setTarget(ExecutionTarget* target);  // nullptr: the local runner
  bool isRunning() const;

  // Validates and starts a run; false (with the reason in log() and message()) when refused.
  bool runAll();
  bool runSteps(const QStringList& ids);  // the steps and every step they depend on
  bool start(const core::Workflow& workflow, const QString& what);
  void cancel();

  // A step's run state: Idle before any run (and in a document just opened), Stale once the step
  // or a step it reads from changed after the run that produced its result (and back to Done or
  // Cached when an undo restores what was run).
  NodeStatus status(const QString& step) const { return m_status.value(step, NodeStatus::Idle); }
  std::shared_ptr<const core::RunResult> lastResult() const { return m_result; }
  // lastResult() with the workflow as run and how it ran (workflow_spec, run_info;
  // core/workflow/run_provenance.h): what the history records and the HTML report shows.
  std::shared_ptr<const core::RunResult> lastRunWithProvenance() const { return m_result_as_run; }
  // Shows a result made earlier (a run reopened from the history) as the document's current
  // result: step states from it, resultReady. The document should hold the workflow it ran.
  void adoptResult(std::shared_ptr<const core::RunResult> result);
  // Waits for the history writes still going on (tests; the destructor waits too).
  void waitForHistory();

 signals:
  void targetChanged();  // another target, or the same one with other settings or backend
  void runningChanged(bool running);
  void stepStatusChanged(const QString& step, sciagents::ui::NodeStatus status);
  void log(const QString& line);      // for the run log
  void message(const QString& text);  // for the status bar
  void runStarting();                 // a run is about to start (clear live charts)
  void metrics(const sciagents::ui::MetricBatch& samples);
  void resultReady(std::shared_ptr<const sciagents::core::RunResult> result);
  // Every finished run on any target; `succeeded`: ok and not cancelled.
  void runFinished(bool succeeded, std::shared_ptr<const sciagents::core::RunResult> result);
  // A finished run was written to the history file (core::store::RunHistory::defaultFile()).
  void historyRecorded(qint64 id);

 private:
  void connectTarget(ExecutionTarget* target);
  void onFinished(ExecutionTarget* target, bool ok, const QString& error);
  void setStatus(const QString& step, NodeStatus status);
  void markStale();  // after an edit: results older than their step's definition are Stale
  // `result` with the workflow as run and how it ran (the server's "run" kept when it sent one).
  std::shared_ptr<const core::RunResult> withProvenance(
      const std::shared_ptr<const core::RunResult>& result, ExecutionTarget* target) const;
  void recordHistory(std::shared_ptr<const core::RunResult> result);

  WorkflowDocument* m_doc;
  LocalRunner* m_local;
  RemoteTarget* m_remote;
  ExecutionTarget* m_target = nullptr;
  QHash<QString, NodeStatus> m_status;
  // Per step with a result: the fingerprint of the definition it was computed from, and its state.
  QHash<QString, QByteArray> m_result_prints;
  QHash<QString, NodeStatus> m_result_status;
  QHash<QString, QByteArray> m_run_prints;  // of the run going on
  std::shared_ptr<const core::RunResult> m_result;
  std::shared_ptr<const core::RunResult> m_result_as_run;
  core::Workflow m_run_workflow;  // of the run going on, as started
  std::int64_t m_run_started_us = 0;
  QThreadPool m_history_pool;  // one thread: history writes in order, off the GUI thread
};

}  // namespace sciagents::ui
