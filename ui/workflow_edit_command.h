// The one undo command of the document: a before/after snapshot of the workflow file. Workflows
// are small (tens of steps), so snapshots keep every edit kind exactly reversible with one class.
#pragma once

#include "core/workflow/workflow_json.h"

#include <QString>
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

// The edit of a step's sweep (Studio's sweep editor, tutorials): `values` is a non-empty list or
// {"linspace": [a, b, n]} / {"logspace": [a, b, n]} (kept as written); null removes the sweep.
// `param` must name a parameter of the step's task (a dotted path into a map parameter is allowed).
// Returns nullptr with `error` (naming the step, the parameter and the value) when refused.
WorkflowEditCommand* makeSetSweepCommand(WorkflowDocument* doc, const QString& step,
                                         const QString& param, const nlohmann::json& values,
                                         QString* error);

// The edit of a step's whole sweep, any mode (Studio's sweep editor for grid, zip and design):
// `sweep` is the step's "sweep" member as docs/workflow-format.md writes it ({"grid": [...]},
// {"zip": [...]}, {"design": {"from": ...}, "params": [...]}, or {"param", "values"}); null removes
// the sweep. It is read by core's parser (sweepFromJson) and stored as SweepSpec::spec() gives it
// back, so Studio writes exactly what the file format says. Every path must start with a
// parameter of the step's task. Returns nullptr with `error` (naming the step) when refused.
WorkflowEditCommand* makeSetSweepSpecCommand(WorkflowDocument* doc, const QString& step,
                                             const nlohmann::json& sweep, QString* error);

}  // namespace sciagents::ui
