// The one undo command of the document: a before/after snapshot of the workflow file. Workflows
// are small (tens of steps), so snapshots keep every edit kind exactly reversible with one class.
#pragma once

#include "core/workflow/workflow_json.h"

#include <QUndoCommand>

namespace sciagents::ui {

class WorkflowDocument;

class WorkflowEditCommand final : public QUndoCommand {
 public:
  // `merge_key` non-empty: consecutive commands with the same key merge (e.g. typing in one field).
  WorkflowEditCommand(WorkflowDocument* doc, const QString& text, core::WorkflowFile before,
                      core::WorkflowFile after, QString merge_key = {});

  void undo() override;
  void redo() override;
  int id() const override { return m_merge_key.isEmpty() ? -1 : 1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  WorkflowDocument* m_doc;
  core::WorkflowFile m_before;
  core::WorkflowFile m_after;
  QString m_merge_key;
};

}  // namespace sciagents::ui
