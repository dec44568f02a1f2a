#include "ui/workflow_edit_command.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/param_path.h"
#include "core/workflow/sweep_json.h"
#include "ui/qt_convert.h"
#include "ui/workflow_document.h"

#include <exception>

namespace sciagents::ui {

WorkflowEditCommand::WorkflowEditCommand(WorkflowDocument* doc, const QString& text,
                                         core::WorkflowFile before, core::WorkflowFile after,
                                         QString merge_key)
    : m_doc(doc),
      m_before(std::move(before)),
      m_after(std::move(after)),
      m_merge_key(std::move(merge_key)) {
  setText(text);
}

void WorkflowEditCommand::undo() { m_doc->applyState(m_before); }

void WorkflowEditCommand::redo() { m_doc->applyState(m_after); }

bool WorkflowEditCommand::mergeWith(const QUndoCommand* other) {
  const auto* o = dynamic_cast<const WorkflowEditCommand*>(other);
  if (!o || o->m_merge_key != m_merge_key || m_merge_key.isEmpty()) return false;
  m_after = o->m_after;
  return true;
}

WorkflowEditCommand* makeSetSweepCommand(WorkflowDocument* doc, const QString& step_id,
                                         const QString& param, const nlohmann::json& values,
                                         QString* error) {
  auto fail = [&](const QString& message) -> WorkflowEditCommand* {
    if (error) *error = message;
    return nullptr;
  };
  const core::Step* step = doc->step(step_id);
  if (!step) return fail(QObject::tr("There is no step '%1'").arg(step_id));
  const std::string path = param.toStdString();
  const core::TaskSpec* task = doc->registry().task(step->agent, step->task);
  const auto parsed = core::ParamPath::parse(path);
  if (!values.is_null() && (!task || !parsed || !task->param(parsed->head())))
    return fail(QObject::tr("Step '%1': '%2' is not a parameter of %3.%4")
                    .arg(step_id, param, QString::fromStdString(step->agent),
                         QString::fromStdString(step->task)));
  nlohmann::json file = nlohmann::json::parse(core::dumpWorkflowFile(doc->file()));
  for (auto& s : file["steps"]) {
    if (s["id"] != step->id) continue;
    if (values.is_null())
      s.erase("sweep");
    else
      s["sweep"] = {{"param", path}, {"values", values}};
  }
  core::WorkflowFile after;
  try {
    after = core::workflowFileFromJson(file);
  } catch (const std::exception& e) {
    return fail(QObject::tr("Step '%1', sweep of '%2' over %3: %4")
                    .arg(step_id, param, jsonText(values), QString::fromUtf8(e.what())));
  }
  const QString text = values.is_null() ? QObject::tr("Remove sweep of %1").arg(step_id)
                                        : QObject::tr("Sweep %1.%2").arg(step_id, param);
  return new WorkflowEditCommand(doc, text, doc->file(), std::move(after));
}

WorkflowEditCommand* makeSetSweepSpecCommand(WorkflowDocument* doc, const QString& step_id,
                                             const nlohmann::json& sweep, QString* error) {
  auto fail = [&](const QString& message) -> WorkflowEditCommand* {
    if (error) *error = message;
    return nullptr;
  };
  const core::Step* step = doc->step(step_id);
  if (!step) return fail(QObject::tr("There is no step '%1'").arg(step_id));
  core::SweepSpec spec;
  if (!sweep.is_null()) {
    try {
      spec = core::sweepFromJson(sweep, step->id);
    } catch (const std::exception& e) {
      return fail(QString::fromUtf8(e.what()));
    }
    const core::TaskSpec* task = doc->registry().task(step->agent, step->task);
    for (const auto& path : spec.paths()) {
      const auto parsed = core::ParamPath::parse(path);
      if (!task || !parsed || !task->param(parsed->head()))
        return fail(QObject::tr("Step '%1': '%2' is not a parameter of %3.%4")
                        .arg(step_id, QString::fromStdString(path),
                             QString::fromStdString(step->agent),
                             QString::fromStdString(step->task)));
    }
  }
  nlohmann::json file = nlohmann::json::parse(core::dumpWorkflowFile(doc->file()));
  for (auto& s : file["steps"]) {
    if (s["id"] != step->id) continue;
    if (sweep.is_null())
      s.erase("sweep");
    else
      s["sweep"] = spec.spec();
  }
  core::WorkflowFile after;
  try {
    after = core::workflowFileFromJson(file);
  } catch (const std::exception& e) {
    return fail(QObject::tr("Step '%1', sweep %2: %3")
                    .arg(step_id, jsonText(sweep), QString::fromUtf8(e.what())));
  }
  const QString text =
      sweep.is_null()
          ? QObject::tr("Remove sweep of %1").arg(step_id)
          : QObject::tr("Sweep %1: %2").arg(step_id, QString::fromStdString(spec.label()));
  return new WorkflowEditCommand(doc, text, doc->file(), std::move(after));
}

}  // namespace sciagents::ui
