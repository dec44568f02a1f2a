// Heat map of a 2-D grid field (core::GridField with two axes, last axis fastest): the values as
// a QImage in a viridis-like colour map, x to the right and y up, tick labels from the axes and a
// colour bar. Hovering shows the value under the cursor.
#pragma once

#include "core/value/value.h"

#include <QImage>
#include <QString>
#include <QWidget>

namespace sciagents::ui {

class HeatMap final : public QWidget {
  Q_OBJECT
 public:
  explicit HeatMap(QWidget* parent = nullptr);

  // False (and an empty map) unless `field` has exactly two axes with matching value count.
  bool setField(const core::GridField& field, const QString& title);
  void clearField();

  // One pixel per grid node: width = nodes along x, height = nodes along y (row 0 = largest y).
  const QImage& image() const { return m_image; }
  double minimum() const { return m_min; }
  double maximum() const { return m_max; }
  // The colour for `t` in [0, 1] (0 = low, 1 = high).
  static QColor colourAt(double t);
  // Where the image is drawn in widget coordinates (after the last paint/layout).
  QRect imageRect() const;
  QString readout() const { return m_readout; }

  QSize sizeHint() const override { return {520, 420}; }
  QSize minimumSizeHint() const override { return {260, 200}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  core::GridField m_field;
  QImage m_image;
  QString m_title;
  double m_min = 0;
  double m_max = 0;
  QString m_readout;
};

}  // namespace sciagents::ui
