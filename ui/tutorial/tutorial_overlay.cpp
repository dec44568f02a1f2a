#include "ui/tutorial/tutorial_overlay.h"

#include "ui/canvas_view.h"
#include "ui/main_window.h"
#include "ui/node_item.h"
#include "ui/theme.h"
#include "ui/tutorial/tutorial_controller.h"
#include "ui/workflow_scene.h"

#include <QAction>
#include <QDockWidget>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QScrollBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <optional>

namespace sciagents::ui {

namespace {
constexpr int kBubbleWidth = 360;
constexpr int kMargin = 12;
const QColor kAccent(0xf5, 0x7c, 0x00);

// The scroll areas `w` sits in, innermost first.
QList<QScrollArea*> scrollAreasOf(QWidget* w, QWidget* window) {
  QList<QScrollArea*> areas;
  for (QWidget* p = w ? w->parentWidget() : nullptr; p && p != window; p = p->parentWidget())
    if (auto* a = qobject_cast<QScrollArea*>(p); a && a != w) areas << a;
  return areas;
}

// The part of `w` that is on screen, in `window`'s coordinates: its rectangle clipped by every
// ancestor (a scroll area's viewport hides what is scrolled away).
QRect visibleRect(QWidget* w, QWidget* window) {
  QRect r(w->mapTo(window, QPoint(0, 0)), w->size());
  for (QWidget* p = w->parentWidget(); p && p != window; p = p->parentWidget())
    r &= QRect(p->mapTo(window, QPoint(0, 0)), p->size());
  return r;
}

// The lowest edge of the menu bar and of the tool bars along the top of the window.
int chromeBottom(MainWindow* window) {
  int bottom = 0;
  if (QWidget* menu = window->menuWidget(); menu && menu->isVisible())  // (menuBar() creates one)
    bottom = menu->geometry().bottom();
  for (QToolBar* bar : window->findChildren<QToolBar*>())
    if (bar->isVisible() && window->toolBarArea(bar) == Qt::TopToolBarArea)
      bottom = std::max(bottom, bar->geometry().bottom());
  return bottom;
}

// The nodes on the canvas as the user sees them (window coordinates): the callout keeps clear of
// them, so the node a step just added is not hidden under the text about it.
QList<QRect> nodeRects(MainWindow* window) {
  QList<QRect> out;
  CanvasView* view = window->view();
  if (!view || !view->isVisible()) return out;
  const QRect shown = visibleRect(view->viewport(), window);
  for (NodeItem* n : window->scene()->nodes()) {
    const QRect r = view->mapFromScene(n->sceneBoundingRect())
                        .boundingRect()
                        .translated(view->viewport()->mapTo(window, QPoint(0, 0))) &
                    shown;
    if (!r.isEmpty()) out << r;
  }
  return out;
}

// Where a bubble of size `b` goes: the first of `tries` (clamped into `area`) that covers nothing
// in `keep_clear`; else, of the positions next to an obstacle (left or right of it, above or
// below it) inside `area` that cover nothing, the one nearest to the earliest try; else the first
// try as it is.
QPoint bubblePosition(const QList<QPoint>& tries, QSize b, const QRect& area,
                      const QList<QRect>& keep_clear) {
  const auto clamp = [&](QPoint at) {
    at.setX(std::clamp(at.x(), area.left(), std::max(area.left(), area.right() - b.width())));
    at.setY(std::clamp(at.y(), area.top(), std::max(area.top(), area.bottom() - b.height())));
    return at;
  };
  const auto clear = [&](QPoint at) {
    const QRect r(at, b);
    return std::none_of(keep_clear.begin(), keep_clear.end(),
                        [&](const QRect& k) { return k.intersects(r); });
  };
  for (const QPoint& t : tries)
    if (clear(clamp(t))) return clamp(t);
  for (const QPoint& t : tries) {
    const QPoint c = clamp(t);
    QList<int> xs{c.x()}, ys{c.y()};
    for (const QRect& k : keep_clear) {
      xs << k.left() - kMargin - b.width() << k.right() + kMargin;
      ys << k.top() - kMargin - b.height() << k.bottom() + kMargin;
    }
    std::optional<QPoint> best;
    for (const int x : xs)
      for (const int y : ys) {
        const QPoint at(x, y);
        if (clamp(at) != at || !clear(at)) continue;
        if (!best || (at - c).manhattanLength() < (*best - c).manhattanLength()) best = at;
      }
    if (best) return *best;
  }
  return clamp(tries.front());
}
}  // namespace

TutorialOverlay::TutorialOverlay(MainWindow* window, TutorialController* controller)
    : QWidget(window),
      m_window(window),
      m_controller(controller),
      m_bubble(new QFrame(window)),
      m_title(new QLabel(m_bubble)),
      m_text(new QLabel(m_bubble)),
      m_progress(new QLabel(m_bubble)),
      m_state(new QLabel(m_bubble)),
      m_back(new QPushButton(tr("Back"), m_bubble)),
      m_show_me(new QPushButton(tr("Show me"), m_bubble)),
      m_skip(new QPushButton(tr("Skip tutorial"), m_bubble)),
      m_next(new QPushButton(tr("Next"), m_bubble)) {
  setObjectName(QStringLiteral("TutorialOverlay"));
  setAttribute(Qt::WA_TransparentForMouseEvents);
  setAttribute(Qt::WA_NoSystemBackground);
  m_bubble->setObjectName(QStringLiteral("TutorialBubble"));
  m_bubble->setStyleSheet(QStringLiteral(
      "#TutorialBubble { background: #fffdf7; border: 2px solid #f57c00; border-radius: 8px; }"
      "#TutorialBubble QLabel { color: #212121; background: transparent; }"));
  m_title->setStyleSheet(QStringLiteral("font-weight: bold; font-size: 11pt;"));
  m_title->setWordWrap(true);
  m_text->setWordWrap(true);
  m_text->setTextFormat(Qt::RichText);
  m_text->setOpenExternalLinks(true);
  m_progress->setObjectName(QStringLiteral("TutorialProgress"));
  m_progress->setStyleSheet(QStringLiteral("color: #616161;"));
  m_next->setDefault(true);
  m_show_me->setToolTip(tr("Perform this step for me (undoable with Edit ▸ Undo)"));
  auto* head = new QHBoxLayout;
  head->addWidget(m_title, 1);
  head->addWidget(m_progress, 0, Qt::AlignTop);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_skip);
  buttons->addStretch(1);
  buttons->addWidget(m_back);
  buttons->addWidget(m_show_me);
  buttons->addWidget(m_next);
  auto* layout = new QVBoxLayout(m_bubble);
  layout->setContentsMargins(14, 12, 14, 12);
  layout->addLayout(head);
  layout->addWidget(m_text);
  layout->addWidget(m_state);
  layout->addLayout(buttons);
  m_bubble->setFixedWidth(kBubbleWidth);

  connect(m_back, &QPushButton::clicked, controller, &TutorialController::back);
  connect(m_next, &QPushButton::clicked, controller, &TutorialController::next);
  connect(m_skip, &QPushButton::clicked, controller, &TutorialController::skip);
  connect(m_show_me, &QPushButton::clicked, controller, &TutorialController::showMe);
  connect(controller, &TutorialController::stepChanged, this, &TutorialOverlay::onStep);
  connect(controller, &TutorialController::conditionChanged, this, &TutorialOverlay::onCondition);
  window->installEventFilter(this);
  onStep(controller->currentStep());
  onCondition(controller->currentStepMet());
}

QWidget* TutorialOverlay::findTarget(QWidget* window, const QString& name) {
  if (name.isEmpty()) return nullptr;
  for (QWidget* w : window->findChildren<QWidget*>(name))
    if (w->isVisible()) return w;
  if (auto* action = window->findChild<QAction*>(name))
    for (QObject* o : action->associatedObjects()) {
      auto* w = qobject_cast<QWidget*>(o);
      // A tool bar holds the action as a button: that button, not the whole bar (issue 18: the
      // Run step framed the tool bar, and a click on its middle ran nothing).
      if (auto* bar = qobject_cast<QToolBar*>(o)) w = bar->widgetForAction(action);
      if (w && w->isVisible() && w->window() == window) return w;
    }
  return nullptr;
}

void TutorialOverlay::onStep(int index) {
  const TutorialStep* s = m_controller ? m_controller->step() : nullptr;
  const Tutorial* t = m_controller ? m_controller->active() : nullptr;
  if (index < 0 || !s || !t) {
    hide();
    m_bubble->hide();
    return;
  }
  m_title->setText(s->title.isEmpty() ? t->title : s->title);
  m_text->setText(s->text);
  m_progress->setText(tr("Step %1 of %2").arg(index + 1).arg(t->steps.size()));
  m_back->setEnabled(index > 0);
  m_next->setText(index + 1 == int(t->steps.size()) ? tr("Finish") : tr("Next"));
  if (auto* dock = qobject_cast<QDockWidget*>(findTarget(m_window, s->highlight))) dock->raise();
  show();
  m_bubble->show();
  m_follow_target = true;
  relayout();
  // Widgets a step's action just created (e.g. a new step's form) are shown by their layouts on
  // the next turn of the event loop: place the highlight again then.
  QTimer::singleShot(0, this, &TutorialOverlay::relayout);
}

void TutorialOverlay::onCondition(bool met) {
  const TutorialStep* s = m_controller ? m_controller->step() : nullptr;
  if (!s) return;
  const bool reading = s->condition.value("type", std::string()) == "none";
  m_next->setEnabled(met);
  m_show_me->setEnabled(!met && !reading);
  m_state->setText(
      reading ? QString()
      : met
          ? tr("<span style='color:%1'>✔ Done</span>").arg(statusTextColor(NodeStatus::Done).name())
          : tr("<span style='color:%1'>Waiting for you to do this step…</span>")
                .arg(statusTextColor(NodeStatus::Pending).name()));
  m_state->setVisible(!reading);
  relayout();
}

void TutorialOverlay::relayout() {
  // (Not while the window hides or is torn down: its layout and menu bar may be gone.)
  if (!isVisible() || !m_controller || !m_window->isVisible() || !m_window->layout()) return;
  const TutorialStep* s = m_controller->step();
  QWidget* target = s ? findTarget(m_window, s->highlight) : nullptr;
  if (target != m_target) {
    if (m_target) m_target->removeEventFilter(this);
    for (const auto& c : std::as_const(m_scroll_connections)) disconnect(c);
    m_scroll_connections.clear();
    m_target = target;
    if (target) {
      target->installEventFilter(this);
      m_follow_target = true;
      // The frame follows scrolling at once; a scroll the overlay did not make is the user's.
      for (QScrollArea* area : scrollAreasOf(target, m_window))
        for (QScrollBar* bar : {area->verticalScrollBar(), area->horizontalScrollBar()}) {
          m_scroll_connections << connect(bar, &QScrollBar::valueChanged, this, [this] {
            if (!m_scrolling) m_follow_target = false;
            relayout();
          });
          m_scroll_connections << connect(bar, &QScrollBar::rangeChanged, this,
                                          &TutorialOverlay::relayout);
        }
    }
  }
  // A step's target below the fold of a form is scrolled into view before it is framed, never a
  // stand-in framed where it would be, and kept in view while its form is laid out, until the
  // user scrolls.
  if (target && m_follow_target) {
    const QScopedValueRollback<bool> scrolling(m_scrolling, true);
    for (QScrollArea* area : scrollAreasOf(target, m_window))
      area->ensureWidgetVisible(target, 8, 8);
  }
  setGeometry(m_window->rect());
  raise();
  m_rect = target ? visibleRect(target, m_window) : QRect();
  if (m_rect.isEmpty())
    m_rect = QRect();  // scrolled out of sight: nothing framed
  else
    m_rect.adjust(-4, -4, 4, 4);
  m_bubble->adjustSize();
  const QSize b = m_bubble->size();
  // Below the menu bar and the top tool bar (the Run button), never over them.
  const QRect area =
      m_window->rect().adjusted(kMargin, kMargin, -kMargin, -kMargin) &
      QRect(0, chromeBottom(m_window) + kMargin / 2, m_window->width(), m_window->height());
  // Beside the highlight, or beside its dock so the callout never hides the dock's other
  // widgets (a form field's label); level with the highlight.
  QRect avoid = m_rect;
  for (QWidget* p = target; p && p != m_window; p = p->parentWidget())
    if (qobject_cast<QDockWidget*>(p) && p != target)
      avoid = QRect(p->mapTo(m_window, QPoint(0, 0)), p->size());
  QList<QPoint> tries;  // in order of preference
  if (m_rect.isNull()) {
    tries << area.center() - QPoint(b.width() / 2, b.height() / 2);
  } else {
    if (avoid.right() + kMargin + b.width() <= area.right())
      tries << QPoint(avoid.right() + kMargin, m_rect.top());
    if (avoid.left() - kMargin - b.width() >= area.left())
      tries << QPoint(avoid.left() - kMargin - b.width(), m_rect.top());
    if (m_rect.bottom() + kMargin + b.height() <= area.bottom())
      tries << QPoint(m_rect.left(), m_rect.bottom() + kMargin);
    tries << QPoint(m_rect.left(), m_rect.top() - kMargin - b.height());
  }
  // Clear of the nodes, the framed widget and its dock (the form around a field), unless one of
  // those is most of the window (the canvas itself).
  QList<QRect> keep_clear = nodeRects(m_window);
  const QSize win = m_window->size();
  for (const QRect& r : {m_rect, avoid})
    if (!r.isNull() && 4 * r.width() * r.height() < win.width() * win.height()) keep_clear << r;
  m_bubble->move(bubblePosition(tries, b, area, keep_clear));
  m_bubble->raise();
  update();
}

bool TutorialOverlay::eventFilter(QObject* watched, QEvent* event) {
  switch (event->type()) {
    case QEvent::Resize:
    case QEvent::Move:
    case QEvent::Show:
    case QEvent::Hide:
    case QEvent::LayoutRequest:
      if (watched == m_window || watched == m_target) relayout();
      break;
    default:
      break;
  }
  return QWidget::eventFilter(watched, event);
}

void TutorialOverlay::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  QPainterPath dim;
  dim.addRect(QRectF(rect()));
  if (!m_rect.isNull()) {
    QPainterPath hole;
    hole.addRoundedRect(QRectF(m_rect), 6, 6);
    dim = dim.subtracted(hole);
  }
  p.fillPath(dim, QColor(0, 0, 0, 70));
  if (!m_rect.isNull()) {
    p.setPen(QPen(kAccent, 3));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(QRectF(m_rect).adjusted(1.5, 1.5, -1.5, -1.5), 6, 6);
  }
}

}  // namespace sciagents::ui
