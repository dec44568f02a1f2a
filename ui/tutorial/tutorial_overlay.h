// The tutorial's on-screen part: a transparent layer over the main window that dims everything
// but the current step's widget (found by objectName: a widget, or an action's tool button) and
// frames it (scrolled into view first when it sits in a scroll area; only the part on screen is
// framed), plus a callout bubble next to it with the step's text, "Step k of n", whether the
// step is done, and Back / Show me / Skip / Next. Mouse input passes through the layer, so the
// highlighted widget is used as usual.
#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace sciagents::ui {

class MainWindow;
class TutorialController;

class TutorialOverlay final : public QWidget {
  Q_OBJECT
 public:
  TutorialOverlay(MainWindow* window, TutorialController* controller);

  QWidget* bubble() const { return m_bubble; }
  QWidget* target() const { return m_target; }
  QRect highlightRect() const { return m_rect; }  // in the main window's coordinates
  QLabel* progressLabel() const { return m_progress; }
  QLabel* textLabel() const { return m_text; }
  QPushButton* nextButton() const { return m_next; }
  QPushButton* backButton() const { return m_back; }
  QPushButton* skipButton() const { return m_skip; }
  QPushButton* showMeButton() const { return m_show_me; }

  // The widget an objectName stands for in `window` (a visible widget, else a visible widget of
  // an action with that name); nullptr when none is shown.
  static QWidget* findTarget(QWidget* window, const QString& name);

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void onStep(int index);
  void onCondition(bool met);
  void relayout();

  MainWindow* m_window;
  QPointer<TutorialController>
      m_controller;  // a sibling: may go first when the window is destroyed
  QWidget* m_bubble;
  QLabel* m_title;
  QLabel* m_text;
  QLabel* m_progress;
  QLabel* m_state;
  QPushButton* m_back;
  QPushButton* m_show_me;
  QPushButton* m_skip;
  QPushButton* m_next;
  QPointer<QWidget> m_target;
  QList<QMetaObject::Connection> m_scroll_connections;  // the target's scroll areas' scroll bars
  QRect m_rect;
  bool m_follow_target = false;  // keep the target scrolled into view (until the user scrolls)
  bool m_scrolling = false;      // the overlay itself is scrolling
};

}  // namespace sciagents::ui
