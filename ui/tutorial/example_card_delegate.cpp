#include "ui/tutorial/example_card_delegate.h"

#include <QListView>
#include <QPainter>
#include <QTextLayout>

#include <algorithm>

namespace sciagents::ui {

namespace {
constexpr int kPad = 12;       // inside a card
constexpr int kGap = 6;        // between a card's lines of different kinds
constexpr int kDescLines = 3;  // description lines shown before eliding
constexpr int kHeaderHeight = 40;

QFont titleFont(const QFont& base) {
  QFont f = base;
  f.setBold(true);
  f.setPointSizeF(base.pointSizeF() * 1.08);
  return f;
}

QFont smallFont(const QFont& base) {
  QFont f = base;
  f.setPointSizeF(base.pointSizeF() * 0.9);
  return f;
}

// Draws `text` wrapped into `rect` on at most `maxLines` lines, eliding the last one.
void drawWrapped(QPainter* p, const QRectF& rect, const QString& text, const QFont& font,
                 int maxLines) {
  const QFontMetricsF fm(font);
  QTextLayout layout(text, font);
  layout.beginLayout();
  qreal y = rect.top();
  for (int n = 0; n < maxLines; ++n) {
    QTextLine line = layout.createLine();
    if (!line.isValid()) break;
    line.setLineWidth(rect.width());
    const bool last = n == maxLines - 1 && line.textStart() + line.textLength() < text.size();
    if (last) {
      const QString rest = text.mid(line.textStart()).simplified();
      p->setFont(font);
      p->drawText(QPointF(rect.left(), y + fm.ascent()),
                  fm.elidedText(rest, Qt::ElideRight, rect.width()));
    } else {
      line.draw(p, QPointF(rect.left(), y));
    }
    y += fm.lineSpacing();
  }
  layout.endLayout();
}
}  // namespace

ExampleCardDelegate::ExampleCardDelegate(QListView* view)
    : QStyledItemDelegate(view), m_view(view) {}

int ExampleCardDelegate::cardWidth() const {
  // A list view's item takes its width plus the spacing on both sides; the row wraps when the
  // next item would reach the viewport's edge.
  const int pitch = 2 * m_view->spacing();
  const int avail = m_view->viewport()->width();
  const int cols = std::max(1, avail / (kMinCardWidth + pitch));
  return std::max(kMinCardWidth / 2, avail / cols - pitch - 1);
}

int ExampleCardDelegate::cardHeight(const QStyleOptionViewItem& option) const {
  const QFontMetrics title(titleFont(option.font));
  const QFontMetrics body(option.font);
  const QFontMetrics small(smallFont(option.font));
  return 2 * kPad + title.height() + kGap + kDescLines * body.lineSpacing() + kGap + small.height();
}

QSize ExampleCardDelegate::sizeHint(const QStyleOptionViewItem& option,
                                    const QModelIndex& index) const {
  if (index.data(PathRole).toString().isEmpty())  // a header: the whole row
    return {m_view->viewport()->width() - 2 * m_view->spacing() - 1, kHeaderHeight};
  return {cardWidth(), cardHeight(option)};
}

void ExampleCardDelegate::paint(QPainter* p, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const {
  p->save();
  p->setRenderHint(QPainter::Antialiasing);
  if (index.data(PathRole).toString().isEmpty())
    paintHeader(p, option, index);
  else
    paintCard(p, option, index);
  p->restore();
}

void ExampleCardDelegate::paintHeader(QPainter* p, const QStyleOptionViewItem& option,
                                      const QModelIndex& index) const {
  const QPalette& pal = option.palette;
  QFont f = option.font;
  f.setBold(true);
  f.setPointSizeF(option.font.pointSizeF() * 1.25);
  const QFontMetrics fm(f);
  const QRect r = option.rect;
  const int baseline = r.bottom() - 10;
  const QString name = index.data(Qt::DisplayRole).toString();
  p->setFont(f);
  p->setPen(pal.color(QPalette::Text));
  p->drawText(r.left() + 2, baseline, name);
  const int count = index.data(CountRole).toInt();
  p->setFont(option.font);
  p->setPen(pal.color(QPalette::PlaceholderText));
  p->drawText(r.left() + 2 + fm.horizontalAdvance(name) + 10, baseline,
              count == 1 ? tr("1 example") : tr("%1 examples").arg(count));
  p->setPen(QPen(pal.color(QPalette::Mid), 1));
  p->drawLine(r.left(), r.bottom() - 2, r.right(), r.bottom() - 2);
}

void ExampleCardDelegate::paintCard(QPainter* p, const QStyleOptionViewItem& option,
                                    const QModelIndex& index) const {
  const QPalette& pal = option.palette;
  const bool selected = option.state & QStyle::State_Selected;
  const bool hover = option.state & QStyle::State_MouseOver;
  const QRectF card = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5);
  QColor fill = pal.color(QPalette::Base);
  if (selected) {
    QColor h = pal.color(QPalette::Highlight);
    h.setAlphaF(0.14f);
    fill = h;
  }
  p->setBrush(pal.color(QPalette::Base));
  p->setPen(Qt::NoPen);
  p->drawRoundedRect(card, 6, 6);
  p->setBrush(fill);
  QColor border = pal.color(selected || hover ? QPalette::Highlight : QPalette::Mid);
  p->setPen(QPen(border, selected ? 2.0 : 1.0));
  p->drawRoundedRect(card, 6, 6);

  const QRect inner = option.rect.adjusted(kPad, kPad, -kPad, -kPad);
  const QFont tf = titleFont(option.font);
  const QFontMetrics tfm(tf);
  int titleRight = inner.right();
  const QString tag = index.data(TagRole).toString();
  if (!tag.isEmpty()) {
    const QFont sf = smallFont(option.font);
    const QFontMetrics sfm(sf);
    const int w = sfm.horizontalAdvance(tag) + 14;
    const QRect pill(inner.right() - w + 1, inner.top() + (tfm.height() - sfm.height() - 4) / 2, w,
                     sfm.height() + 4);
    QColor bg = pal.color(QPalette::Highlight);
    bg.setAlphaF(0.18f);
    p->setPen(Qt::NoPen);
    p->setBrush(bg);
    p->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
    p->setFont(sf);
    p->setPen(pal.color(QPalette::Text));
    p->drawText(pill, Qt::AlignCenter, tag);
    titleRight = pill.left() - 8;
  }
  p->setFont(tf);
  p->setPen(pal.color(QPalette::Text));
  const QRect titleRect(inner.left(), inner.top(), titleRight - inner.left(), tfm.height());
  p->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
              tfm.elidedText(index.data(TitleRole).toString(), Qt::ElideRight, titleRect.width()));

  const QFontMetrics bfm(option.font);
  const QRectF desc(inner.left(), titleRect.bottom() + 1 + kGap, inner.width(),
                    kDescLines * bfm.lineSpacing());
  p->setPen(pal.color(QPalette::Text));
  drawWrapped(p, desc, index.data(DescriptionRole).toString().simplified(), option.font,
              kDescLines);

  const QFont sf = smallFont(option.font);
  const QFontMetrics sfm(sf);
  const QStringList agents = index.data(AgentsRole).toStringList();
  p->setFont(sf);
  p->setPen(pal.color(QPalette::PlaceholderText));
  const QString line = tr("Agents: %1").arg(agents.join(QStringLiteral(" · ")));
  p->drawText(QPoint(inner.left(), inner.bottom() - sfm.descent()),
              sfm.elidedText(line, Qt::ElideRight, inner.width()));
}

}  // namespace sciagents::ui
