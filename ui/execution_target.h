// Where a run executes (this process, a remote server, …). The GUI talks to every backend through
// this interface only: the same signals feed the canvas, the run log, the convergence chart and
// the results, whether they come from engine callbacks or a server's event stream.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"
#include "ui/metric_sample.h"

#include <QObject>

#include <memory>

namespace sciagents::ui {

class ExecutionTarget : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  // Short name for the status bar ("Local", "Remote: http://host:8080").
  virtual QString displayName() const = 0;
  virtual QString description() const = 0;
  virtual bool isRunning() const = 0;
  // Starts a run of a copy of `workflow`; false when a run is already going (or cannot start).
  virtual bool start(const core::Workflow& workflow) = 0;
  virtual void cancel() = 0;
  virtual bool cancelRequested() const = 0;
  // The last finished run (nullptr before the first or when it could not start).
  virtual std::shared_ptr<const core::RunResult> lastResult() const = 0;

 signals:
  void started();
  void stepStarted(const QString& step);
  void stepFinished(const QString& step, int status, bool cached,
                    const QString& error);  // core::StepStatus
  void progress(const QString& step, double fraction, const QString& message);
  void metrics(const sciagents::ui::MetricBatch& samples);  // coalesced, in arrival order
  void finished(bool ok, const QString& error);  // error: why the run could not start or failed
};

}  // namespace sciagents::ui
