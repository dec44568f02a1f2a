// The agent palette dock: a searchable tree of runnable tasks by family. Drag a task onto the
// canvas, or double-click / press Enter to add it next to the existing steps.
#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace sciagents::ui {

class PaletteModel;

class AgentPalette final : public QWidget {
  Q_OBJECT
 public:
  explicit AgentPalette(QWidget* parent = nullptr);

  PaletteModel* model() const { return m_model; }
  QSortFilterProxyModel* filterModel() const { return m_filter; }
  QTreeView* view() const { return m_view; }
  QLineEdit* searchField() const { return m_search; }
  void setFilterText(const QString& text);

 signals:
  void taskActivated(const QString& agent, const QString& task);

 private:
  PaletteModel* m_model;
  QSortFilterProxyModel* m_filter;
  QTreeView* m_view;
  QLineEdit* m_search;
};

}  // namespace sciagents::ui
