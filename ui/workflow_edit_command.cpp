#include "ui/workflow_edit_command.h"

#include "ui/workflow_document.h"

namespace sciagents::ui {

WorkflowEditCommand::WorkflowEditCommand(WorkflowDocument* doc, const QString& text, core::WorkflowFile before,
                                         core::WorkflowFile after, QString merge_key)
    : m_doc(doc), m_before(std::move(before)), m_after(std::move(after)), m_merge_key(std::move(merge_key)) {
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

}  // namespace sciagents::ui
