// Run orchestration for Studio (ui/run_controller.h).
#include "ui/run_controller.h"

#include "core/store/run_history.h"
#include "core/util/clock.h"
#include "core/workflow/run_provenance.h"
#include "core/workflow/workflow_validator.h"
#include "ui/local_runner.h"
#include "ui/qt_convert.h"
#include "ui/remote_settings.h"
#include "ui/remote_target.h"
#include "ui/step_fingerprint.h"
#include "ui/workflow_document.h"

#include <QDateTime>
#include <QFileInfo>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace sciagents::ui {

NodeStatus nodeStatusFor(core::StepStatus s, bool cached) {
  switch (s) {
    case core::StepStatus::Pending:
      return NodeStatus::Pending;
    case core::StepStatus::Running:
      return NodeStatus::Running;
    case core::StepStatus::Succeeded:
      return cached ? NodeStatus::Cached : NodeStatus::Done;
    case core::StepStatus::Failed:
      return NodeStatus::Failed;
    case core::StepStatus::Cancelled:
      return NodeStatus::Cancelled;
    case core::StepStatus::Skipped:
      return NodeStatus::Skipped;
  }
  return NodeStatus::Idle;
}

RunController::RunController(WorkflowDocument* doc, QObject* parent)
    : QObject(parent),
      m_doc(doc),
      m_local(new LocalRunner(doc->registry(), this)),
      m_remote(new RemoteTarget(this)) {
  m_history_pool.setMaxThreadCount(1);
  m_remote->setSettings(RemoteSettings::load());
  connect(m_remote, &RemoteTarget::slurmLog, this, &RunController::log);
  connect(doc, &WorkflowDocument::documentReset, this, [this] {
    // Another document: nothing in it has been run yet, whatever the ids.
    const QStringList had = m_status.keys();
    m_status.clear();
    m_result_prints.clear();
    m_result_status.clear();
    for (const QString& id : had) emit stepStatusChanged(id, NodeStatus::Idle);
  });
  connect(doc, &WorkflowDocument::changed, this, &RunController::markStale);
  setTarget(m_local);
}

RunController::~RunController() {
  m_history_pool.waitForDone();  // its tasks post to this object
  if (m_target) disconnect(m_target, nullptr, this, nullptr);
  m_target = nullptr;
  delete m_local;  // cancels and joins a running run
  m_local = nullptr;
}

bool RunController::isRunning() const { return m_target && m_target->isRunning(); }

void RunController::setTarget(ExecutionTarget* target) {
  if (!target) target = m_local;
  if (m_target == target) {  // the same target, maybe another backend (Remote server ↔ Slurm)
    emit targetChanged();
    return;
  }
  if (m_target && m_target->isRunning()) m_target->cancel();
  if (m_target) disconnect(m_target, nullptr, this, nullptr);
  m_target = target;
  connectTarget(target);
  emit targetChanged();
}

void RunController::connectTarget(ExecutionTarget* target) {
  connect(target, &ExecutionTarget::metrics, this, &RunController::metrics);
  connect(target, &ExecutionTarget::stepStarted, this, [this](const QString& step) {
    setStatus(step, NodeStatus::Running);
    emit log(tr("%1: started").arg(step));
  });
  connect(target, &ExecutionTarget::stepFinished, this,
          [this](const QString& step, int status, bool cached, const QString& error) {
            const auto s = static_cast<core::StepStatus>(status);
            setStatus(step, nodeStatusFor(s, cached));
            QString line = tr("%1: %2").arg(step, qstr(core::stepStatusName(s)));
            if (cached) line += tr(" (cached)");
            if (!error.isEmpty()) line += QStringLiteral(": ") + error;
            emit log(line);
          });
  connect(target, &ExecutionTarget::progress, this,
          [this](const QString& step, double fraction, const QString& msg) {
            emit message(tr("%1: %2% %3").arg(step, QString::number(qRound(fraction * 100)), msg));
          });
  connect(target, &ExecutionTarget::finished, this,
          [this, target](bool ok, const QString& error) { onFinished(target, ok, error); });
  connect(target, &QObject::destroyed, this, [this](QObject* gone) {
    if (gone != m_target) return;
    m_target = nullptr;
    setTarget(m_local);
  });
}

bool RunController::runAll() { return start(m_doc->workflow(), tr("all steps")); }

bool RunController::runSteps(const QStringList& ids) {
  if (ids.isEmpty()) {
    emit message(tr("Select the steps to run first"));
    return false;
  }
  return start(m_doc->withUpstream(ids), ids.join(QStringLiteral(", ")) + tr(" and upstream"));
}

bool RunController::start(const core::Workflow& workflow, const QString& what) {
  if (m_target->isRunning()) return false;
  if (workflow.steps.empty()) {
    emit message(tr("Nothing to run: add steps from the Agents palette"));
    return false;
  }
  const auto issues = core::validateWorkflow(workflow, m_doc->registry());
  if (!issues.empty()) {
    emit log(tr("Cannot run: the workflow has %n problem(s)", nullptr, int(issues.size())));
    for (const auto& i : issues) emit log(QStringLiteral("  ") + qstr(i.describe()));
    emit message(tr("Cannot run: see the run log"));
    return false;
  }
  for (const QString& id : m_doc->stepIds()) setStatus(id, NodeStatus::Idle);
  for (const auto& s : workflow.steps) setStatus(qstr(s.id), NodeStatus::Pending);
  // The definitions this run computes from: a result is current while its step's print is.
  m_run_prints = stepFingerprints(m_doc->workflow());
  emit log(
      tr("Run started: %1 (%2, %3)")
          .arg(what, QDateTime::currentDateTime().toString(Qt::ISODate), m_target->displayName()));
  emit runStarting();
  // Relative paths in params (external programs, templates) are relative to the workflow file.
  const QString folder =
      m_doc->filePath().isEmpty() ? QString() : QFileInfo(m_doc->filePath()).absolutePath();
  m_local->setBaseDir(folder.toStdString());
  m_run_workflow = workflow;
  m_run_started_us = core::unixMicros();
  const bool started = m_target->start(workflow);
  if (!started) emit log(tr("The run could not start on %1").arg(m_target->displayName()));
  emit runningChanged(isRunning());
  return started;
}

void RunController::cancel() {
  if (!isRunning()) return;
  m_target->cancel();
  emit log(tr("Cancelling…"));
  emit message(tr("Cancelling…"));
}

void RunController::onFinished(ExecutionTarget* target, bool ok, const QString& error) {
  const auto result = target->lastResult();
  const bool cancelled = target->cancelRequested();
  for (const QString& id : m_doc->stepIds()) {
    const core::StepResult* s = result ? result->step(id.toStdString()) : nullptr;
    if (s) {
      setStatus(id, nodeStatusFor(s->status, s->cached));
      m_result_prints.insert(id, m_run_prints.value(id));
      m_result_status.insert(id, status(id));
    } else if (status(id) != NodeStatus::Pending && status(id) != NodeStatus::Running) {
      continue;
    } else if (cancelled) {
      setStatus(id, NodeStatus::Cancelled);
    } else if (!ok) {
      setStatus(id, NodeStatus::Failed);
    }
  }
  markStale();  // edits made while the run went on
  if (result) {
    m_result = result;
    m_result_as_run = withProvenance(result, target);
    emit resultReady(result);
  }
  const QString summary = cancelled ? tr("Run cancelled")
                          : ok      ? tr("Run finished")
                                    : tr("Run failed");
  emit log(error.isEmpty() ? summary : summary + QStringLiteral(": ") + error);
  emit message(summary);
  emit runningChanged(isRunning());
  emit runFinished(ok && !cancelled, result);
  if (result) recordHistory(m_result_as_run);
}

std::shared_ptr<const core::RunResult> RunController::withProvenance(
    const std::shared_ptr<const core::RunResult>& result, ExecutionTarget* target) const {
  if (!result) return result;
  core::RunSettings settings;
  if (!m_doc->filePath().isEmpty())
    settings.workflow_file = QFileInfo(m_doc->filePath()).absoluteFilePath().toStdString();
  if (target == m_remote) {
    settings.where = m_remote->settings().url.toString().toStdString();
    settings.use_cache = m_remote->useCache();
  } else {
    settings.threads = m_local->threads();
    settings.use_cache = m_local->useCache();
  }
  auto full = std::make_shared<core::RunResult>(*result);  // values share their arrays
  if (full->run_info.is_object()) {  // a server's result says how the server ran it
    nlohmann::json doc = {{"run", full->run_info}};
    if (!full->workflow_spec.is_null()) doc["workflow_spec"] = full->workflow_spec;
    core::addRunProvenance(doc, m_run_workflow, m_doc->registry(), settings);
    full->workflow_spec = doc["workflow_spec"];
    full->run_info = doc["run"];
  } else {
    core::attachRunProvenance(*full, m_run_workflow, m_doc->registry(), settings, m_run_started_us,
                              core::unixMicros());
  }
  return full;
}

void RunController::recordHistory(std::shared_ptr<const core::RunResult> result) {
  const auto file = core::store::RunHistory::defaultFile();
  if (file.empty()) return;  // no HOME: nowhere to keep it
  // SQLite may wait for another process's write, and the result is serialised: not on the GUI
  // thread. The result is immutable and shared.
  m_history_pool.start([this, file, result] {
    qint64 id = 0;
    QString error;
    try {
      // Studio writes no result file: the row keeps the result when it is small; a larger one
      // goes to a file of its own next to the history (owner-only, like the history).
      const nlohmann::json doc = result->toJson();
      std::string text = doc.dump();
      std::string result_file;
      if (text.size() > core::store::RunHistory::kMaxStoredResultBytes) {
        const auto dir = file.parent_path() / "studio-results";
        std::filesystem::create_directories(dir);
        const auto path =
            dir / ("run-" +
                   std::to_string(result->run_info.value("finished_unix_us", core::unixMicros())) +
                   ".json");
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) throw std::runtime_error("cannot write " + path.string());
        std::filesystem::permissions(
            path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
            std::filesystem::perm_options::replace);
        result_file = path.string();
      }
      core::store::RunHistory history(file);
      id = history.record(core::store::runRecordFor(*result, result_file, doc));
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, id, error, path = QString::fromStdString(file.string())] {
          if (!error.isEmpty()) {
            emit log(
                tr("Warning: the run was not recorded in the history (%1): %2").arg(path, error));
            return;
          }
          emit log(tr("History: run %1").arg(id));
          emit historyRecorded(id);
        },
        Qt::QueuedConnection);
  });
}

void RunController::waitForHistory() { m_history_pool.waitForDone(); }

void RunController::adoptResult(std::shared_ptr<const core::RunResult> result) {
  if (!result || isRunning()) return;
  const auto prints = stepFingerprints(m_doc->workflow());
  for (const QString& id : m_doc->stepIds()) {
    const core::StepResult* s = result->step(id.toStdString());
    setStatus(id, s ? nodeStatusFor(s->status, s->cached) : NodeStatus::Idle);
    if (s) {
      m_result_prints.insert(id, prints.value(id));
      m_result_status.insert(id, status(id));
    }
  }
  m_result = result;
  m_result_as_run = result;
  emit resultReady(result);
}

void RunController::setStatus(const QString& step, NodeStatus status) {
  m_status.insert(step, status);
  emit stepStatusChanged(step, status);
}

void RunController::markStale() {
  if (m_result_prints.isEmpty() || isRunning()) return;
  const auto now = stepFingerprints(m_doc->workflow());
  for (auto it = m_result_prints.cbegin(); it != m_result_prints.cend(); ++it) {
    const NodeStatus s = status(it.key());
    const bool current = now.value(it.key()) == it.value();
    if (!current && (s == NodeStatus::Done || s == NodeStatus::Cached))
      setStatus(it.key(), NodeStatus::Stale);
    else if (current && s == NodeStatus::Stale)  // an undo back to what was run
      setStatus(it.key(), m_result_status.value(it.key(), NodeStatus::Done));
  }
}

}  // namespace sciagents::ui
