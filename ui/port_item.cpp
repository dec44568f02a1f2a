#include "ui/port_item.h"

#include "ui/node_item.h"
#include "ui/workflow_scene.h"

#include <QBrush>
#include <QCursor>
#include <QGraphicsSceneMouseEvent>
#include <QPen>

namespace sciagents::ui {

namespace {
constexpr double kRadius = 5.0;
}

PortItem::PortItem(NodeItem* node, QString key, bool output, QString tooltip)
    : QGraphicsEllipseItem(-kRadius, -kRadius, 2 * kRadius, 2 * kRadius, node),
      m_node(node),
      m_key(std::move(key)),
      m_output(output) {
  setAcceptHoverEvents(true);
  setToolTip(tooltip);
  setPen(QPen(QColor(60, 60, 60), 1.2));
  setCursor(output ? Qt::CrossCursor : Qt::ArrowCursor);
  updateBrush();
}

QString PortItem::stepId() const { return m_node->stepId(); }

void PortItem::setLinked(bool linked) {
  m_linked = linked;
  updateBrush();
}

void PortItem::updateBrush() {
  QColor c = m_output ? QColor(240, 170, 60) : QColor(90, 150, 220);
  if (!m_linked && !m_output) c = c.lighter(150);
  if (m_hover) c = c.lighter(125);
  setBrush(c);
}

void PortItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (m_output && event->button() == Qt::LeftButton) {
    if (auto* s = qobject_cast<WorkflowScene*>(scene())) s->beginLinkDrag(this, event->scenePos());
    event->accept();
    return;
  }
  QGraphicsEllipseItem::mousePressEvent(event);
}

void PortItem::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (auto* s = qobject_cast<WorkflowScene*>(scene()); s && m_output) {
    s->updateLinkDrag(event->scenePos());
    return;
  }
  QGraphicsEllipseItem::mouseMoveEvent(event);
}

void PortItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (auto* s = qobject_cast<WorkflowScene*>(scene()); s && m_output) {
    s->endLinkDrag(event->scenePos());  // may rebuild this node: touch nothing afterwards
    return;
  }
  QGraphicsEllipseItem::mouseReleaseEvent(event);
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event) {
  m_hover = true;
  updateBrush();
  QGraphicsEllipseItem::hoverEnterEvent(event);
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event) {
  m_hover = false;
  updateBrush();
  QGraphicsEllipseItem::hoverLeaveEvent(event);
}

}  // namespace sciagents::ui
