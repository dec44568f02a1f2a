#include "ui/line_plot.h"

#include "ui/qt_convert.h"
#include "ui/theme.h"

#include <QAreaSeries>
#include <QChart>
#include <QGraphicsLineItem>
#include <QGraphicsSimpleTextItem>
#include <QKeyEvent>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sciagents::ui {

LinePlot::LinePlot(QWidget* parent)
    : QChartView(new QChart, parent),
      m_x_lin(new QValueAxis(this)),
      m_y_lin(new QValueAxis(this)),
      m_x_log(new QLogValueAxis(this)),
      m_y_log(new QLogValueAxis(this)) {
  applyChartTheme(chart());
  for (QValueAxis* a : {m_x_lin, m_y_lin}) a->setLabelFormat(QStringLiteral("%.4g"));
  for (QLogValueAxis* a : {m_x_log, m_y_log}) {
    a->setLabelFormat(QStringLiteral("%.0e"));
    a->setBase(10);
  }
  chart()->addAxis(m_x_lin, Qt::AlignBottom);
  chart()->addAxis(m_x_log, Qt::AlignBottom);
  chart()->addAxis(m_y_lin, Qt::AlignLeft);
  chart()->addAxis(m_y_log, Qt::AlignLeft);
  setObjectName(QStringLiteral("LinePlot"));
  setRenderHint(QPainter::Antialiasing);
  setRubberBand(QChartView::RectangleRubberBand);
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  // Beside the plot, not under it: the Results dock is short, and a legend below took the height
  // the axes needed for their numbers (issue 18: the ticks were elided to "…").
  chart()->legend()->setAlignment(Qt::AlignRight);
  chart()->setMargins(QMargins(4, 4, 8, 4));
  QPen guide(QColor(120, 120, 120), 0, Qt::DashLine);
  m_hline = new QGraphicsLineItem(chart());
  m_vline = new QGraphicsLineItem(chart());
  m_hline->setPen(guide);
  m_vline->setPen(guide);
  m_label = new QGraphicsSimpleTextItem(chart());
  for (QGraphicsItem* i : std::initializer_list<QGraphicsItem*>{m_hline, m_vline, m_label}) {
    i->setZValue(20);
    i->hide();
  }
  setToolTip(
      tr("Drag: zoom to rectangle · right/middle drag or arrows: pan · wheel: zoom · "
         "double-click or Home: reset"));
  clearPlot();
}

void LinePlot::clearPlot() { setCurves(QString(), QString(), QString(), {}); }

void LinePlot::setCurves(const QString& title, const QString& x_label, const QString& y_label,
                         const QList<Curve>& curves) {
  m_curves = curves;
  m_x_label = x_label;
  m_y_label = y_label;
  chart()->setTitle(title);
  rebuild();
}

QList<QLineSeries*> LinePlot::lineSeries() const {
  QList<QLineSeries*> out;
  for (auto* s : chart()->series())
    if (auto* l = qobject_cast<QLineSeries*>(s)) out << l;
  return out;
}

void LinePlot::rebuild() {
  chart()->removeAllSeries();
  m_x = m_log_x ? static_cast<QAbstractAxis*>(m_x_log) : m_x_lin;
  m_y = m_log_y ? static_cast<QAbstractAxis*>(m_y_log) : m_y_lin;
  m_x_lin->setVisible(!m_log_x);
  m_x_log->setVisible(m_log_x);
  m_y_lin->setVisible(!m_log_y);
  m_y_log->setVisible(m_log_y);
  m_x->setTitleText(m_x_label);
  m_y->setTitleText(m_y_label);
  const double inf = std::numeric_limits<double>::infinity();
  double x0 = inf, x1 = -inf, y0 = inf, y1 = -inf;
  const auto usable = [&](const QList<QPointF>& in) {  // finite, on the axes, and in the range
    QList<QPointF> pts;
    pts.reserve(in.size());
    for (const QPointF& p : in) {
      if (!std::isfinite(p.x()) || !std::isfinite(p.y())) continue;
      if ((m_log_x && p.x() <= 0) || (m_log_y && p.y() <= 0)) continue;
      pts << p;
      x0 = std::min(x0, p.x());
      x1 = std::max(x1, p.x());
      y0 = std::min(y0, p.y());
      y1 = std::max(y1, p.y());
    }
    return pts;
  };
  for (const Curve& c : m_curves) {
    QAbstractSeries* added = nullptr;
    if (c.style == Style::Band) {
      auto* upper = new QLineSeries;
      auto* lower = new QLineSeries;
      upper->replace(usable(c.points));
      lower->replace(usable(c.lower));
      auto* area = new QAreaSeries(upper, lower);
      upper->setParent(area);
      lower->setParent(area);
      QColor fill = palette().color(QPalette::Highlight);
      fill.setAlpha(60);
      area->setBrush(fill);
      area->setPen(Qt::NoPen);
      added = area;
    } else if (c.style == Style::Points) {
      auto* points = new QScatterSeries;
      points->setMarkerSize(7);
      points->replace(usable(c.points));
      added = points;
    } else {
      auto* line = new QLineSeries;
      line->replace(usable(c.points));
      added = line;
    }
    added->setName(c.name);
    chart()->addSeries(added);
    added->attachAxis(m_x);
    added->attachAxis(m_y);
  }
  chart()->legend()->setVisible(m_curves.size() > 1);  // one curve: the y axis title names it
  if (x0 > x1) {
    x0 = m_log_x ? 1 : 0;
    x1 = m_log_x ? 10 : 1;
    y0 = x0;
    y1 = x1;
  }
  if (x1 == x0) x1 = x0 + (m_log_x ? x0 : 1.0);
  // Markers at the ends of the range are drawn whole.
  const bool markers = std::any_of(m_curves.begin(), m_curves.end(),
                                   [](const Curve& c) { return c.style == Style::Points; });
  if (markers && !m_log_x) {
    const double pad = 0.04 * (x1 - x0);
    x0 -= pad;
    x1 += pad;
  }
  if (m_log_y) {
    if (y1 <= y0) y1 = y0 * 10;
    y0 /= 1.2;
    y1 *= 1.2;
  } else {
    const double pad = y1 > y0 ? 0.05 * (y1 - y0) : std::max(0.5, std::abs(y0) * 0.1);
    y0 -= pad;
    y1 += pad;
  }
  // Log axes label one power of the base each: over many decades, every k-th decade only.
  if (m_log_x)
    m_x_log->setBase(std::pow(10.0, std::max(1.0, std::ceil((std::log10(x1 / x0) + 0.35) / 8.0))));
  if (m_log_y)
    m_y_log->setBase(std::pow(10.0, std::max(1.0, std::ceil((std::log10(y1 / y0) + 0.35) / 8.0))));
  m_x->setRange(x0, x1);
  m_y->setRange(y0, y1);
  if (!m_log_y) m_y_lin->applyNiceNumbers();  // round tick labels (0.25, not 0.2302)
  m_hline->hide();
  m_vline->hide();
  m_label->hide();
  m_readout.clear();
}

void LinePlot::setLogX(bool on) {
  if (on == m_log_x) return;
  m_log_x = on;
  rebuild();
}

void LinePlot::setLogY(bool on) {
  if (on == m_log_y) return;
  m_log_y = on;
  rebuild();
}

void LinePlot::resetZoom() { rebuild(); }

QString LinePlot::crosshairAt(QPoint viewport_pos) {
  const QPointF scene = mapToScene(viewport_pos);
  const QPointF at = chart()->mapFromScene(scene);
  double best = std::numeric_limits<double>::infinity();
  QPointF best_value, best_pos;
  QString best_name;
  for (QAbstractSeries* series : chart()->series()) {
    auto* s = qobject_cast<QXYSeries*>(series);  // lines and markers (a band has no points)
    if (!s) continue;
    const QList<QPointF> pts = s->points();
    for (const QPointF& p : pts) {
      const QPointF pos = chart()->mapToPosition(p, s);
      const double d = std::hypot(pos.x() - at.x(), pos.y() - at.y());
      if (d < best) {
        best = d;
        best_value = p;
        best_pos = pos;
        best_name = s->name();
      }
    }
  }
  if (!std::isfinite(best)) {
    m_readout.clear();
    return m_readout;
  }
  const QRectF area = chart()->plotArea();
  m_hline->setLine(area.left(), best_pos.y(), area.right(), best_pos.y());
  m_vline->setLine(best_pos.x(), area.top(), best_pos.x(), area.bottom());
  m_readout = (best_name.isEmpty() ? QString() : best_name + QStringLiteral(": ")) +
              QStringLiteral("(%1, %2)")
                  .arg(numberForTable(best_value.x()), numberForTable(best_value.y()));
  m_label->setText(m_readout);
  QPointF lp = best_pos + QPointF(8, -20);
  if (lp.x() + m_label->boundingRect().width() > area.right())
    lp.setX(best_pos.x() - 8 - m_label->boundingRect().width());
  if (lp.y() < area.top()) lp.setY(best_pos.y() + 6);
  m_label->setPos(lp);
  const bool inside = area.contains(best_pos);
  m_hline->setVisible(inside);
  m_vline->setVisible(inside);
  m_label->setVisible(inside);
  emit readoutChanged(m_readout);
  return m_readout;
}

void LinePlot::mouseMoveEvent(QMouseEvent* event) {
  if (m_panning) {
    const QPoint d = event->position().toPoint() - m_last_pan;
    m_last_pan = event->position().toPoint();
    chart()->scroll(-d.x(), d.y());
    event->accept();
    return;
  }
  crosshairAt(event->position().toPoint());
  QChartView::mouseMoveEvent(event);
}

void LinePlot::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
    m_panning = true;
    m_last_pan = event->position().toPoint();
    setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QChartView::mousePressEvent(event);
}

void LinePlot::mouseReleaseEvent(QMouseEvent* event) {
  if (m_panning && (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton)) {
    m_panning = false;
    unsetCursor();
    event->accept();
    return;
  }
  QChartView::mouseReleaseEvent(event);
}

void LinePlot::mouseDoubleClickEvent(QMouseEvent* event) {
  resetZoom();
  event->accept();
}

void LinePlot::wheelEvent(QWheelEvent* event) {
  chart()->zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8);
  event->accept();
}

void LinePlot::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Left:
      chart()->scroll(-20, 0);
      break;
    case Qt::Key_Right:
      chart()->scroll(20, 0);
      break;
    case Qt::Key_Up:
      chart()->scroll(0, 20);
      break;
    case Qt::Key_Down:
      chart()->scroll(0, -20);
      break;
    case Qt::Key_Plus:
      chart()->zoom(1.25);
      break;
    case Qt::Key_Minus:
      chart()->zoom(0.8);
      break;
    case Qt::Key_Home:
      resetZoom();
      break;
    default:
      QChartView::keyPressEvent(event);
      return;
  }
  event->accept();
}

void LinePlot::leaveEvent(QEvent* event) {
  m_hline->hide();
  m_vline->hide();
  m_label->hide();
  QChartView::leaveEvent(event);
}

}  // namespace sciagents::ui
