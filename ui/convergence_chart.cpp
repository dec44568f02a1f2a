#include "ui/convergence_chart.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>
#include "ui/theme.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace sciagents::ui {

namespace {
// Min/max decimation: split the points into budget/2 consecutive buckets (pixel columns for
// increasing x) and keep, per bucket, the lowest and the highest point in order. Peaks and the
// last point survive.
QList<QPointF> decimate(const QList<QPointF>& pts, int budget) {
  if (pts.size() <= budget) return pts;
  const qsizetype buckets = std::max(1, budget / 2 - 1);
  const qsizetype n = pts.size();
  QList<QPointF> out;
  out.reserve(budget + 2);
  for (qsizetype b = 0; b < buckets; ++b) {
    const qsizetype begin = n * b / buckets, end = n * (b + 1) / buckets;
    if (begin >= end) continue;
    qsizetype lo = begin, hi = begin;
    for (qsizetype j = begin + 1; j < end; ++j) {
      if (pts[j].y() < pts[lo].y()) lo = j;
      if (pts[j].y() > pts[hi].y()) hi = j;
    }
    if (lo == hi)
      out.push_back(pts[lo]);
    else if (lo < hi)
      out << pts[lo] << pts[hi];
    else
      out << pts[hi] << pts[lo];
  }
  if (out.back() != pts.back()) out.push_back(pts.back());
  return out;
}
}  // namespace

ConvergenceChart::ConvergenceChart(QWidget* parent)
    : QWidget(parent),
      m_chart(new QChart),
      m_x(new QValueAxis(this)),
      m_y_lin(new QValueAxis(this)),
      m_y_log(new QLogValueAxis(this)),
      m_log_box(new QCheckBox(tr("Log y"), this)),
      m_info(new QLabel(this)),
      m_timer(new QTimer(this)) {
  setObjectName(QStringLiteral("ConvergenceChart"));
  m_chart->setTitle(tr("Convergence"));
  m_chart->legend()->setAlignment(Qt::AlignRight);
  m_chart->setMargins(QMargins(4, 4, 4, 4));
  m_x->setTitleText(tr("iteration / samples"));
  m_x->setLabelFormat(QStringLiteral("%.3g"));
  m_chart->addAxis(m_x, Qt::AlignBottom);
  // Both y axes stay in the chart; the inactive one is hidden (swapping axes in and out of a
  // QChart leaves stale labels behind in Qt 6.4).
  m_y_lin->setLabelFormat(QStringLiteral("%.3g"));
  m_y_log->setLabelFormat(QStringLiteral("%.0e"));
  m_y_log->setBase(10);
  m_y_log->setRange(1e-3, 1);
  for (QAbstractAxis* a :
       {static_cast<QAbstractAxis*>(m_y_lin), static_cast<QAbstractAxis*>(m_y_log)}) {
    a->setTitleText(tr("value"));
    m_chart->addAxis(a, Qt::AlignLeft);
  }
  applyChartTheme(m_chart);
  m_view = new QChartView(m_chart, this);
  m_view->setRenderHint(QPainter::Antialiasing);
  attachYAxis();
  auto* clearButton = new QPushButton(tr("Clear"), this);
  auto* top = new QHBoxLayout;
  top->addWidget(m_log_box);
  top->addWidget(clearButton);
  top->addWidget(m_info, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(top);
  layout->addWidget(m_view, 1);
  m_log_box->setToolTip(tr("Logarithmic y axis (non-positive values are hidden)"));
  connect(m_log_box, &QCheckBox::toggled, this, &ConvergenceChart::setLogY);
  connect(clearButton, &QPushButton::clicked, this, &ConvergenceChart::clear);
  m_timer->setInterval(kFlushIntervalMs);
  connect(m_timer, &QTimer::timeout, this, &ConvergenceChart::flush);
  clear();
}

QLineSeries* ConvergenceChart::series(const QString& key) const {
  const auto it = m_tracks.constFind(key);
  return it == m_tracks.constEnd() ? nullptr : it->line;
}

const QList<QPointF>& ConvergenceChart::samples(const QString& key) const {
  static const QList<QPointF> none;
  const auto it = m_tracks.constFind(key);
  return it == m_tracks.constEnd() ? none : it->all;
}

void ConvergenceChart::addSamples(const MetricBatch& samples) {
  m_pending += samples;
  if (!m_timer->isActive()) m_timer->start();
}

void ConvergenceChart::addSample(const QString& step, const QString& series, double x, double y) {
  addSamples({MetricSample{step, series, x, y}});
}

void ConvergenceChart::clear() {
  m_pending.clear();
  m_timer->stop();
  m_chart->removeAllSeries();  // deletes the series
  m_tracks.clear();
  m_order.clear();
  m_x->setRange(0, 1);
  m_y_lin->setRange(0, 1);
  m_info->setText(tr("Metric samples of the running steps appear here."));
}

ConvergenceChart::Track& ConvergenceChart::track(const QString& key) {
  auto it = m_tracks.find(key);
  if (it != m_tracks.end()) return *it;
  Track t;
  t.line = new QLineSeries;
  t.line->setName(key);
  m_chart->addSeries(t.line);
  t.line->attachAxis(m_x);
  t.line->attachAxis(m_y);
  m_order << key;
  return *m_tracks.insert(key, t);
}

QList<QPointF> ConvergenceChart::displayPoints(const QList<QPointF>& all) const {
  if (!m_log_y) return decimate(all, m_budget);
  QList<QPointF> pos;
  pos.reserve(all.size());
  for (const QPointF& p : all)
    if (p.y() > 0 && std::isfinite(p.y())) pos.push_back(p);
  return decimate(pos, m_budget);
}

void ConvergenceChart::flush() {
  if (m_pending.isEmpty()) {
    m_timer->stop();
    return;
  }
  const MetricBatch batch = std::exchange(m_pending, {});
  QHash<QString, QList<QPointF>> fresh;
  QStringList keys;  // in order of arrival: series (and their colours) come in a stable order
  for (const MetricSample& s : batch) {
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) continue;
    const QString key = seriesKey(s.step, s.series);
    auto it = fresh.find(key);
    if (it == fresh.end()) {
      keys << key;
      it = fresh.insert(key, {});
    }
    it->push_back(QPointF(s.x, s.y));
  }
  for (const QString& key : keys) {
    const QList<QPointF>& added = fresh[key];
    Track& t = track(key);
    t.all += added;
    bool positive = true;
    for (const QPointF& p : added) {
      t.bounds.add(p);
      if (m_log_y) positive = positive && p.y() > 0;
    }
    // One replace per flush: QXYSeries::append(list) adds (and redraws) point by point in Qt 6.4.
    if (!t.decimated && positive && t.all.size() <= m_budget) {
      t.line->replace(t.all);
    } else {
      t.line->replace(displayPoints(t.all));
      t.decimated = true;
    }
  }
  rescale();
  qsizetype total = 0;
  for (const Track& t : m_tracks) total += t.all.size();
  m_info->setText(tr("%n sample(s)", nullptr, int(total)));
}

void ConvergenceChart::Bounds::add(const QPointF& p) {
  xmin = std::min(xmin, p.x());
  xmax = std::max(xmax, p.x());
  ymin = std::min(ymin, p.y());
  ymax = std::max(ymax, p.y());
  if (p.y() > 0) {
    xpos_min = std::min(xpos_min, p.x());
    xpos_max = std::max(xpos_max, p.x());
    ypos_min = std::min(ypos_min, p.y());
    ypos_max = std::max(ypos_max, p.y());
  }
}

void ConvergenceChart::redrawAll() {
  for (Track& t : m_tracks) {
    t.line->replace(displayPoints(t.all));
    t.decimated = true;
  }
  rescale();
}

void ConvergenceChart::rescale() {
  if (!m_scale_chosen && !m_tracks.isEmpty()) {
    // Until the user picks one: a log axis when every value is positive and they span more than
    // two decades (objectives, residuals, errors), else linear. A linear axis squeezes a
    // converging objective into a flat line at zero.
    bool positive = true;
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const Track& t : m_tracks) {
      positive = positive && t.bounds.ymin > 0;
      lo = std::min(lo, t.bounds.ypos_min);
      hi = std::max(hi, t.bounds.ypos_max);
    }
    const bool want = positive && hi > 100 * lo;
    if (want != m_log_y) return applyLogY(want);  // redraws, then rescales again
  }
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  for (const Track& t : m_tracks) {
    const Bounds& b = t.bounds;
    xmin = std::min(xmin, m_log_y ? b.xpos_min : b.xmin);
    xmax = std::max(xmax, m_log_y ? b.xpos_max : b.xmax);
    ymin = std::min(ymin, m_log_y ? b.ypos_min : b.ymin);
    ymax = std::max(ymax, m_log_y ? b.ypos_max : b.ymax);
  }
  if (!(xmin <= xmax)) return;
  if (xmax == xmin) xmax = xmin + 1;
  m_x->setRange(xmin, xmax);
  if (m_log_y) {
    if (ymax <= ymin) ymax = ymin * 10;
    // One label per power of the base: over many decades, label every k-th decade only.
    const double decades = std::log10(ymax / ymin) + 0.35;
    m_y_log->setBase(std::pow(10.0, std::max(1.0, std::ceil(decades / 8.0))));
    m_y->setRange(ymin / 1.5, ymax * 1.5);
  } else {
    const double pad = ymax > ymin ? 0.05 * (ymax - ymin) : std::max(1.0, std::abs(ymin) * 0.1);
    m_y->setRange(ymin - pad, ymax + pad);
  }
}

void ConvergenceChart::attachYAxis() {
  QAbstractAxis* next =
      m_log_y ? static_cast<QAbstractAxis*>(m_y_log) : static_cast<QAbstractAxis*>(m_y_lin);
  for (auto* s : m_chart->series()) {
    if (m_y) s->detachAxis(m_y);
    s->attachAxis(next);
  }
  m_y = next;
  m_y_lin->setVisible(!m_log_y);
  m_y_log->setVisible(m_log_y);
}

void ConvergenceChart::setLogY(bool on) {
  m_scale_chosen = true;
  applyLogY(on);
}

void ConvergenceChart::applyLogY(bool on) {
  if (on == m_log_y) return;
  m_log_y = on;
  {
    const QSignalBlocker block(m_log_box);
    m_log_box->setChecked(on);
  }
  attachYAxis();
  redrawAll();
}

}  // namespace sciagents::ui
