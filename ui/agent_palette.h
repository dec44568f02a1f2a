// The agent palette dock: a searchable tree of runnable tasks by family. Drag a task onto the
// canvas, or double-click / press Enter to add it next to the existing steps. In the search field,
// Down moves into the list and Enter adds the first task that matches.
#pragma once

#include <QModelIndex>
#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::ui {

class PaletteModel;

class AgentPalette final : public QWidget {
  Q_OBJECT
 public:
  // The tasks of `registry` (it outlives the palette).
  explicit AgentPalette(const core::AgentRegistry& registry, QWidget* parent = nullptr);

  PaletteModel* model() const { return m_model; }
  QSortFilterProxyModel* filterModel() const { return m_filter; }
  QTreeView* view() const { return m_view; }
  QLineEdit* searchField() const { return m_search; }
  void setFilterText(const QString& text);
  QModelIndex firstTask() const;  // the first visible task row of the filtered tree, or invalid
  void focusSearch();             // shows the search field with its text selected

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 signals:
  void taskActivated(const QString& agent, const QString& task);

 private:
  PaletteModel* m_model;
  QSortFilterProxyModel* m_filter;
  QTreeView* m_view;
  QLineEdit* m_search;
};

}  // namespace sciagents::ui
