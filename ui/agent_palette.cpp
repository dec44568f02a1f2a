#include "ui/agent_palette.h"

#include "core/agent/agent_registry.h"
#include "ui/palette_model.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <functional>

namespace sciagents::ui {

AgentPalette::AgentPalette(const core::AgentRegistry& registry, QWidget* parent)
    : QWidget(parent),
      m_model(new PaletteModel(registry, this)),
      m_filter(new QSortFilterProxyModel(this)),
      m_view(new QTreeView(this)),
      m_search(new QLineEdit(this)) {
  m_filter->setSourceModel(m_model);
  m_filter->setRecursiveFilteringEnabled(true);
  m_filter->setAutoAcceptChildRows(true);
  m_filter->setFilterRole(PaletteModel::FilterRole);
  m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
  m_search->setPlaceholderText(tr("Search agents and tasks"));
  m_search->setClearButtonEnabled(true);
  m_view->setModel(m_filter);
  m_view->setHeaderHidden(true);
  m_view->setDragEnabled(true);
  m_view->setDragDropMode(QAbstractItemView::DragOnly);
  m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_view->expandAll();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(m_search);
  layout->addWidget(m_view);
  connect(m_search, &QLineEdit::textChanged, this, &AgentPalette::setFilterText);
  m_search->installEventFilter(this);
  m_search->setToolTip(tr(
      "Filter by family, agent, task or summary. Down: into the list; Enter: add the first match"));
  connect(m_view, &QTreeView::activated, this, [this](const QModelIndex& i) {
    const QString task = i.data(PaletteModel::TaskRole).toString();
    if (!task.isEmpty()) emit taskActivated(i.data(PaletteModel::AgentRole).toString(), task);
  });
}

void AgentPalette::setFilterText(const QString& text) {
  if (m_search->text() != text) m_search->setText(text);
  m_filter->setFilterFixedString(text);
  m_view->expandAll();
}

QModelIndex AgentPalette::firstTask() const {
  // Depth first, in display order.
  std::function<QModelIndex(const QModelIndex&)> first =
      [&](const QModelIndex& parent) -> QModelIndex {
    for (int r = 0; r < m_filter->rowCount(parent); ++r) {
      const QModelIndex i = m_filter->index(r, 0, parent);
      if (!i.data(PaletteModel::TaskRole).toString().isEmpty()) return i;
      if (const QModelIndex c = first(i); c.isValid()) return c;
    }
    return {};
  };
  return first({});
}

void AgentPalette::focusSearch() {
  m_search->setFocus(Qt::ShortcutFocusReason);
  m_search->selectAll();
}

bool AgentPalette::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_search && event->type() == QEvent::KeyPress) {
    const int key = static_cast<QKeyEvent*>(event)->key();
    const QModelIndex task = firstTask();
    if (key == Qt::Key_Down && task.isValid()) {
      m_view->setFocus(Qt::TabFocusReason);
      m_view->setCurrentIndex(task);
      return true;
    }
    if ((key == Qt::Key_Return || key == Qt::Key_Enter) && task.isValid()) {
      m_view->setCurrentIndex(task);
      emit taskActivated(task.data(PaletteModel::AgentRole).toString(),
                         task.data(PaletteModel::TaskRole).toString());
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace sciagents::ui
