// Driving a tutorial through the real UI in tests: each step's user actions are performed one by
// one; the step's completion condition must not fire before the last of them and must fire
// (stepCompleted, then the next step) after it. Reading steps are left with the bubble's Next.
#pragma once

#include "studio_test_util.h"

#include "core/value/value_json.h"
#include "ui/canvas_view.h"
#include "ui/local_runner.h"
#include "ui/node_item.h"
#include "ui/tutorial/onboarding.h"
#include "ui/tutorial/tutorial_controller.h"
#include "ui/tutorial/tutorial_overlay.h"
#include "ui/workflow_scene.h"

#include <QAbstractScrollArea>
#include <QDockWidget>
#include <QGraphicsView>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QToolBar>

#include <algorithm>
#include <limits>

#include <functional>

namespace studio_test {

using Actions = QList<std::function<void()>>;

struct TutorialDriver {
  MainWindow& w;
  TutorialController* c;
  TutorialOverlay* overlay;

  explicit TutorialDriver(MainWindow& window)
      : w(window), c(window.onboarding()->tutorials()), overlay(window.onboarding()->overlay()) {}

  // The current step is `k`; its highlight names a visible widget and the bubble says "Step k+1 of
  // n".
  void at(int k) {
    QCOMPARE(c->currentStep(), k);
    const TutorialStep* s = c->step();
    QVERIFY(s);
    QVERIFY(overlay->isVisible() && overlay->bubble()->isVisible());
    QCOMPARE(overlay->progressLabel()->text(),
             QStringLiteral("Step %1 of %2").arg(k + 1).arg(c->active()->steps.size()));
    if (s->highlight.isEmpty()) return;
    // A form the last action created is laid out on the next event-loop turn.
    QTRY_VERIFY2(TutorialOverlay::findTarget(&w, s->highlight),
                 qPrintable("no visible widget named " + s->highlight));
    QTRY_VERIFY(overlay->target() == TutorialOverlay::findTarget(&w, s->highlight));
    QVERIFY(!overlay->highlightRect().isEmpty());
    targetOnScreenAndFramed(s->highlight);
    calloutCoversNothing();
  }

  // Issue 18 item 8: the callout never hides the menu bar or the tool bar, the nodes on the
  // canvas (the one the step just added), or the framed widget.
  void calloutCoversNothing() {
    QTRY_VERIFY(overlay->bubble()->isVisible());
    const QRect bubble = overlay->bubble()->geometry();
    QVERIFY2(!bubble.intersects(w.menuBar()->geometry()), "the callout covers the menu bar");
    for (QToolBar* bar : w.findChildren<QToolBar*>())
      if (bar->isVisible())
        QVERIFY2(!bubble.intersects(bar->geometry()),
                 qPrintable("the callout covers the tool bar " + bar->objectName()));
    for (NodeItem* n : w.scene()->nodes()) {
      QGraphicsView* v = w.view();
      const QRect node = v->mapFromScene(n->sceneBoundingRect())
                             .boundingRect()
                             .translated(v->viewport()->mapTo(&w, QPoint(0, 0))) &
                         QRect(v->viewport()->mapTo(&w, QPoint(0, 0)), v->viewport()->size());
      QVERIFY2(node.isEmpty() || !bubble.intersects(node),
               qPrintable("the callout covers the node " + n->stepId()));
    }
    const QRect frame = overlay->highlightRect();
    if (4 * frame.width() * frame.height() < w.width() * w.height())
      QVERIFY2(!bubble.intersects(frame), "the callout covers the framed widget");
    for (QWidget* p = overlay->target(); p && p != &w; p = p->parentWidget())
      if (qobject_cast<QDockWidget*>(p) && p != overlay->target() &&
          4 * p->width() * p->height() < w.width() * w.height())
        QVERIFY2(
            !bubble.intersects(QRect(p->mapTo(&w, QPoint(0, 0)), p->size())),
            qPrintable("the callout covers the dock of the framed widget, " + p->objectName()));
  }

  // Issue 18 item 1: the target is scrolled into view (a form row below the fold is brought up,
  // not framed where it would be) and the frame is around it: all of it, or as much as its scroll
  // area can show.
  void targetOnScreenAndFramed(const QString& name) {
    QWidget* target = overlay->target();
    QVERIFY(target);
    // The part of the target on screen, and the height its innermost scroll area can show.
    int room = std::numeric_limits<int>::max();
    const auto shown = [&] {
      QRect r(target->mapTo(&w, QPoint(0, 0)), target->size());
      for (QWidget* p = target->parentWidget(); p && p != &w; p = p->parentWidget()) {
        r &= QRect(p->mapTo(&w, QPoint(0, 0)), p->size());
        if (auto* area = qobject_cast<QAbstractScrollArea*>(p->parentWidget());
            area && p == area->viewport())
          room = std::min(room, p->height());
      }
      return r;
    };
    // Framed: the frame is the on-screen part of the target, 4 px out.
    QTRY_COMPARE(overlay->highlightRect(), shown().adjusted(-4, -4, 4, 4));
    const QRect full(target->mapTo(&w, QPoint(0, 0)), target->size());
    const QRect on = shown();
    QString clipped_by;  // the ancestors that hide part of it, for the message
    for (QWidget* p = target->parentWidget(); p && p != &w; p = p->parentWidget())
      if (!QRect(p->mapTo(&w, QPoint(0, 0)), p->size()).contains(full))
        clipped_by += QLatin1Char(' ') + QString::fromLatin1(p->metaObject()->className()) +
                      QLatin1Char('#') + p->objectName();
    QVERIFY2(on == full || on.height() >= std::min(full.height(), room) - 1,
             qPrintable(QStringLiteral("%1 is scrolled out of view: %2 px of %3 shown (by%4)")
                            .arg(name)
                            .arg(on.height())
                            .arg(full.height())
                            .arg(clipped_by)));
  }

  // A reading step: met at once; the bubble's Next moves on without a completion signal.
  void read(int k) {
    at(k);
    if (QTest::currentTestFailed()) return;
    QVERIFY(c->currentStepMet());
    QSignalSpy completed(c, &TutorialController::stepCompleted);
    QVERIFY(overlay->nextButton()->isEnabled());
    overlay->nextButton()->click();
    QCOMPARE(completed.size(), 0);
  }

  // A task step: not met before; met only after the last action; then the tutorial moves on.
  void complete(int k, const Actions& actions, int timeout_ms = 60000) {
    at(k);
    if (QTest::currentTestFailed()) return;
    QVERIFY2(!c->currentStepMet(),
             qPrintable(QStringLiteral("step %1 is met before anything was done").arg(k + 1)));
    QVERIFY(!overlay->nextButton()->isEnabled());
    QSignalSpy completed(c, &TutorialController::stepCompleted);
    for (int i = 0; i < actions.size(); ++i) {
      actions[i]();
      if (QTest::currentTestFailed()) return;
      if (i + 1 < actions.size()) {
        QVERIFY2(completed.isEmpty(),
                 qPrintable(QStringLiteral("step %1 fired after action %2 of %3")
                                .arg(k + 1)
                                .arg(i + 1)
                                .arg(actions.size())));
        QCOMPARE(c->currentStep(), k);
      }
    }
    QTRY_COMPARE_WITH_TIMEOUT(completed.size(), 1, timeout_ms);
    QCOMPARE(completed.at(0).at(1).toInt(), k);
    QVERIFY(c->currentStep() == k + 1 || c->currentStep() == -1);
  }

  // Runs through the Run action on the current target (waits in the step's QTRY).
  std::function<void()> run() const {
    return [this] {
      QVERIFY(w.runAction()->isEnabled());
      w.runAction()->trigger();
    };
  }
  std::function<void()> type(const QString& param, const QString& text) const {
    return [this, param, text] { typeParam(w.properties(), param, text); };
  }
  std::function<void()> add(const QString& agent, const QString& task) const {
    return [this, agent, task] { QVERIFY(!addFromPalette(w, agent, task).isEmpty()); };
  }
};

// Output `name` of step `id` in the target's last run, as JSON (null when absent).
inline nlohmann::json lastOutput(const ExecutionTarget* t, const QString& id, const char* name) {
  const auto r = t->lastResult();
  const auto* s = r ? r->step(id.toStdString()) : nullptr;
  if (!s || !s->outputs.count(name)) return nullptr;
  return sciagents::core::toJson(s->outputs.at(name));
}

// A fresh profile: no settings from an earlier test function.
inline void clearSettings() { QSettings().clear(); }

}  // namespace studio_test
