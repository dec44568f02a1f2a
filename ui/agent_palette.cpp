#include "ui/agent_palette.h"

#include "core/agent/agent_registry.h"
#include "ui/palette_model.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace sciagents::ui {

AgentPalette::AgentPalette(QWidget* parent)
    : QWidget(parent),
      m_model(new PaletteModel(core::AgentRegistry::builtin(), this)),
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

}  // namespace sciagents::ui
