// One workflow step on the canvas: title "id — agent.task", input ports (linkable params and
// linked paths) on the left, output ports on the right, a status icon, the sweep if any, and a red
// frame with the validation issues as tooltip when the step is invalid.
#pragma once

#include "ui/node_ports.h"
#include "ui/node_status.h"

#include <QGraphicsItem>
#include <QStringList>

#include <vector>

namespace sciagents::ui {

class PortItem;

class NodeItem final : public QGraphicsItem {
 public:
  enum { Type = UserType + 1 };
  NodeItem(QString step_id, QString agent, QString task);

  int type() const override { return Type; }
  const QString& stepId() const { return m_id; }
  QString title() const;
  // Rebuilds the ports; returns true when they changed.
  bool setPorts(const std::vector<PortSpec>& inputs, const std::vector<PortSpec>& outputs);
  void setSweep(const QString& text);
  const QString& sweepText() const { return m_sweep; }  // "grid constants.k × y0[0] × 12"
  void setIssues(const QStringList& issues);
  const QStringList& issues() const { return m_issues; }
  void setStatus(NodeStatus status);
  NodeStatus status() const { return m_status; }

  PortItem* inputPort(const QString& key) const;
  PortItem* outputPort(const QString& key) const;
  QPointF inputAnchor(const QString& key) const;  // scene position; falls back to the node's edge
  QPointF outputAnchor(const QString& key) const;

  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

 private:
  double height() const;

  QString m_id;
  QString m_agent;
  QString m_task;
  QString m_sweep;
  QStringList m_issues;
  NodeStatus m_status = NodeStatus::Idle;
  double m_width = 0.0;
  std::vector<PortSpec> m_in_specs;
  std::vector<PortSpec> m_out_specs;
  std::vector<PortItem*> m_inputs;
  std::vector<PortItem*> m_outputs;
};

}  // namespace sciagents::ui
