// The Studio's document: one adapter around the core workflow model (core::WorkflowFile). Every
// edit is a QUndoCommand pushed through exec(); "modified" is the undo stack's clean state.
#pragma once

#include "core/workflow/workflow_json.h"
#include "core/workflow/workflow_validator.h"

#include <QHash>
#include <QObject>
#include <QPointF>
#include <QStringList>

#include <optional>
#include <vector>

class QUndoCommand;
class QUndoStack;

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::ui {

class WorkflowDocument final : public QObject {
  Q_OBJECT
 public:
  // `registry`: the agents steps may use (Studio's main() passes the built-in one); it outlives
  // the document. Panels, commands and the scene look tasks up here.
  explicit WorkflowDocument(const core::AgentRegistry& registry, QObject* parent = nullptr);

  const core::AgentRegistry& registry() const { return m_registry; }

  const core::WorkflowFile& file() const { return m_file; }
  const core::Workflow& workflow() const { return m_file.workflow; }
  const core::Step* step(const QString& id) const;
  QStringList stepIds() const;
  QUndoStack* undoStack() const { return m_undo; }
  bool isModified() const;
  QString filePath() const { return m_path; }
  QString title() const;  // workflow name, else file name, else "Untitled"

  // Not undoable: replace the whole document (clears the undo stack, marks clean).
  void newDocument();
  void setFile(core::WorkflowFile file, const QString& path = {});
  // Crash recovery: like setFile, but the document stays modified (unsaved changes to `path`).
  void setRecovered(core::WorkflowFile file, const QString& path);
  bool load(const QString& path, QString* error);
  bool save(const QString& path, QString* error);  // marks clean on success
  QString toJsonText() const;

  // The single edit path: pushes (and thereby applies) the command.
  void exec(QUndoCommand* command);

  // Edits; each is one undoable command. They return false (with `error`) when refused.
  QString addStep(const QString& agent, const QString& task,
                  QPointF pos);              // returns the new id, or ""
  void removeSteps(const QStringList& ids);  // also removes links into them
  // `merge_key`: consecutive moves with the same key are one undo step (a key-repeat burst).
  void moveSteps(const QHash<QString, QPointF>& positions, const QString& merge_key = {});
  bool connectLink(const QString& to_step, const QString& param_path, const QString& from_ref,
                   QString* error);
  bool disconnectLink(const QString& step, const QString& param_path);
  bool setParam(const QString& step, const QString& name,
                const nlohmann::json& value);  // null: default
  bool renameStep(const QString& old_id, const QString& new_id, QString* error);
  void setName(const QString& name);
  QString copySteps(const QStringList& ids) const;              // JSON text for the clipboard
  QStringList paste(const QString& json_text, QPointF offset);  // returns the new ids
  QStringList duplicate(const QStringList& ids);
  void autoLayout();  // every step to its automatic position (one command)

  // Layout: the stored "ui" position, else an automatic position by DAG depth (column = depth in
  // the DAG, rows in document order with room for each node's height). stepPositions() and
  // autoPositions() give every step's at once (the automatic ones are computed together).
  QPointF stepPosition(const QString& id) const;
  QHash<QString, QPointF> stepPositions() const;
  QPointF autoPosition(const QString& id) const;
  QHash<QString, QPointF> autoPositions() const;
  // `ids` and every step they depend on, in document order (for "run selected").
  core::Workflow withUpstream(const QStringList& ids) const;
  QString uniqueId(const QString& base) const;
  std::vector<core::ValidationIssue> validate() const;

  // Used by WorkflowEditCommand only.
  void applyState(const core::WorkflowFile& state);

 signals:
  void changed();        // after any edit, undo, redo or load
  void documentReset();  // a different document was loaded
  void modifiedChanged(bool modified);
  void filePathChanged(const QString& path);

 private:
  void commit(const QString& text, core::WorkflowFile after, const QString& merge_key = {});

  std::optional<QPointF> storedPosition(const std::string& sid) const;

  const core::AgentRegistry& m_registry;
  core::WorkflowFile m_file;
  QUndoStack* m_undo;
  QString m_path;
};

}  // namespace sciagents::ui
