// A table editor for the uncertain inputs of the uq tasks (the `inputs` param: a list of
// {"name", "dist", parameters}): one row per input with its name, its distribution (a combo box)
// and its parameters as "a = -pi, b = pi" (each value a constant expression: numbers, pi, e,
// arithmetic). "+ Input" adds x<k> uniform on [0, 1]; choosing another distribution fills in
// that distribution's parameters (keeping those it shares). Every change that leaves all rows
// valid is reported once through edited() (the form makes it one undoable command); otherwise
// problem() names the row and what is wrong.
#pragma once

#include <nlohmann/json.hpp>

#include <QWidget>

#include <string>
#include <utility>
#include <vector>

class QTableWidget;
class QToolButton;

namespace sciagents::ui {

class DistributionTable final : public QWidget {
  Q_OBJECT
 public:
  explicit DistributionTable(QWidget* parent = nullptr);

  // Shows a list of inputs; null shows an empty table. Returns false (table emptied and
  // disabled) for anything else: links, text, a row that is not an object with name and dist.
  bool setValue(const nlohmann::json& value);
  // The rows as the task's JSON, or null with `problem` set when a row is incomplete.
  nlohmann::json value(QString* problem = nullptr) const;

  QTableWidget* table() const { return m_table; }
  QToolButton* addButton() const { return m_add; }
  QToolButton* removeButton() const { return m_remove; }
  void addInput();
  void removeInput();  // the current row, else the last one
  // Sets row `row`'s distribution as the combo box does (its default parameters filled in).
  void setDistribution(int row, const QString& dist);

  // The distributions and their parameters with the defaults a new row gets, in display order.
  static QStringList distributions();
  static QString defaultParameters(const QString& dist);

 signals:
  void edited(const nlohmann::json& value);
  void problem(const QString& message);  // "" when every row is valid again

 private:
  void addRow(const QString& name, const QString& dist,
              const std::vector<std::pair<std::string, double>>& params);
  void changed();
  void fitHeight();

  QTableWidget* m_table;
  QToolButton* m_add;
  QToolButton* m_remove;
  bool m_filling = false;  // setValue is filling the table: no edited()
};

}  // namespace sciagents::ui
