#include "ui/node_item.h"

#include "ui/port_item.h"
#include "ui/theme.h"
#include "ui/workflow_scene.h"

#include <QApplication>
#include <QFontMetrics>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace sciagents::ui {

namespace {
constexpr double kMinWidth = 230.0;
constexpr double kMaxWidth = 380.0;
constexpr double kHeader = kNodeHeader;
constexpr double kRow = kNodeRow;
constexpr double kSweepRow = kNodeSweepRow;

QString statusGlyph(NodeStatus s) {
  switch (s) {
    case NodeStatus::Idle:
      return {};
    case NodeStatus::Pending:
      return QStringLiteral("…");
    case NodeStatus::Running:
      return QStringLiteral("▶");
    case NodeStatus::Done:
      return QStringLiteral("✓");
    case NodeStatus::Cached:
      return QStringLiteral("C");
    case NodeStatus::Failed:
      return QStringLiteral("✗");
    case NodeStatus::Cancelled:
      return QStringLiteral("■");
    case NodeStatus::Skipped:
      return QStringLiteral("–");
    case NodeStatus::Stale:
      return QStringLiteral("↻");
  }
  return {};
}

QColor agentColor(const QString& agent) {
  // A stable hue per agent keeps families recognisable across sessions.
  const int hue = static_cast<int>(qHash(agent) % 360u);
  return QColor::fromHsv(hue, 90, 215);
}
}  // namespace

NodeItem::NodeItem(QString step_id, QString agent, QString task)
    : m_id(std::move(step_id)), m_agent(std::move(agent)), m_task(std::move(task)) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsScenePositionChanges);
  setCacheMode(DeviceCoordinateCache);
  // Wide enough for the whole title (id — agent.task) and the status icon, within bounds.
  QFont bold = QApplication::font();
  bold.setBold(true);
  m_width = std::clamp(QFontMetrics(bold).horizontalAdvance(title()) + 52.0, kMinWidth, kMaxWidth);
}

QString NodeItem::title() const { return QStringLiteral("%1 — %2.%3").arg(m_id, m_agent, m_task); }

double NodeItem::height() const {
  return nodeHeight(m_inputs.size(), m_outputs.size(), !m_sweep.isEmpty());
}

bool NodeItem::setPorts(const std::vector<PortSpec>& inputs, const std::vector<PortSpec>& outputs) {
  auto same = [](const std::vector<PortSpec>& a, const std::vector<PortSpec>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].key != b[i].key || a[i].linked != b[i].linked) return false;
    return true;
  };
  if (!m_inputs.empty() || !m_outputs.empty())
    if (same(inputs, m_in_specs) && same(outputs, m_out_specs)) return false;
  prepareGeometryChange();
  for (auto* p : m_inputs) delete p;
  for (auto* p : m_outputs) delete p;
  m_inputs.clear();
  m_outputs.clear();
  m_in_specs = inputs;
  m_out_specs = outputs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto* p = new PortItem(this, inputs[i].key, false, inputs[i].tooltip);
    p->setPos(0, kHeader + (static_cast<double>(i) + 0.5) * kRow);
    p->setLinked(inputs[i].linked);
    m_inputs.push_back(p);
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    auto* p = new PortItem(this, outputs[i].key, true, outputs[i].tooltip);
    p->setPos(m_width, kHeader + (static_cast<double>(i) + 0.5) * kRow);
    m_outputs.push_back(p);
  }
  update();
  return true;
}

void NodeItem::setSweep(const QString& text) {
  if (text == m_sweep) return;
  prepareGeometryChange();
  m_sweep = text;
  update();
}

void NodeItem::setIssues(const QStringList& issues) {
  if (issues == m_issues) return;
  m_issues = issues;
  setToolTip(issues.isEmpty() ? title()
                              : title() + QStringLiteral("\n") + issues.join(QLatin1Char('\n')));
  update();
}

void NodeItem::setStatus(NodeStatus status) {
  if (status == m_status) return;
  m_status = status;
  update();
}

PortItem* NodeItem::inputPort(const QString& key) const {
  for (auto* p : m_inputs)
    if (p->key() == key) return p;
  return nullptr;
}

PortItem* NodeItem::outputPort(const QString& key) const {
  for (auto* p : m_outputs)
    if (p->key() == key) return p;
  return nullptr;
}

QPointF NodeItem::inputAnchor(const QString& key) const {
  if (auto* p = inputPort(key)) return p->scenePos();
  return mapToScene(QPointF(0, kHeader / 2));
}

QPointF NodeItem::outputAnchor(const QString& key) const {
  if (auto* p = outputPort(key)) return p->scenePos();
  return mapToScene(QPointF(m_width, kHeader / 2));
}

QRectF NodeItem::boundingRect() const { return QRectF(-8, -8, m_width + 16, height() + 16); }

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) {
  (void)widget;
  const QPalette pal = QApplication::palette();
  const QRectF body(0, 0, m_width, height());
  const bool selected = option->state & QStyle::State_Selected;
  painter->setRenderHint(QPainter::Antialiasing);

  // Body and header.
  QPen frame(
      selected ? highlightColor()
               : (m_issues.isEmpty() ? pal.color(QPalette::Mid) : statusColor(NodeStatus::Failed)),
      selected || !m_issues.isEmpty() ? 2.5 : 1.2);
  painter->setPen(frame);
  painter->setBrush(pal.color(QPalette::Base));
  painter->drawRoundedRect(body, 6, 6);
  QPainterPath header;
  header.addRoundedRect(QRectF(0, 0, m_width, kHeader), 6, 6);
  header.addRect(QRectF(0, kHeader / 2, m_width, kHeader / 2));
  header.setFillRule(Qt::WindingFill);  // the union: square bottom corners under the rounded top
  painter->fillPath(header.simplified(), agentColor(m_agent));
  painter->setPen(frame);
  painter->setBrush(Qt::NoBrush);
  painter->drawRoundedRect(body, 6, 6);

  // Title, elided to leave room for the status icon.
  QFont font = painter->font();
  font.setBold(true);
  painter->setFont(font);
  painter->setPen(QColor(20, 20, 20));
  const QFontMetrics fm(font);
  const QRectF titleRect(8, 0, m_width - 40, kHeader);
  painter->drawText(titleRect, Qt::AlignVCenter | Qt::AlignLeft,
                    fm.elidedText(title(), Qt::ElideRight, static_cast<int>(titleRect.width())));

  // Status icon.
  if (m_status != NodeStatus::Idle) {
    const QRectF icon(m_width - 24, 6, 16, 16);
    painter->setPen(Qt::NoPen);
    painter->setBrush(statusColor(m_status));
    painter->drawEllipse(icon);
    painter->setPen(Qt::white);
    QFont small = font;
    small.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.8));
    painter->setFont(small);
    painter->drawText(icon, Qt::AlignCenter, statusGlyph(m_status));
  }

  // Port labels.
  font.setBold(false);
  painter->setFont(font);
  painter->setPen(pal.color(QPalette::Text));
  const QFontMetrics lfm(font);
  const double half = m_width / 2 - 12;
  for (std::size_t i = 0; i < m_in_specs.size(); ++i) {
    const QRectF r(10, kHeader + static_cast<double>(i) * kRow, half, kRow);
    painter->drawText(
        r, Qt::AlignVCenter | Qt::AlignLeft,
        lfm.elidedText(m_in_specs[i].label, Qt::ElideRight, static_cast<int>(r.width())));
  }
  for (std::size_t i = 0; i < m_out_specs.size(); ++i) {
    const QRectF r(m_width / 2 + 2, kHeader + static_cast<double>(i) * kRow, half, kRow);
    painter->drawText(
        r, Qt::AlignVCenter | Qt::AlignRight,
        lfm.elidedText(m_out_specs[i].label, Qt::ElideRight, static_cast<int>(r.width())));
  }
  if (!m_sweep.isEmpty()) {
    painter->setPen(pal.color(QPalette::PlaceholderText));
    const QRectF r(8, height() - kSweepRow - 2, m_width - 16, kSweepRow);
    painter->drawText(r, Qt::AlignVCenter | Qt::AlignLeft,
                      lfm.elidedText(m_sweep, Qt::ElideRight, int(r.width())));
  }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemScenePositionHasChanged)
    if (auto* s = qobject_cast<WorkflowScene*>(scene())) s->nodeMoved(this);
  return QGraphicsItem::itemChange(change, value);
}

void NodeItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  QGraphicsItem::mouseReleaseEvent(event);
  if (auto* s = qobject_cast<WorkflowScene*>(scene())) s->commitMoves();
}

}  // namespace sciagents::ui
