// Paints the examples gallery's items as cards (bold name, the description wrapped to three lines
// and elided, a "Tutorial N" tag, the agents used) and its category headers as full-width section
// titles. Card widths follow the view's width: as many columns as fit, filling the row.
#pragma once

#include <QStyledItemDelegate>

class QListView;

namespace sciagents::ui {

class ExampleCardDelegate final : public QStyledItemDelegate {
  Q_OBJECT

 public:
  // The data an item carries (Qt::DisplayRole is the example's full name, Qt::ToolTipRole its
  // file name). A header has an empty PathRole.
  enum Role {
    PathRole = Qt::UserRole,  // the workflow file (absolute); empty for a category header
    CategoryRole,
    TitleRole,        // the card heading (the name without "Tutorial N: ")
    DescriptionRole,  // the workflow's description
    AgentsRole,       // QStringList
    TagRole,          // e.g. "Tutorial 1"; empty when none
    CountRole,        // a header's number of visible cards
  };

  explicit ExampleCardDelegate(QListView* view);

  static constexpr int kMinCardWidth = 300;

  void paint(QPainter* p, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

 private:
  void paintHeader(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const;
  void paintCard(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const;
  int cardWidth() const;
  int cardHeight(const QStyleOptionViewItem& option) const;

  QListView* m_view;
};

}  // namespace sciagents::ui
