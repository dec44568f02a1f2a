// The canvas view: Ctrl+wheel zooms around the cursor, middle-drag (or Space+drag) pans, rubber
// band selects, palette tasks can be dropped onto it.
#pragma once

#include <QGraphicsView>

namespace sciagents::ui {

class WorkflowScene;

class CanvasView final : public QGraphicsView {
  Q_OBJECT
 public:
  explicit CanvasView(WorkflowScene* scene, QWidget* parent = nullptr);

  double zoom() const { return transform().m11(); }
  void zoomBy(double factor);
  void fitAll();

 signals:
  void taskDropped(const QString& agent, const QString& task, QPointF scene_pos);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  bool m_panning = false;
  bool m_space = false;
  QPoint m_last;
};

}  // namespace sciagents::ui
