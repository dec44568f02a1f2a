// Driving Studio only as a user can: QTest mouse and key events on widgets that are on screen
// (shown, enabled, not scrolled away, not under the tutorial's callout), menus opened from the
// menu bar, and modal message boxes answered with their buttons. Widgets are found by objectName
// or visible text; nothing here calls a slot or a setter to change the application's state.
#pragma once

#include <QAbstractItemModel>
#include <QApplication>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QtTest/QtTest>

namespace studio_test {

// The part of `w` on screen, in its window's coordinates (clipped by every ancestor, e.g. the
// viewport of a scroll area).
inline QRect onScreenRect(const QWidget* w) {
  const QWidget* top = w->window();
  QRect r(w->mapTo(top, QPoint(0, 0)), w->size());
  for (const QWidget* p = w; p != top; p = p->parentWidget()) {
    const QWidget* parent = p->parentWidget();
    r &= QRect(parent->mapTo(top, QPoint(0, 0)), parent->size());
  }
  return r;
}

// Why a user could not click `w` at `pos` ("" when they can). The tutorial's callout
// ("TutorialBubble") covers what lies under it, except its own buttons.
inline QString whyNotClickable(const QWidget* w, QPoint pos) {
  const QString name =
      QString::fromLatin1(w->metaObject()->className()) + QLatin1Char('#') + w->objectName();
  if (!w->isVisible()) return name + QStringLiteral(" is not shown");
  if (!w->isEnabled()) return name + QStringLiteral(" is disabled");
  const QWidget* top = w->window();
  const QPoint at = w->mapTo(top, pos);
  if (!onScreenRect(w).contains(at)) return name + QStringLiteral(" is scrolled or clipped away");
  for (const QWidget* bubble : top->findChildren<QWidget*>(QStringLiteral("TutorialBubble")))
    if (bubble->isVisible() && !bubble->isAncestorOf(w) &&
        QRect(bubble->mapTo(top, QPoint(0, 0)), bubble->size()).contains(at))
      return name + QStringLiteral(" is under the tutorial's callout");
  return {};
}

inline void click(QWidget* w, QPoint pos = {}) {
  QVERIFY(w);
  if (pos.isNull()) pos = w->rect().center();
  const QString why = whyNotClickable(w, pos);
  QVERIFY2(why.isEmpty(), qPrintable(why));
  QTest::mouseMove(w, pos);
  QTest::mouseClick(w, Qt::LeftButton, Qt::NoModifier, pos);
}

// The visible button of `parent` labelled `text` (mnemonic '&' ignored), or nullptr.
inline QPushButton* buttonLabelled(const QWidget* parent, const QString& text) {
  for (QPushButton* b : parent->findChildren<QPushButton*>())
    if (b->isVisible() && b->text().remove(QLatin1Char('&')) == text) return b;
  return nullptr;
}

// Clicks into a line edit, selects what it holds (Ctrl+A), types `text` over it and presses
// Return.
inline void typeOver(QLineEdit* le, const QString& text) {
  click(le);
  if (QTest::currentTestFailed()) return;
  QTest::keySequence(le, QKeySequence::SelectAll);
  QTest::keyClicks(le, text);
  QTest::keyClick(le, Qt::Key_Return);
}

// Opens menu `menu` of the menu bar with a click and clicks its item `item` (labels without
// '&').
inline void chooseMenu(QWidget* window, const QString& menu, const QString& item) {
  auto* bar = window->findChild<QMenuBar*>();
  QVERIFY(bar);
  QAction* top = nullptr;
  for (QAction* a : bar->actions())
    if (a->text().remove(QLatin1Char('&')) == menu) top = a;
  QVERIFY2(top, qPrintable("no menu " + menu));
  click(bar, bar->actionGeometry(top).center());
  if (QTest::currentTestFailed()) return;
  QTRY_VERIFY(top->menu()->isVisible());
  QMenu* m = top->menu();
  QAction* entry = nullptr;
  for (QAction* a : m->actions())
    if (a->text().remove(QLatin1Char('&')) == item) entry = a;
  QVERIFY2(entry, qPrintable("no item " + item + " in " + menu));
  click(m, m->actionGeometry(entry).center());
}

// Answers the next modal message box with its `which` button, clicked, once it is shown: set up
// before the click that opens it (QMessageBox::warning does not return until answered).
inline void answerNextMessageBox(QMessageBox::StandardButton which, bool* answered) {
  auto* poll = new QTimer(qApp);
  QObject::connect(poll, &QTimer::timeout, poll, [poll, which, answered] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box || !box->isVisible() || !box->button(which)) return;
    poll->stop();
    poll->deleteLater();
    *answered = true;
    click(box->button(which));
  });
  poll->start(50);
}

// The row of `model` (searched depth first) whose `role` data equals `value`.
inline QModelIndex findRow(const QAbstractItemModel* model, int role, const QVariant& value,
                           const QModelIndex& parent = {}) {
  for (int r = 0; r < model->rowCount(parent); ++r) {
    const QModelIndex i = model->index(r, 0, parent);
    if (i.data(role) == value) return i;
    if (const QModelIndex c = findRow(model, role, value, i); c.isValid()) return c;
  }
  return {};
}

}  // namespace studio_test
