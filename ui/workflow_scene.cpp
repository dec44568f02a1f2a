#include "ui/workflow_scene.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/link.h"
#include "ui/edge_item.h"
#include "ui/node_item.h"
#include "ui/node_ports.h"
#include "ui/port_item.h"
#include "ui/qt_convert.h"
#include "ui/theme.h"
#include "ui/workflow_document.h"

#include <QApplication>
#include <QClipboard>
#include <QGraphicsPathItem>
#include <QPen>
#include <QSet>
#include <QUndoStack>

namespace sciagents::ui {

namespace {
// The node's sweep line: "sweep constants.k × 5", "grid k × c × 12", "design lhs.samples → k, c".
QString sweepBadge(const core::SweepSpec& sweep) {
  if (sweep.mode == core::SweepSpec::Mode::Design) return qstr(sweep.label());
  const QString what =
      sweep.mode == core::SweepSpec::Mode::One ? QObject::tr("sweep %1") : QStringLiteral("%1");
  return QObject::tr("%1 × %2").arg(what.arg(qstr(sweep.label()))).arg(sweep.pointCount());
}
}  // namespace

WorkflowScene::WorkflowScene(WorkflowDocument* doc, QObject* parent)
    : QGraphicsScene(parent), m_doc(doc) {
  setItemIndexMethod(QGraphicsScene::NoIndex);  // nodes move a lot; few items
  connect(doc, &WorkflowDocument::changed, this, &WorkflowScene::sync);
  connect(doc, &WorkflowDocument::documentReset, this, [this] { m_status.clear(); });
  connect(this, &QGraphicsScene::selectionChanged, this, [this] {
    if (m_syncing) return;
    const QStringList ids = selectedStepIds();
    emit currentStepChanged(ids.size() == 1 ? ids.front() : QString());
  });
  sync();
}

WorkflowScene::~WorkflowScene() {
  // Items go first, quietly: selection changes during teardown must not reach the document.
  blockSignals(true);
  for (auto* e : m_edges) delete e;
  m_edges.clear();
  qDeleteAll(m_nodes);
  m_nodes.clear();
}

QStringList WorkflowScene::selectedStepIds() const {
  QStringList out;
  for (const auto& s : m_doc->workflow().steps)  // document order, not hash order
    if (auto* n = m_nodes.value(qstr(s.id)); n && n->isSelected()) out << n->stepId();
  return out;
}

void WorkflowScene::selectSteps(const QStringList& ids) {
  clearSelection();
  for (const auto& id : ids)
    if (auto* n = m_nodes.value(id)) n->setSelected(true);
}

void WorkflowScene::sync() {
  m_syncing = true;
  const QStringList before = selectedStepIds();
  // Edges go first: they point at nodes that may be replaced below.
  for (auto* e : m_edges) delete e;
  m_edges.clear();
  const auto& registry = m_doc->registry();
  const auto issues = m_doc->validate();
  const QHash<QString, QPointF> positions = m_doc->stepPositions();
  QSet<QString> alive;
  for (const auto& step : m_doc->workflow().steps) {
    const QString id = qstr(step.id);
    alive.insert(id);
    NodeItem* n = m_nodes.value(id);
    const QString title = QStringLiteral("%1 — %2.%3").arg(id, qstr(step.agent), qstr(step.task));
    if (n && n->title() != title) {
      delete n;
      n = nullptr;
    }
    if (!n) {
      n = new NodeItem(id, qstr(step.agent), qstr(step.task));
      addItem(n);
      m_nodes.insert(id, n);
      n->setStatus(m_status.value(id, NodeStatus::Idle));
    }
    const NodePorts ports = nodePorts(step, registry);
    n->setPorts(ports.inputs, ports.outputs);
    n->setSweep(step.sweep ? sweepBadge(*step.sweep) : QString());
    QStringList step_issues;
    for (const auto& i : issues)
      if (i.step == step.id) step_issues << qstr(i.describe());
    n->setIssues(step_issues);
    const QPointF pos = positions.value(id);
    if (n->pos() != pos) n->setPos(pos);
  }
  for (auto it = m_nodes.begin(); it != m_nodes.end();) {
    if (alive.contains(it.key())) {
      ++it;
      continue;
    }
    delete it.value();
    it = m_nodes.erase(it);
  }
  rebuildEdges();
  selectSteps(before);
  m_syncing = false;
  const QStringList after = selectedStepIds();
  if (after != before) emit currentStepChanged(after.size() == 1 ? after.front() : QString());
}

void WorkflowScene::rebuildEdges() {
  for (auto* e : m_edges) delete e;
  m_edges.clear();
  for (const auto& step : m_doc->workflow().steps) {
    NodeItem* to = m_nodes.value(qstr(step.id));
    for (const auto& l : core::findLinks(step.params)) {
      if (!l.raw.is_string()) continue;
      const std::string text = l.raw.get<std::string>();
      QString src, out;
      if (l.step_ref) {
        src = qstr(text);
      } else if (auto ref = core::parseLinkRef(text)) {
        src = qstr(ref->step);
        out = qstr(ref->output);
      }
      NodeItem* from = m_nodes.value(src);
      if (!from || !to) continue;
      auto* e = new EdgeItem(from, out, to, qstr(l.path), qstr(text));
      addItem(e);
      m_edges << e;
    }
  }
}

void WorkflowScene::nodeMoved(NodeItem* node) {
  for (auto* e : m_edges)
    if (e->fromNode() == node || e->toNode() == node) e->updatePath();
}

void WorkflowScene::commitMoves() {
  QHash<QString, QPointF> moved;
  const QHash<QString, QPointF> positions = m_doc->stepPositions();
  for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it)
    if (it.value()->pos() != positions.value(it.key())) moved.insert(it.key(), it.value()->pos());
  if (!moved.isEmpty()) m_doc->moveSteps(moved);
}

void WorkflowScene::setStatus(const QString& id, NodeStatus status) {
  m_status.insert(id, status);
  if (auto* n = m_nodes.value(id)) n->setStatus(status);
}

void WorkflowScene::setAllStatuses(NodeStatus status) {
  for (const auto& id : m_doc->stepIds()) setStatus(id, status);
}

bool WorkflowScene::requestLink(const QString& from_step, const QString& output,
                                const QString& to_step, const QString& input_key) {
  QString path = input_key;
  // Dropping on a map parameter (e.g. "constants") links one entry named after the output.
  if (const core::Step* s = m_doc->step(to_step))
    if (const core::TaskSpec* t = m_doc->registry().task(s->agent, s->task))
      if (const core::ParamSpec* p = t->param(input_key.toStdString());
          p && p->type == core::ParamType::Map)
        path = input_key + QLatin1Char('.') + output;
  QString error;
  if (!m_doc->connectLink(to_step, path, from_step + QLatin1Char('.') + output, &error)) {
    emit message(error);
    return false;
  }
  emit message(tr("Linked %1.%2 ← %3.%4").arg(to_step, path, from_step, output));
  return true;
}

void WorkflowScene::deleteSelection() {
  const QStringList steps = selectedStepIds();
  QList<QPair<QString, QString>> links;
  for (auto* e : m_edges)
    if (e->isSelected() && !steps.contains(e->toNode()->stepId()))
      links << qMakePair(e->toNode()->stepId(), e->toPath());
  if (steps.isEmpty() && links.isEmpty()) return;
  m_doc->undoStack()->beginMacro(tr("Delete"));
  for (const auto& [step, path] : links) m_doc->disconnectLink(step, path);
  if (!steps.isEmpty()) m_doc->removeSteps(steps);
  m_doc->undoStack()->endMacro();
}

QStringList WorkflowScene::duplicateSelection() {
  const QStringList ids = m_doc->duplicate(selectedStepIds());
  selectSteps(ids);
  return ids;
}

QString WorkflowScene::copySelection() const {
  const QStringList ids = selectedStepIds();
  if (ids.isEmpty()) return {};
  const QString text = m_doc->copySteps(ids);
  if (auto* cb = QApplication::clipboard()) cb->setText(text);
  return text;
}

QStringList WorkflowScene::pasteClipboard() {
  auto* cb = QApplication::clipboard();
  if (!cb) return {};
  ++m_paste_count;
  const QStringList ids =
      m_doc->paste(cb->text(), QPointF(40.0 * m_paste_count, 40.0 * m_paste_count));
  selectSteps(ids);
  return ids;
}

QString WorkflowScene::selectNextStep(bool backward) {
  const QStringList ids = m_doc->stepIds();
  if (ids.isEmpty()) return {};
  const QStringList selected = selectedStepIds();
  int i = selected.isEmpty() ? -1 : int(ids.indexOf(backward ? selected.front() : selected.back()));
  if (i < 0) i = backward ? 0 : int(ids.size()) - 1;  // nothing selected: first (or last) step
  const int n = int(ids.size());
  const QString next = ids[((backward ? i - 1 : i + 1) % n + n) % n];
  selectSteps({next});
  if (NodeItem* node = m_nodes.value(next)) setFocusItem(node);
  return next;
}

void WorkflowScene::nudgeSelection(QPointF delta, bool repeat) {
  const QStringList ids = selectedStepIds();
  if (ids.isEmpty()) return;
  if (!repeat) ++m_nudge_burst;
  QHash<QString, QPointF> positions;
  for (const QString& id : ids) positions.insert(id, m_doc->stepPosition(id) + delta);
  m_doc->moveSteps(
      positions, QStringLiteral("nudge %1 %2").arg(m_nudge_burst).arg(ids.join(QLatin1Char(','))));
}

void WorkflowScene::beginLinkDrag(PortItem* from, QPointF scene_pos) {
  m_drag_step = from->stepId();
  m_drag_output = from->key();
  m_drag_start = from->scenePos();
  if (!m_drag_line) {
    m_drag_line = new QGraphicsPathItem;
    m_drag_line->setPen(QPen(highlightColor(), 2, Qt::DashLine));
    m_drag_line->setZValue(10);
    addItem(m_drag_line);
  }
  updateLinkDrag(scene_pos);
}

void WorkflowScene::updateLinkDrag(QPointF scene_pos) {
  if (!m_drag_line) return;
  QPainterPath p(m_drag_start);
  const double dx = std::max(40.0, std::abs(scene_pos.x() - m_drag_start.x()) * 0.5);
  p.cubicTo(m_drag_start + QPointF(dx, 0), scene_pos - QPointF(dx, 0), scene_pos);
  m_drag_line->setPath(p);
}

PortItem* WorkflowScene::inputPortAt(QPointF scene_pos) const {
  // Generous hit area: the port circle or its label row.
  for (QGraphicsItem* it : items(QRectF(scene_pos - QPointF(8, 8), QSizeF(16, 16))))
    if (auto* p = qgraphicsitem_cast<PortItem*>(it); p && !p->isOutput()) return p;
  for (QGraphicsItem* it : items(scene_pos)) {
    auto* n = qgraphicsitem_cast<NodeItem*>(it);
    if (!n) continue;
    const QPointF local = n->mapFromScene(scene_pos);
    for (QGraphicsItem* child : n->childItems())
      if (auto* p = qgraphicsitem_cast<PortItem*>(child);
          p && !p->isOutput() && std::abs(local.y() - p->pos().y()) < 10 && local.x() < 125)
        return p;
  }
  return nullptr;
}

void WorkflowScene::endLinkDrag(QPointF scene_pos) {
  if (m_drag_line) {
    delete m_drag_line;
    m_drag_line = nullptr;
  }
  PortItem* target = inputPortAt(scene_pos);
  const QString from = m_drag_step, out = m_drag_output;
  m_drag_step.clear();
  if (!target) return;
  requestLink(from, out, target->stepId(), target->key());
}

}  // namespace sciagents::ui
