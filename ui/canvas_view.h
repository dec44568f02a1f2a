// The canvas view: Ctrl+wheel zooms around the cursor, middle-drag (or Space+drag) pans, rubber
// band selects, palette tasks can be dropped onto it. Keyboard: Tab/Shift+Tab select the next or
// previous step, arrow keys move the selection (Shift: further), Enter asks for the property form,
// Escape clears the selection. An empty canvas says how to start ("Drag a task here…").
#pragma once

#include <QGraphicsView>

class QLabel;

namespace sciagents::ui {

class WorkflowScene;

class CanvasView final : public QGraphicsView {
  Q_OBJECT
 public:
  explicit CanvasView(WorkflowScene* scene, QWidget* parent = nullptr);

  double zoom() const { return transform().m11(); }
  void zoomBy(double factor);
  void fitAll();
  QLabel* emptyHint() const { return m_hint; }  // shown while the document has no steps

  static constexpr double kNudge = 10.0;       // arrow key step, scene units
  static constexpr double kNudgeLarge = 50.0;  // with Shift

 signals:
  void taskDropped(const QString& agent, const QString& task, QPointF scene_pos);
  void editRequested(const QString& step);  // Enter on a selected step: focus its property form

 protected:
  bool event(QEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void scrollContentsBy(int dx, int dy) override;

 private:
  void updateHint();

  QLabel* m_hint;
  bool m_panning = false;
  bool m_space = false;
  QPoint m_last;
};

}  // namespace sciagents::ui
