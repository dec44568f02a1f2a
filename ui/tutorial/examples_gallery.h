// The examples gallery (Help ▸ Examples Gallery): the bundled examples as cards grouped under
// category headers, a category list on the left that jumps to a section, and a search box that
// filters the cards as you type (name, description, agents, file name); the category list follows
// the scrolling. Double-click, Enter or
// Open emits openRequested() with the file after closing the dialog; the caller opens it.
#pragma once

#include "ui/example_catalog.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;

namespace sciagents::ui {

class ExamplesGallery final : public QDialog {
  Q_OBJECT

 public:
  explicit ExamplesGallery(const QList<ExampleEntry>& examples, QWidget* parent = nullptr);

  QListWidget* cards() const { return m_cards; }            // objectName "ExampleCards"
  QListWidget* categories() const { return m_categories; }  // objectName "ExampleCategories"
  QLineEdit* search() const { return m_search; }            // objectName "ExampleSearch"

  // Shows only the cards matching every word of `text` (and the headers above them).
  void filter(const QString& text);
  // Selects the first visible card of `category` and scrolls its header to the top.
  void showCategory(const QString& category);
  // The category whose section is at the top of the card view (the one selected on the left).
  QString categoryInView() const;

 signals:
  void openRequested(const QString& path);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;  // Down in the search: to the cards

 private:
  void fill(const QList<ExampleEntry>& examples);
  void openCurrent();
  void updateButtons();
  void followScroll();  // selects categoryInView() in the category list
  // Keyboard moves step over the headers: onto the next card the way the move went.
  void skipHeader(QListWidgetItem* current, QListWidgetItem* previous);
  QListWidgetItem* header(const QString& category) const;

  QLineEdit* m_search;
  QListWidget* m_cards;
  QListWidget* m_categories;
  QLabel* m_hint;
  QDialogButtonBox* m_buttons;
};

}  // namespace sciagents::ui
