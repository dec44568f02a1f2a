#include "ui/pair_plot.h"

#include "ui/qt_convert.h"
#include "ui/theme.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sciagents::ui {

namespace {

constexpr int kPairGap = 6;     // between panels
constexpr int kPairRight = 14;  // right of the grid
constexpr int kPairTick = 3;    // tick mark length

// Ticks at 1, 2 or 5 × 10^k inside [lo, hi], about `want` of them.
std::vector<double> pairTicks(double lo, double hi, int want) {
  std::vector<double> out;
  const double span = hi - lo;
  if (!(span > 0) || !std::isfinite(span)) return out;
  const double raw = span / std::max(1, want);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  for (double k = std::ceil(lo / step); k * step <= hi; k += 1) {
    const double t = k * step;
    out.push_back(std::abs(t) < 1e-9 * step ? 0.0 : t);
  }
  return out;
}

// Pixel position of value v in [r.lo, r.hi] along [a, b] (b may be less than a: y grows down).
double pairPixel(double v, double lo, double hi, double a, double b) {
  return a + (v - lo) / (hi - lo) * (b - a);
}

QColor pairColour() { return isDarkPalette() ? QColor(110, 180, 240) : QColor(32, 119, 180); }

}  // namespace

PairPlot::PairPlot(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("PairPlot"));
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::Base);
}

void PairPlot::clearSamples() {
  m_samples.resize(0, 0);
  m_names.clear();
  m_title.clear();
  m_note.clear();
  m_hist.clear();
  m_range.clear();
  update();
}

bool PairPlot::setSamples(const QString& title, const core::Matrix& samples,
                          const QStringList& names) {
  clearSamples();
  if (samples.rows() < 1 || samples.cols() < 2) return false;
  m_samples = samples;
  m_title = title;
  const int d = static_cast<int>(std::min<Eigen::Index>(samples.cols(), kMaxColumns));
  if (samples.cols() > kMaxColumns)
    m_note = tr("the first %1 of %2 columns").arg(kMaxColumns).arg(samples.cols());
  const Eigen::Index n = samples.rows();
  // Square-root rule, 5 to 40 bins.
  const auto bins =
      static_cast<std::size_t>(std::clamp(std::lround(std::sqrt(static_cast<double>(n))), 5L, 40L));
  for (int j = 0; j < d; ++j) {
    m_names << (j < names.size() && !names[j].isEmpty() ? names[j]
                                                        : QStringLiteral("x%1").arg(j + 1));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (Eigen::Index r = 0; r < n; ++r)
      if (const double v = samples(r, j); std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    Histogram h;
    h.counts.assign(bins, 0);
    if (lo <= hi) {
      h.lo = lo;
      h.hi = hi;
      const double width = hi > lo ? (hi - lo) / static_cast<double>(bins) : 1.0;
      for (Eigen::Index r = 0; r < n; ++r)
        if (const double v = samples(r, j); std::isfinite(v)) {
          const auto b = static_cast<std::size_t>((v - lo) / width);
          ++h.counts[std::min(b, bins - 1)];
        }
    } else {
      lo = hi = 0;  // no finite value
    }
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(0.5, 0.1 * std::abs(lo));
    m_range.push_back({lo - pad, hi + pad});
    m_hist.push_back(std::move(h));
  }
  update();
  return true;
}

QList<QPointF> PairPlot::scatter(int i, int j) const {
  QList<QPointF> out;
  if (i < 0 || j < 0 || i >= dimension() || j >= dimension()) return out;
  out.reserve(static_cast<qsizetype>(m_samples.rows()));
  for (Eigen::Index r = 0; r < m_samples.rows(); ++r)
    out << QPointF(m_samples(r, j), m_samples(r, i));
  return out;
}

double PairPlot::correlation(int i, int j) const {
  if (i < 0 || j < 0 || i >= dimension() || j >= dimension())
    return std::numeric_limits<double>::quiet_NaN();
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  Eigen::Index m = 0;
  for (Eigen::Index r = 0; r < m_samples.rows(); ++r) {
    const double x = m_samples(r, j), y = m_samples(r, i);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    ++m;
    sx += x;
    sy += y;
  }
  if (m < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mx = sx / static_cast<double>(m), my = sy / static_cast<double>(m);
  for (Eigen::Index r = 0; r < m_samples.rows(); ++r) {
    const double x = m_samples(r, j), y = m_samples(r, i);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    sxx += (x - mx) * (x - mx);
    syy += (y - my) * (y - my);
    sxy += (x - mx) * (y - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : std::numeric_limits<double>::quiet_NaN();
}

int PairPlot::tickLabelWidth() const {
  const QFontMetrics fm(font());
  int w = fm.horizontalAdvance(QStringLiteral("0.00"));
  for (int i = 1; i < dimension(); ++i)
    for (double t : pairTicks(m_range[std::size_t(i)].lo, m_range[std::size_t(i)].hi, 4))
      w = std::max(w, fm.horizontalAdvance(numberForTick(t)));
  return w;
}

QRect PairPlot::gridRect() const {
  const QFontMetrics fm(font());
  const int top = fm.height() + 10 + (m_note.isEmpty() ? 0 : fm.height() + 2);
  const int left = fm.height() + 8 + tickLabelWidth() + kPairTick + 4;
  const int bottom = 2 * fm.height() + kPairTick + 10;
  return rect().adjusted(left, top, -kPairRight, -bottom);
}

QRect PairPlot::panelRect(int i, int j) const {
  const int d = dimension();
  if (d == 0) return {};
  const QRect g = gridRect();
  const int w = (g.width() - (d - 1) * kPairGap) / d;
  const int h = (g.height() - (d - 1) * kPairGap) / d;
  return QRect(g.left() + j * (w + kPairGap), g.top() + i * (h + kPairGap), std::max(w, 1),
               std::max(h, 1));
}

void PairPlot::drawTicks(QPainter& p, int column, bool x_axis, const QRect& panel,
                         int& last_end) const {
  const QFontMetrics fm(font());
  const Range r = m_range[static_cast<std::size_t>(column)];
  const int length = x_axis ? panel.width() : panel.height();
  // A label needs about its width (x) or two line heights (y) to itself.
  const int room = x_axis ? fm.horizontalAdvance(QStringLiteral("-0.000")) + 8 : 2 * fm.height();
  auto ticks = pairTicks(r.lo, r.hi, std::clamp(length / room, 2, 5));
  if (!x_axis) std::reverse(ticks.begin(), ticks.end());  // top to bottom
  // Labels are drawn in reading order (left to right, top to bottom) along the whole row or
  // column; one that would touch the previous one, in this panel or the one before, is left out.
  for (double t : ticks) {
    const QString label = numberForTick(t);
    if (x_axis) {
      const int x =
          static_cast<int>(std::lround(pairPixel(t, r.lo, r.hi, panel.left(), panel.right())));
      p.drawLine(x, panel.bottom(), x, panel.bottom() + kPairTick);
      const int w = fm.horizontalAdvance(label);
      const int left = x - w / 2;
      if (left < last_end + 6 || left + w > width() - 2) continue;
      p.drawText(left, panel.bottom() + kPairTick + 2 + fm.ascent(), label);
      last_end = left + w;
    } else {
      const int y =
          static_cast<int>(std::lround(pairPixel(t, r.lo, r.hi, panel.bottom(), panel.top())));
      p.drawLine(panel.left() - kPairTick, y, panel.left(), y);
      const int top = y - fm.height() / 2;
      if (top < last_end + 1) continue;
      p.drawText(QRect(panel.left() - kPairTick - 4 - tickLabelWidth(), top, tickLabelWidth(),
                       fm.height()),
                 Qt::AlignRight | Qt::AlignVCenter, label);
      last_end = top + fm.height();
    }
  }
}

void PairPlot::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QColor fg = palette().color(QPalette::Text);
  QColor grid_pen = fg;
  grid_pen.setAlphaF(0.45);
  p.setPen(fg);
  const int d = dimension();
  if (d == 0) {
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               tr("Select a sample matrix (samples, design, MCMC draws) to see its pair plot."));
    return;
  }
  const QFontMetrics fm(font());
  QFont title_font = font();
  title_font.setBold(true);
  p.setFont(title_font);
  p.drawText(QRect(0, 4, width(), fm.height() + 2), Qt::AlignCenter,
             QFontMetrics(title_font).elidedText(m_title, Qt::ElideRight, width() - 8));
  p.setFont(font());
  if (!m_note.isEmpty()) {
    QColor note = fg;
    note.setAlphaF(0.7);
    p.setPen(note);
    const QString text =
        tr("Showing %1 (a pair plot shows at most %2); the Table tab has them all.")
            .arg(m_note)
            .arg(kMaxColumns);
    p.drawText(QRect(0, 6 + fm.height(), width(), fm.height() + 2), Qt::AlignCenter,
               fm.horizontalAdvance(text) <= width() - 8
                   ? text
                   : fm.elidedText(tr("Showing %1").arg(m_note), Qt::ElideRight, width() - 8));
    p.setPen(fg);
  }
  const QColor colour = pairColour();
  const Eigen::Index n = m_samples.rows();
  int last_x = std::numeric_limits<int>::min();  // right end of the last x tick label drawn
  int last_y = std::numeric_limits<int>::min();  // bottom of the last y tick label drawn
  const Eigen::Index stride = std::max<Eigen::Index>(1, (n + kMaxPoints - 1) / kMaxPoints);
  const Eigen::Index drawn = (n + stride - 1) / stride;
  // Many points overlap: fainter and smaller as there are more, so dense regions read darker.
  QColor dot = colour;
  dot.setAlphaF(std::clamp(std::sqrt(150.0 / static_cast<double>(drawn)), 0.15, 0.9));
  const double radius = drawn > 1000 ? 1.0 : drawn > 200 ? 1.6 : 2.2;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      const QRect panel = panelRect(i, j);
      const Range rx = m_range[std::size_t(j)], ry = m_range[std::size_t(i)];
      if (j > i) {  // above the diagonal: the correlation of the pair below
        const double rho = correlation(j, i);
        if (!std::isfinite(rho)) continue;
        QColor c = fg;
        c.setAlphaF(0.35 + 0.65 * std::abs(rho));
        p.setPen(c);
        const QString value = QString::number(rho, 'f', 2);
        const QString text = QStringLiteral("ρ = ") + value;
        p.drawText(panel, Qt::AlignCenter,
                   fm.horizontalAdvance(text) <= panel.width() ? text : value);
        p.setPen(fg);
        continue;
      }
      p.setPen(grid_pen);
      p.drawRect(panel.adjusted(0, 0, -1, -1));
      p.save();
      p.setClipRect(panel);
      if (i == j) {  // the histogram, bars scaled to the largest count
        const Histogram& h = m_hist[std::size_t(i)];
        const auto most = *std::max_element(h.counts.begin(), h.counts.end());
        if (most > 0) {
          const double bw = h.hi > h.lo ? (h.hi - h.lo) / static_cast<double>(h.counts.size()) : 0;
          QColor fill = colour;
          fill.setAlphaF(0.55);
          p.setPen(QPen(colour, 1));
          p.setBrush(fill);
          for (std::size_t b = 0; b < h.counts.size(); ++b) {
            const double a =
                bw > 0 ? h.lo + bw * static_cast<double>(b) : h.lo - 0.5 * (rx.hi - rx.lo) / 20;
            const double e = bw > 0 ? a + bw : h.lo + 0.5 * (rx.hi - rx.lo) / 20;
            const double x0 = pairPixel(a, rx.lo, rx.hi, panel.left(), panel.right());
            const double x1 = pairPixel(e, rx.lo, rx.hi, panel.left(), panel.right());
            const double top = panel.bottom() - 0.9 * (panel.height() - 2) *
                                                    static_cast<double>(h.counts[b]) /
                                                    static_cast<double>(most);
            p.drawRect(QRectF(x0, top, x1 - x0, panel.bottom() - top));
          }
        }
      } else {  // column j (x) against column i (y)
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(dot);
        for (Eigen::Index r = 0; r < n; r += stride) {
          const double x = m_samples(r, j), y = m_samples(r, i);
          if (!std::isfinite(x) || !std::isfinite(y)) continue;
          p.drawEllipse(QPointF(pairPixel(x, rx.lo, rx.hi, panel.left(), panel.right()),
                                pairPixel(y, ry.lo, ry.hi, panel.bottom(), panel.top())),
                        radius, radius);
        }
        p.setRenderHint(QPainter::Antialiasing, false);
      }
      p.restore();
      p.setPen(fg);
      p.setBrush(Qt::NoBrush);
      if (i == d - 1) {  // the bottom row: x ticks and the column's name
        drawTicks(p, j, true, panel, last_x);
        p.drawText(QRect(panel.left() - kPairGap / 2, panel.bottom() + kPairTick + 4 + fm.height(),
                         panel.width() + kPairGap, fm.height() + 2),
                   Qt::AlignCenter,
                   fm.elidedText(m_names[j], Qt::ElideRight, panel.width() + kPairGap));
      }
      if (j == 0 && i > 0) {  // the left column: y ticks and the row's name
        drawTicks(p, i, false, panel, last_y);
        p.save();
        p.translate(4, panel.center().y());
        p.rotate(-90);
        p.drawText(QRect(-panel.height() / 2, 0, panel.height(), fm.height() + 2), Qt::AlignCenter,
                   fm.elidedText(m_names[i], Qt::ElideRight, panel.height()));
        p.restore();
      }
    }
}

}  // namespace sciagents::ui
