// Result line plot (Qt Charts): time series (t vs each channel) and vectors (value vs index).
// Rubber-band zoom with the left button, pan by dragging with the right or middle button (or the
// arrow keys), wheel zooms, double-click or Home resets; log axes; legend; a crosshair shows the
// nearest data point under the cursor.
#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>
#include <QString>

#include <utility>

class QAbstractAxis;
class QGraphicsLineItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace sciagents::ui {

class LinePlot final : public QChartView {
  Q_OBJECT
 public:
  // How a curve is drawn: a line, markers only (samples, training points), or a band filled
  // between `lower` and `points` (a ±2σ interval).
  enum class Style { Line, Points, Band };
  struct Curve {
    Curve(QString n = {}, QList<QPointF> p = {}, Style s = Style::Line, QList<QPointF> l = {})
        : name(std::move(n)), points(std::move(p)), style(s), lower(std::move(l)) {}
    QString name;
    QList<QPointF> points;
    Style style = Style::Line;
    QList<QPointF> lower;  // Band: the lower edge, point for point with `points`
  };

  explicit LinePlot(QWidget* parent = nullptr);

  void setCurves(const QString& title, const QString& x_label, const QString& y_label,
                 const QList<Curve>& curves);
  void clearPlot();
  const QList<Curve>& curves() const { return m_curves; }
  QList<QLineSeries*> lineSeries() const;

  void setLogX(bool on);
  void setLogY(bool on);
  bool logX() const { return m_log_x; }
  bool logY() const { return m_log_y; }
  QAbstractAxis* xAxis() const { return m_x; }
  QAbstractAxis* yAxis() const { return m_y; }
  void resetZoom();

  // The crosshair read-out at a position in viewport coordinates: snaps to the nearest point
  // (in pixels) of any curve; returns "name: (x, y)" or "" when there is no data.
  QString crosshairAt(QPoint viewport_pos);
  QString readout() const { return m_readout; }

 signals:
  void readoutChanged(const QString& text);

 protected:
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void rebuild();

  QList<Curve> m_curves;
  QString m_x_label, m_y_label;
  // Linear and log axes all stay in the chart; the inactive ones are hidden (swapping axes in
  // and out of a QChart leaves stale labels behind in Qt 6.4).
  QAbstractAxis* m_x = nullptr;
  QAbstractAxis* m_y = nullptr;
  QValueAxis* m_x_lin;
  QValueAxis* m_y_lin;
  QLogValueAxis* m_x_log;
  QLogValueAxis* m_y_log;
  bool m_log_x = false;
  bool m_log_y = false;
  bool m_panning = false;
  QPoint m_last_pan;
  QGraphicsLineItem* m_hline = nullptr;
  QGraphicsLineItem* m_vline = nullptr;
  QGraphicsSimpleTextItem* m_label = nullptr;
  QString m_readout;
};

}  // namespace sciagents::ui
