#include "ui/tutorial/examples_gallery.h"

#include "ui/tutorial/example_card_delegate.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHash>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace sciagents::ui {

namespace {
using Role = ExampleCardDelegate::Role;

bool isCard(const QListWidgetItem* item) {
  return item && !item->data(Role::PathRole).toString().isEmpty();
}

QString searchText(const ExampleEntry& e) {
  return QStringList{e.name, e.description, e.agents.join(QLatin1Char(' ')), e.file, e.category}
      .join(QLatin1Char('\n'));
}

constexpr int kSearchTextRole = Role::CountRole + 1;
}  // namespace

ExamplesGallery::ExamplesGallery(const QList<ExampleEntry>& examples, QWidget* parent)
    : QDialog(parent),
      m_search(new QLineEdit(this)),
      m_cards(new QListWidget(this)),
      m_categories(new QListWidget(this)),
      m_hint(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Close, this)) {
  setObjectName(QStringLiteral("ExamplesGallery"));
  setWindowTitle(tr("Examples gallery"));
  setAttribute(Qt::WA_DeleteOnClose);

  m_search->setObjectName(QStringLiteral("ExampleSearch"));
  m_search->setPlaceholderText(tr("Search examples: name, description or agent"));
  m_search->setClearButtonEnabled(true);
  m_search->installEventFilter(this);

  m_cards->setObjectName(QStringLiteral("ExampleCards"));
  m_cards->setViewMode(QListView::ListMode);
  m_cards->setFlow(QListView::LeftToRight);  // cards side by side, wrapping into rows
  m_cards->setWrapping(true);
  m_cards->setResizeMode(QListView::Adjust);
  m_cards->setMovement(QListView::Static);
  m_cards->setSpacing(6);
  m_cards->setUniformItemSizes(false);
  m_cards->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  m_cards->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);  // no relayout loop at the edge
  m_cards->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_cards->viewport()->setAttribute(Qt::WA_Hover);  // the card under the mouse is outlined
  m_cards->setItemDelegate(new ExampleCardDelegate(m_cards));
  m_cards->setFrameShape(QFrame::NoFrame);
  m_cards->viewport()->setBackgroundRole(QPalette::Window);

  m_categories->setObjectName(QStringLiteral("ExampleCategories"));
  m_categories->setSpacing(2);

  fill(examples);

  // The category list one level deeper than the cards: findChild<QListWidget*>() finds the cards.
  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(new QLabel(tr("Categories"), side));
  sideLayout->addWidget(m_categories, 1);
  m_categories->setMinimumWidth(m_categories->sizeHintForColumn(0) + 24);
  auto* splitter = new QSplitter(this);
  splitter->addWidget(side);
  splitter->addWidget(m_cards);
  splitter->setStretchFactor(1, 1);
  splitter->setChildrenCollapsible(false);
  splitter->setSizes({m_categories->minimumWidth() + 16, 800});

  m_hint->setObjectName(QStringLiteral("ExampleHint"));
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(m_hint, 1);
  bottom->addWidget(m_buttons);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_search);
  layout->addWidget(splitter, 1);
  layout->addLayout(bottom);

  // Two columns of cards at least (three over a 1920-wide window), never off the screen.
  QSize size(1040, 680);
  if (parent) size = size.expandedTo(parent->size() * 0.78).boundedTo(QSize(1440, 900));
  if (const QScreen* s = parent ? parent->screen() : screen())
    size = size.boundedTo(s->availableGeometry().size() * 0.95);
  resize(size);

  auto open = [this] {
    if (isVisible()) openCurrent();  // a double-click also "activates": open once
  };
  connect(m_cards, &QListWidget::itemActivated, this, open);
  connect(m_cards, &QListWidget::itemDoubleClicked, this, open);
  connect(m_buttons, &QDialogButtonBox::accepted, this, open);
  connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_cards, &QListWidget::currentItemChanged, this, &ExamplesGallery::skipHeader);
  connect(m_cards, &QListWidget::currentItemChanged, this, &ExamplesGallery::updateButtons);
  connect(m_search, &QLineEdit::textChanged, this, &ExamplesGallery::filter);
  connect(m_categories, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    showCategory(item->data(Role::CategoryRole).toString());
  });
  connect(m_categories, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
    showCategory(item->data(Role::CategoryRole).toString());
  });
  connect(m_cards->verticalScrollBar(), &QScrollBar::valueChanged, this,
          &ExamplesGallery::followScroll);

  for (int r = 0; r < m_cards->count(); ++r)
    if (isCard(m_cards->item(r))) {
      m_cards->setCurrentRow(r);
      break;
    }
  updateButtons();
  followScroll();
  m_search->setFocus();
}

void ExamplesGallery::fill(const QList<ExampleEntry>& examples) {
  QString category;
  QListWidgetItem* head = nullptr;
  for (const ExampleEntry& e : examples) {
    if (!head || e.category != category) {
      category = e.category;
      head = new QListWidgetItem(category, m_cards);
      head->setData(Role::CategoryRole, category);
      head->setFlags(Qt::ItemIsEnabled);  // not selectable, never "opened"
      auto* nav = new QListWidgetItem(category, m_categories);
      nav->setData(Role::CategoryRole, category);
    }
    auto* card = new QListWidgetItem(e.name, m_cards);
    card->setData(Role::PathRole, e.path);
    card->setData(Role::CategoryRole, e.category);
    card->setData(Role::TitleRole, e.title);
    card->setData(Role::DescriptionRole, e.description);
    card->setData(Role::AgentsRole, e.agents);
    if (e.tutorialNumber > 0) card->setData(Role::TagRole, tr("Tutorial %1").arg(e.tutorialNumber));
    card->setData(kSearchTextRole, searchText(e));
    card->setToolTip(e.file);
  }
  filter(QString());
}

QListWidgetItem* ExamplesGallery::header(const QString& category) const {
  for (int r = 0; r < m_cards->count(); ++r) {
    QListWidgetItem* item = m_cards->item(r);
    if (!isCard(item) && item->data(Role::CategoryRole).toString() == category) return item;
  }
  return nullptr;
}

void ExamplesGallery::filter(const QString& text) {
  const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
  QHash<QString, int> shown;
  for (int r = 0; r < m_cards->count(); ++r) {
    QListWidgetItem* item = m_cards->item(r);
    if (!isCard(item)) continue;
    const QString haystack = item->data(kSearchTextRole).toString();
    const bool match = std::all_of(words.begin(), words.end(), [&](const QString& w) {
      return haystack.contains(w, Qt::CaseInsensitive);
    });
    item->setHidden(!match);
    if (match) ++shown[item->data(Role::CategoryRole).toString()];
  }
  for (int r = 0; r < m_cards->count(); ++r) {
    QListWidgetItem* item = m_cards->item(r);
    if (isCard(item)) continue;
    const int n = shown.value(item->data(Role::CategoryRole).toString());
    item->setData(Role::CountRole, n);
    item->setHidden(n == 0);
  }
  for (int r = 0; r < m_categories->count(); ++r) {
    QListWidgetItem* nav = m_categories->item(r);
    const QString category = nav->data(Role::CategoryRole).toString();
    const int n = shown.value(category);
    nav->setText(QStringLiteral("%1  (%2)").arg(category).arg(n));
    nav->setFlags(n > 0 ? Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::NoItemFlags);
  }
  const int total = std::accumulate(shown.cbegin(), shown.cend(), 0);
  m_hint->setText(total > 0 ? tr("Double-click an example to open it.")
                            : tr("No example matches “%1”.").arg(text.trimmed()));
  if (QListWidgetItem* current = m_cards->currentItem(); current && current->isHidden())
    m_cards->setCurrentItem(nullptr);
  if (!m_cards->currentItem())
    for (int r = 0; r < m_cards->count(); ++r)
      if (isCard(m_cards->item(r)) && !m_cards->item(r)->isHidden()) {
        m_cards->setCurrentRow(r);
        break;
      }
  updateButtons();
}

void ExamplesGallery::showCategory(const QString& category) {
  QListWidgetItem* head = header(category);
  if (!head || head->isHidden()) return;
  for (int r = m_cards->row(head) + 1; r < m_cards->count(); ++r) {
    QListWidgetItem* item = m_cards->item(r);
    if (!isCard(item) || item->data(Role::CategoryRole).toString() != category) break;
    if (!item->isHidden()) {
      m_cards->setCurrentItem(item);
      break;
    }
  }
  m_cards->scrollToItem(head, QAbstractItemView::PositionAtTop);
  for (int r = 0; r < m_categories->count(); ++r)
    if (m_categories->item(r)->data(Role::CategoryRole).toString() == category)
      m_categories->setCurrentRow(r);
}

QString ExamplesGallery::categoryInView() const {
  // The last section whose header is above the first third of the view, else the first shown.
  QString category;
  const int line = m_cards->viewport()->height() / 3;
  for (int r = 0; r < m_cards->count(); ++r) {
    const QListWidgetItem* item = m_cards->item(r);
    if (isCard(item) || item->isHidden()) continue;
    if (!category.isEmpty() && m_cards->visualItemRect(item).top() > line) break;
    category = item->data(Role::CategoryRole).toString();
  }
  return category;
}

void ExamplesGallery::followScroll() {
  const QString category = categoryInView();
  for (int r = 0; r < m_categories->count(); ++r)
    if (m_categories->item(r)->data(Role::CategoryRole).toString() == category)
      m_categories->setCurrentRow(r);
}

bool ExamplesGallery::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_search && event->type() == QEvent::KeyPress &&
      static_cast<QKeyEvent*>(event)->key() == Qt::Key_Down) {
    m_cards->setFocus();
    return true;
  }
  return QDialog::eventFilter(watched, event);
}

void ExamplesGallery::skipHeader(QListWidgetItem* current, QListWidgetItem* previous) {
  if (!current || isCard(current)) return;
  const int from = m_cards->row(current);
  const int step = previous && m_cards->row(previous) > from ? -1 : 1;
  for (const int dir : {step, -step})
    for (int r = from + dir; r >= 0 && r < m_cards->count(); r += dir)
      if (isCard(m_cards->item(r)) && !m_cards->item(r)->isHidden()) {
        m_cards->setCurrentRow(r);
        return;
      }
}

void ExamplesGallery::openCurrent() {
  QListWidgetItem* item = m_cards->currentItem();
  if (!isCard(item) || item->isHidden()) return;
  const QString path = item->data(Role::PathRole).toString();
  accept();
  emit openRequested(path);
}

void ExamplesGallery::updateButtons() {
  QListWidgetItem* item = m_cards->currentItem();
  m_buttons->button(QDialogButtonBox::Open)->setEnabled(isCard(item) && !item->isHidden());
}

}  // namespace sciagents::ui
