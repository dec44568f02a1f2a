// A port on a node: an input (a linkable parameter or a linked parameter path) on the left edge or
// an output (a declared task output) on the right. Dragging from an output port makes a link.
#pragma once

#include <QGraphicsEllipseItem>

namespace sciagents::ui {

class NodeItem;

class PortItem final : public QGraphicsEllipseItem {
 public:
  enum { Type = UserType + 2 };
  PortItem(NodeItem* node, QString key, bool output, QString tooltip);

  int type() const override { return Type; }
  NodeItem* node() const { return m_node; }
  const QString& key() const { return m_key; }  // param path (inputs) or output name (outputs)
  bool isOutput() const { return m_output; }
  QString stepId() const;
  void setLinked(bool linked);

 protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
  void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
  void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

 private:
  void updateBrush();

  NodeItem* m_node;
  QString m_key;
  bool m_output;
  bool m_linked = false;
  bool m_hover = false;
};

}  // namespace sciagents::ui
