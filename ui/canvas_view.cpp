#include "ui/canvas_view.h"

#include "ui/node_item.h"
#include "ui/palette_model.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QKeyEvent>
#include <QLabel>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>

namespace sciagents::ui {

namespace {
constexpr double kMinZoom = 0.1;
constexpr double kMaxZoom = 4.0;
}  // namespace

CanvasView::CanvasView(WorkflowScene* scene, QWidget* parent) : QGraphicsView(scene, parent) {
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::RubberBandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setAcceptDrops(true);
  setSceneRect(-5000, -5000, 10000, 10000);
  setFocusPolicy(Qt::StrongFocus);
  m_hint = new QLabel(tr("Drag a task here from the Agents palette\n(or double-click it there) to "
                         "start a workflow"),
                      viewport());
  m_hint->setObjectName(QStringLiteral("EmptyCanvasHint"));
  m_hint->setAlignment(Qt::AlignCenter);
  m_hint->setAttribute(Qt::WA_TransparentForMouseEvents);  // drops and clicks reach the canvas
  m_hint->setForegroundRole(QPalette::PlaceholderText);
  QFont f = m_hint->font();
  f.setPointSizeF(f.pointSizeF() * 1.3);
  m_hint->setFont(f);
  connect(scene->document(), &WorkflowDocument::changed, this, &CanvasView::updateHint);
  updateHint();
}

void CanvasView::updateHint() {
  m_hint->setVisible(static_cast<WorkflowScene*>(scene())->document()->workflow().steps.empty());
  m_hint->resize(viewport()->size());
}

void CanvasView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  m_hint->resize(viewport()->size());
}

// Scrolling the scene moves the viewport's child widgets with it: the hint stays where it is, over
// the whole viewport (issue 18: after the first fit it was pushed half out of the canvas).
void CanvasView::scrollContentsBy(int dx, int dy) {
  QGraphicsView::scrollContentsBy(dx, dy);
  m_hint->move(0, 0);
}

void CanvasView::zoomBy(double factor) {
  const double target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
  const double f = target / zoom();
  scale(f, f);
}

void CanvasView::fitAll() {
  QRectF r = scene()->itemsBoundingRect();
  if (r.isEmpty()) {
    resetTransform();
    centerOn(0, 0);
    return;
  }
  r.adjust(-40, -40, 40, 40);
  fitInView(r, Qt::KeepAspectRatio);
  if (zoom() > 1.0) {  // a small workflow should not be blown up
    const double f = 1.0 / zoom();
    scale(f, f);
  }
  centerOn(r.center());
}

void CanvasView::wheelEvent(QWheelEvent* event) {
  if (event->modifiers() & Qt::ControlModifier) {
    const double steps = event->angleDelta().y() / 120.0;
    zoomBy(std::pow(1.15, steps));
    event->accept();
    return;
  }
  QGraphicsView::wheelEvent(event);
}

void CanvasView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || (m_space && event->button() == Qt::LeftButton)) {
    m_panning = true;
    m_last = event->position().toPoint();
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void CanvasView::mouseMoveEvent(QMouseEvent* event) {
  if (m_panning) {
    const QPoint p = event->position().toPoint();
    const QPoint d = p - m_last;
    m_last = p;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event) {
  if (m_panning) {
    m_panning = false;
    viewport()->unsetCursor();
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

bool CanvasView::event(QEvent* event) {
  // Tab and Shift+Tab walk through the steps instead of leaving the canvas (Ctrl+Tab leaves it).
  if (event->type() == QEvent::KeyPress) {
    auto* k = static_cast<QKeyEvent*>(event);
    const bool tab = k->key() == Qt::Key_Tab || k->key() == Qt::Key_Backtab;
    if (tab && !(k->modifiers() & Qt::ControlModifier)) {
      auto* s = static_cast<WorkflowScene*>(scene());
      const QString id =
          s->selectNextStep(k->key() == Qt::Key_Backtab || (k->modifiers() & Qt::ShiftModifier));
      if (!id.isEmpty()) {
        if (NodeItem* node = s->node(id)) ensureVisible(node, 40, 40);
        return true;
      }
    }
  }
  return QGraphicsView::event(event);
}

void CanvasView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    m_space = true;
    viewport()->setCursor(Qt::OpenHandCursor);
    return;
  }
  auto* s = static_cast<WorkflowScene*>(scene());
  const QStringList selected = s->selectedStepIds();
  const double d = (event->modifiers() & Qt::ShiftModifier) ? kNudgeLarge : kNudge;
  QPointF delta;
  switch (event->key()) {
    case Qt::Key_Left:
      delta = {-d, 0};
      break;
    case Qt::Key_Right:
      delta = {d, 0};
      break;
    case Qt::Key_Up:
      delta = {0, -d};
      break;
    case Qt::Key_Down:
      delta = {0, d};
      break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      if (selected.size() == 1) {
        emit editRequested(selected.front());
        return;
      }
      break;
    case Qt::Key_Escape:
      if (!selected.isEmpty()) {
        s->clearSelection();
        return;
      }
      break;
    default:
      break;
  }
  if (!delta.isNull() && !selected.isEmpty() && !(event->modifiers() & Qt::ControlModifier)) {
    s->nudgeSelection(delta, event->isAutoRepeat());
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    m_space = false;
    viewport()->unsetCursor();
    return;
  }
  QGraphicsView::keyReleaseEvent(event);
}

void CanvasView::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasFormat(QString::fromLatin1(PaletteModel::kMimeType)))
    event->acceptProposedAction();
  else
    event->ignore();
}

void CanvasView::dragMoveEvent(QDragMoveEvent* event) {
  if (event->mimeData()->hasFormat(QString::fromLatin1(PaletteModel::kMimeType)))
    event->acceptProposedAction();
  else
    event->ignore();
}

void CanvasView::dropEvent(QDropEvent* event) {
  const QByteArray data = event->mimeData()->data(QString::fromLatin1(PaletteModel::kMimeType));
  const QString text = QString::fromUtf8(data);
  const int dot = text.indexOf(QLatin1Char('.'));
  if (dot <= 0) {
    event->ignore();
    return;
  }
  emit taskDropped(text.left(dot), text.mid(dot + 1), mapToScene(event->position().toPoint()));
  event->acceptProposedAction();
}

}  // namespace sciagents::ui
