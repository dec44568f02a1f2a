// A small table editor for vector and matrix parameters: one cell per element (a vector is one
// column), buttons to add/remove rows and columns, and paste of tab-, comma-, semicolon- or
// space-separated text (from a spreadsheet or a text file) at the current cell, growing the table.
// Every change that leaves all cells numeric is reported once through edited() (the form turns it
// into one undoable command); a cell that is not a number is marked and problem() names it.
#pragma once

#include <nlohmann/json.hpp>

#include <QWidget>

class QTableWidget;
class QToolButton;

namespace sciagents::ui {

class MatrixEditor final : public QWidget {
  Q_OBJECT
 public:
  enum class Shape { Vector, Matrix };
  explicit MatrixEditor(Shape shape, QWidget* parent = nullptr);

  Shape shape() const { return m_shape; }
  // Shows a numeric vector ([1, 2]) or dense matrix ([[1, 2], [3, 4]]); null shows an empty table.
  // Returns false (and leaves the table empty and disabled) for anything a table cannot show:
  // links, sparse matrices, generators such as {"linspace": ...}.
  bool setValue(const nlohmann::json& value);
  // The table as JSON, or null with `problem` set when a cell is not a number. Vectors are flat
  // lists; a one-column matrix is written as a flat list too (the same matrix to the engine, and a
  // vector where a task accepts both, e.g. b of linear_algebra.solve) unless it was shown nested.
  nlohmann::json value(QString* problem = nullptr) const;
  QString problemText() const { return m_problem; }

  QTableWidget* table() const { return m_table; }
  QToolButton* addRowButton() const { return m_add_row; }
  QToolButton* removeRowButton() const { return m_remove_row; }
  QToolButton* addColumnButton() const { return m_add_col; }
  QToolButton* removeColumnButton() const { return m_remove_col; }

  void addRow();
  void removeRow();  // the current row, else the last one
  void addColumn();
  void removeColumn();  // the current column, else the last one
  // Pastes rows of separated numbers at the current cell (0, 0 when none); returns false when the
  // text has no cells.
  bool pasteText(const QString& text);

 signals:
  void edited(const nlohmann::json& value);  // a complete, numeric table after a user change
  void problem(const QString& message);      // "" when every cell is a number again

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void changed();  // after a user change: validate, then emit edited() or problem()
  void updateButtons();
  void fitHeight();

  Shape m_shape;
  bool m_flat = true;  // a one-column matrix is written as a flat list
  bool m_filling = false;
  QString m_problem;
  QTableWidget* m_table;
  QToolButton* m_add_row;
  QToolButton* m_remove_row;
  QToolButton* m_add_col;
  QToolButton* m_remove_col;
  QToolButton* m_paste;
};

}  // namespace sciagents::ui
