#include "ui/sensitivity_bars.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace sciagents::ui {

namespace {
const QColor kFirstColor(0x1f, 0x77, 0xb4);  // S1
const QColor kTotalColor(0xff, 0x7f, 0x0e);  // ST
constexpr int kPad = 8;

double lowest(const SensitivityBars::Bar& b) { return std::min({b.value, b.low, b.high}); }
double highest(const SensitivityBars::Bar& b) { return std::max({b.value, b.low, b.high}); }

// A round step (1, 2, 2.5 or 5 × 10^k) giving about five intervals over `span`.
double niceStep(double span) {
  const double raw = span / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

// Decimals that show every multiple of `step` exactly (0.25 needs 2, 0.2 needs 1, 5 needs 0).
int decimalsFor(double step) {
  for (int d = 0; d < 12; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-9 * scaled) return d;
  }
  return 12;
}
}  // namespace

SensitivityBars::SensitivityBars(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("SensitivityBars"));
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::Base);
}

void SensitivityBars::setIndices(const QString& title, const QList<Input>& inputs) {
  m_title = title;
  m_inputs = inputs;
  update();
}

void SensitivityBars::clear() { setIndices(QString(), {}); }

double SensitivityBars::yMin() const {
  double lo = 0;
  for (const Input& in : m_inputs) lo = std::min({lo, lowest(in.first), lowest(in.total)});
  return lo;
}

double SensitivityBars::yMax() const {
  double hi = 0.1;
  for (const Input& in : m_inputs) hi = std::max({hi, highest(in.first), highest(in.total)});
  return hi;
}

QList<double> SensitivityBars::ticks() const {
  const double lo = yMin(), hi = yMax();
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  const double step = niceStep(hi - lo);
  QList<double> out;
  // Multiples k · step (not a running sum), so 0 is exactly 0 and never "-1.4e-17"; the first at
  // or below the lowest whisker, the last at or above the highest.
  const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto last = std::max(first + 1, static_cast<long long>(std::ceil(hi / step - 1e-9)));
  for (long long k = first; k <= last; ++k) out << static_cast<double>(k) * step;
  return out;
}

QStringList SensitivityBars::tickLabels() const {
  const QList<double> t = ticks();
  const int decimals = t.size() > 1 ? decimalsFor(t[1] - t[0]) : 1;
  QStringList labels;
  for (double v : t) labels << QString::number(v, 'f', decimals);
  return labels;
}

QRectF SensitivityBars::plotArea() const {
  const QFontMetrics fm(font());
  int label_width = 0;
  for (const QString& s : tickLabels())
    label_width = std::max(label_width, fm.horizontalAdvance(s));
  const double top = kPad + 2.0 * fm.height() + kPad;  // title, legend
  const double bottom = kPad + fm.height() + kPad;     // input names
  return QRectF(QPointF(kPad + label_width + kPad, top),
                QPointF(width() - kPad, height() - bottom));
}

QRectF SensitivityBars::categoryRect(int i) const {
  const QRectF area = plotArea();
  if (m_inputs.isEmpty() || i < 0 || i >= m_inputs.size()) return {};
  const double w = area.width() / m_inputs.size();
  return QRectF(area.left() + i * w, area.top(), w, area.height());
}

void SensitivityBars::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics fm(font());
  const QColor text = palette().color(QPalette::Text);
  const QColor grid = palette().color(QPalette::Mid);
  if (m_inputs.isEmpty()) return;
  const QRectF area = plotArea();
  const QList<double> t = ticks();
  if (t.size() < 2 || area.height() <= 0 || area.width() <= 0) return;
  const double lo = t.front(), hi = t.back();
  const auto y = [&](double v) { return area.bottom() - (v - lo) / (hi - lo) * area.height(); };

  // Title and legend.
  p.setPen(text);
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.drawText(QRectF(kPad, kPad, width() - 2 * kPad, fm.height()), Qt::AlignHCenter,
             fm.elidedText(m_title, Qt::ElideMiddle, width() - 2 * kPad));
  p.setFont(font());
  double lx = area.left();
  const double ly = kPad + fm.height() + 2;
  for (const auto& [color, label] :
       {std::pair{kFirstColor, tr("S1 (first order)")}, std::pair{kTotalColor, tr("ST (total)")}}) {
    p.fillRect(QRectF(lx, ly + 2, fm.height() - 4, fm.height() - 4), color);
    lx += fm.height();
    p.drawText(QPointF(lx, ly + fm.ascent()), label);
    lx += fm.horizontalAdvance(label) + 2 * kPad;
  }

  // Y axis: grid lines and labels.
  const QStringList labels = tickLabels();
  for (int k = 0; k < t.size(); ++k) {
    const double yy = y(t[k]);
    p.setPen(QPen(t[k] == 0 ? text : grid, t[k] == 0 ? 1.2 : 0.6));
    p.drawLine(QPointF(area.left(), yy), QPointF(area.right(), yy));
    p.setPen(text);
    p.drawText(QRectF(kPad, yy - fm.height() / 2.0, area.left() - 2 * kPad, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, labels[k]);
  }

  // Bars with whiskers, input names under them.
  for (int i = 0; i < m_inputs.size(); ++i) {
    const QRectF cat = categoryRect(i);
    const double bw = cat.width() * 0.3;
    const double x0 = cat.center().x() - bw;
    const Input& in = m_inputs[i];
    int k = 0;
    for (const auto& [bar, color] :
         {std::pair{in.first, kFirstColor}, std::pair{in.total, kTotalColor}}) {
      const double left = x0 + k++ * bw;
      const double y0 = y(std::max(lo, 0.0)), y1 = y(bar.value);
      p.fillRect(
          QRectF(QPointF(left + 1, std::min(y0, y1)), QPointF(left + bw - 1, std::max(y0, y1))),
          color);
      if (bar.low != bar.high) {
        const double cx = left + bw / 2, cap = bw / 4;
        p.setPen(QPen(text, 1.2));
        p.drawLine(QPointF(cx, y(bar.low)), QPointF(cx, y(bar.high)));
        p.drawLine(QPointF(cx - cap, y(bar.low)), QPointF(cx + cap, y(bar.low)));
        p.drawLine(QPointF(cx - cap, y(bar.high)), QPointF(cx + cap, y(bar.high)));
      }
    }
    p.setPen(text);
    p.drawText(QRectF(cat.left(), area.bottom() + kPad / 2.0, cat.width(), fm.height()),
               Qt::AlignHCenter | Qt::AlignTop,
               fm.elidedText(in.name, Qt::ElideMiddle, static_cast<int>(cat.width()) - 2));
  }
}

}  // namespace sciagents::ui
