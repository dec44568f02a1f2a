#include "ui/heat_map.h"

#include "ui/qt_convert.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <cmath>

namespace sciagents::ui {

namespace {
// Viridis, sampled at 9 points (matplotlib's table), interpolated linearly.
constexpr std::array<std::array<int, 3>, 9> kViridis{{{68, 1, 84},
                                                      {71, 44, 122},
                                                      {59, 81, 139},
                                                      {44, 113, 142},
                                                      {33, 144, 141},
                                                      {39, 173, 129},
                                                      {92, 200, 99},
                                                      {170, 220, 50},
                                                      {253, 231, 37}}};

constexpr int kLeft = 70, kRight = 96, kTop = 30, kBottom = 52, kBarWidth = 16;

}  // namespace

HeatMap::HeatMap(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("HeatMap"));
  setMouseTracking(true);
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::Base);
}

QColor HeatMap::colourAt(double t) {
  if (!std::isfinite(t)) return QColor(128, 128, 128);
  t = std::clamp(t, 0.0, 1.0) * (kViridis.size() - 1);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), kViridis.size() - 2);
  const double f = t - static_cast<double>(i);
  auto mix = [&](int c) {
    return static_cast<int>(
        std::lround(kViridis[i][c] + f * (kViridis[i + 1][c] - kViridis[i][c])));
  };
  return QColor(mix(0), mix(1), mix(2));
}

void HeatMap::clearField() {
  m_field = {};
  m_image = QImage();
  m_title.clear();
  m_readout.clear();
  update();
}

bool HeatMap::setField(const core::GridField& field, const QString& title) {
  clearField();
  if (field.axes.size() != 2) return false;
  const auto nx = field.axes[0].size(), ny = field.axes[1].size();
  if (nx < 1 || ny < 1 || field.values.size() != nx * ny) return false;
  m_field = field;
  m_title = title;
  m_min = std::numeric_limits<double>::infinity();
  m_max = -m_min;
  for (Eigen::Index k = 0; k < field.values.size(); ++k)
    if (std::isfinite(field.values[k])) {
      m_min = std::min(m_min, field.values[k]);
      m_max = std::max(m_max, field.values[k]);
    }
  if (!(m_min <= m_max)) m_min = m_max = 0;
  const double span = m_max > m_min ? m_max - m_min : 1.0;
  m_image = QImage(static_cast<int>(nx), static_cast<int>(ny), QImage::Format_RGB32);
  for (Eigen::Index i = 0; i < nx; ++i)
    for (Eigen::Index j = 0; j < ny; ++j) {
      const double v = field.values[i * ny + j];  // last axis (y) fastest
      m_image.setPixel(static_cast<int>(i), static_cast<int>(ny - 1 - j),
                       colourAt((v - m_min) / span).rgb());
    }
  update();
  return true;
}

QRect HeatMap::imageRect() const {
  QRect area = rect().adjusted(kLeft, kTop, -kRight, -kBottom);
  if (m_image.isNull() || area.width() <= 0 || area.height() <= 0) return area;
  // Keep the grid's aspect ratio (physical extent of the axes).
  const auto& ax = m_field.axes[0];
  const auto& ay = m_field.axes[1];
  const double wx = ax.size() > 1 ? std::abs(ax[ax.size() - 1] - ax[0]) : 1.0;
  const double wy = ay.size() > 1 ? std::abs(ay[ay.size() - 1] - ay[0]) : 1.0;
  const double aspect = (wx > 0 && wy > 0) ? wx / wy : 1.0;
  int w = area.width(), h = static_cast<int>(w / aspect);
  if (h > area.height()) {
    h = area.height();
    w = static_cast<int>(h * aspect);
  }
  return QRect(area.left() + (area.width() - w) / 2, area.top() + (area.height() - h) / 2, w, h);
}

void HeatMap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QColor fg = palette().color(QPalette::Text);
  p.setPen(fg);
  if (m_image.isNull()) {
    p.drawText(rect(), Qt::AlignCenter, tr("Select a 2-D grid field output to see its heat map."));
    return;
  }
  const QRect img = imageRect();
  QFont title_font = font();
  title_font.setBold(true);
  p.setFont(title_font);
  p.drawText(QRect(0, 4, width(), kTop - 6), Qt::AlignCenter, m_title);
  p.setFont(font());
  p.drawImage(img, m_image);
  p.drawRect(img.adjusted(0, 0, -1, -1));
  const QFontMetrics fm(font());
  const auto& ax = m_field.axes[0];
  const auto& ay = m_field.axes[1];
  constexpr int kTicks = 5;
  for (int k = 0; k < kTicks; ++k) {
    const double f = double(k) / (kTicks - 1);
    // x ticks along the bottom
    const int x = img.left() + static_cast<int>(std::lround(f * (img.width() - 1)));
    const double xv = ax[0] + f * (ax[ax.size() - 1] - ax[0]);
    p.drawLine(x, img.bottom(), x, img.bottom() + 4);
    const QString xs = numberForTick(xv);
    p.drawText(x - fm.horizontalAdvance(xs) / 2, img.bottom() + 6 + fm.ascent(), xs);
    // y ticks along the left (y grows upwards)
    const int y = img.bottom() - static_cast<int>(std::lround(f * (img.height() - 1)));
    const double yv = ay[0] + f * (ay[ay.size() - 1] - ay[0]);
    p.drawLine(img.left() - 4, y, img.left(), y);
    const QString ys = numberForTick(yv);
    p.drawText(img.left() - 6 - fm.horizontalAdvance(ys), y + fm.ascent() / 2 - 1, ys);
  }
  const QString xname =
      m_field.axis_names.size() > 0 ? qstr(m_field.axis_names[0]) : QStringLiteral("x");
  const QString yname =
      m_field.axis_names.size() > 1 ? qstr(m_field.axis_names[1]) : QStringLiteral("y");
  p.drawText(QRect(img.left(), img.bottom() + 8 + fm.height(), img.width(), fm.height() + 4),
             Qt::AlignCenter, xname);
  p.save();
  p.translate(12, img.center().y());
  p.rotate(-90);
  p.drawText(QRect(-img.height() / 2, -fm.height() / 2, img.height(), fm.height() + 2),
             Qt::AlignCenter, yname);
  p.restore();
  // Colour bar with min, mid and max.
  const QRect bar(img.right() + 18, img.top(), kBarWidth, img.height());
  QLinearGradient g(bar.bottomLeft(), bar.topLeft());
  for (int k = 0; k <= 16; ++k) g.setColorAt(k / 16.0, colourAt(k / 16.0));
  p.fillRect(bar, g);
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  for (int k = 0; k < 3; ++k) {
    const double f = k / 2.0;
    const int y = bar.bottom() - static_cast<int>(std::lround(f * (bar.height() - 1)));
    p.drawLine(bar.right(), y, bar.right() + 4, y);
    double v = m_min + f * (m_max - m_min);
    if (std::abs(v) < 1e-9 * std::max(std::abs(m_min), std::abs(m_max))) v = 0;  // not 6.1e-16
    p.drawText(bar.right() + 6, y + fm.ascent() / 2 - 1, numberForTick(v));
  }
}

void HeatMap::mouseMoveEvent(QMouseEvent* event) {
  const QRect img = imageRect();
  const QPoint pos = event->position().toPoint();
  if (m_image.isNull() || !img.contains(pos)) {
    m_readout.clear();
    return;
  }
  const int i = std::clamp((pos.x() - img.left()) * m_image.width() / std::max(1, img.width()), 0,
                           m_image.width() - 1);
  const int row = std::clamp((pos.y() - img.top()) * m_image.height() / std::max(1, img.height()),
                             0, m_image.height() - 1);
  const int j = m_image.height() - 1 - row;
  const double v = m_field.values[Eigen::Index(i) * m_image.height() + j];
  m_readout = QStringLiteral("(%1, %2): %3")
                  .arg(numberForTable(m_field.axes[0][i]), numberForTable(m_field.axes[1][j]),
                       numberForTable(v));
  QToolTip::showText(event->globalPosition().toPoint(), m_readout, this);
}

}  // namespace sciagents::ui
