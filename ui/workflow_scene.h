// The workflow canvas scene: a view of the WorkflowDocument (nodes and links are rebuilt from the
// document by sync(), addressed by step id). User gestures become document edits; run state
// (node status) is derived and kept here, outside the undo stack.
#pragma once

#include "ui/node_status.h"

#include <QGraphicsScene>
#include <QHash>

namespace sciagents::ui {

class EdgeItem;
class NodeItem;
class PortItem;
class WorkflowDocument;

class WorkflowScene final : public QGraphicsScene {
  Q_OBJECT
 public:
  explicit WorkflowScene(WorkflowDocument* doc, QObject* parent = nullptr);
  ~WorkflowScene() override;

  WorkflowDocument* document() const { return m_doc; }
  NodeItem* node(const QString& id) const { return m_nodes.value(id); }
  QList<NodeItem*> nodes() const { return m_nodes.values(); }
  const QList<EdgeItem*>& edges() const { return m_edges; }
  QStringList selectedStepIds() const;
  void selectSteps(const QStringList& ids);

  // Run state.
  void setStatus(const QString& id, NodeStatus status);
  NodeStatus status(const QString& id) const { return m_status.value(id, NodeStatus::Idle); }
  void setAllStatuses(NodeStatus status);

  // Edits from gestures (also callable directly). requestLink reports refusals through message().
  bool requestLink(const QString& from_step, const QString& output, const QString& to_step,
                   const QString& input_key);
  void deleteSelection();
  QStringList duplicateSelection();
  QString copySelection() const;  // also puts the JSON on the clipboard
  QStringList pasteClipboard();
  // Keyboard: Tab/Shift+Tab select the next/previous step in document order (returns its id);
  // arrow keys move the selection by `delta`. Presses of one key-repeat burst (`repeat`) are one
  // undo step; each new press is another, as each mouse drag is.
  QString selectNextStep(bool backward);
  void nudgeSelection(QPointF delta, bool repeat);

  // From items.
  void beginLinkDrag(PortItem* from, QPointF scene_pos);
  void updateLinkDrag(QPointF scene_pos);
  void endLinkDrag(QPointF scene_pos);
  void nodeMoved(NodeItem* node);
  void commitMoves();

 public slots:
  void sync();

 signals:
  void message(const QString& text);
  void currentStepChanged(const QString& id);  // single selected step, or ""

 private:
  void rebuildEdges();
  PortItem* inputPortAt(QPointF scene_pos) const;

  WorkflowDocument* m_doc;
  QHash<QString, NodeItem*> m_nodes;
  QList<EdgeItem*> m_edges;
  QHash<QString, NodeStatus> m_status;
  QGraphicsPathItem* m_drag_line = nullptr;
  QString m_drag_step;
  QString m_drag_output;
  QPointF m_drag_start;
  bool m_syncing = false;
  int m_paste_count = 0;
  int m_nudge_burst = 0;
};

}  // namespace sciagents::ui
