#include "ui/edge_item.h"

#include "ui/node_item.h"
#include "ui/theme.h"

#include <QPainter>
#include <QPen>
#include <QStyleOptionGraphicsItem>

namespace sciagents::ui {

EdgeItem::EdgeItem(NodeItem* from, QString from_output, NodeItem* to, QString to_path,
                   QString link_text)
    : m_from(from),
      m_from_output(std::move(from_output)),
      m_to(to),
      m_to_path(std::move(to_path)),
      m_link(std::move(link_text)) {
  setFlag(ItemIsSelectable);
  setZValue(-1);  // under the nodes
  setToolTip(QStringLiteral("%1 → %2.%3").arg(m_link, m_to->stepId(), m_to_path));
  updatePath();
}

void EdgeItem::updatePath() {
  const QPointF a = m_from->outputAnchor(m_from_output);
  const QPointF b = m_to->inputAnchor(m_to_path);
  const double dx = std::max(40.0, std::abs(b.x() - a.x()) * 0.5);
  QPainterPath p(a);
  p.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b);
  setPath(p);
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) {
  (void)widget;
  const bool selected = option->state & QStyle::State_Selected;
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setPen(QPen(selected ? highlightColor() : lineColor(), selected ? 3.0 : 2.0));
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());
}

}  // namespace sciagents::ui
