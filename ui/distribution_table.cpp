#include "ui/distribution_table.h"

#include "core/expr/expression.h"
#include "ui/qt_convert.h"
#include "ui/table_editor_util.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QRegularExpression>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace sciagents::ui {

using nlohmann::json;

namespace {
enum DistColumn { kNameColumn, kDistColumn, kParamsColumn };

struct DistInfo {
  const char* name;
  const char* params;  // a new row's parameters
};
// The distributions of core/agents/uq/distributions.cpp with the fields it reads.
constexpr DistInfo kDists[] = {
    {"uniform", "a = 0, b = 1"},
    {"normal", "mu = 0, sigma = 1"},
    {"lognormal", "mu = 0, sigma = 1"},
    {"beta", "alpha = 2, beta = 2, a = 0, b = 1"},
    {"triangular", "a = 0, c = 0.5, b = 1"},
    {"truncnormal", "mu = 0, sigma = 1, a = -2, b = 2"},
};

// "a = -pi, b = pi" -> [(a, -3.14...), (b, 3.14...)]; an error message instead when a part is
// not "key = constant expression".
QString parseParams(const QString& text, std::vector<std::pair<std::string, double>>* out) {
  out->clear();
  static const QRegularExpression sep(QStringLiteral("[,;]"));
  for (const QString& part : text.split(sep, Qt::SkipEmptyParts)) {
    const QString p = part.trimmed();
    if (p.isEmpty()) continue;
    const int eq = p.indexOf(QLatin1Char('='));
    if (eq <= 0) return QObject::tr("'%1': write name = value").arg(p);
    const QString key = p.left(eq).trimmed(), expr = p.mid(eq + 1).trimmed();
    try {
      const double v = core::Expression(expr.toStdString(), {}).eval(nullptr);
      if (!std::isfinite(v)) return QObject::tr("%1 = %2 is not a finite number").arg(key, expr);
      out->emplace_back(key.toStdString(), v);
    } catch (const std::exception&) {
      return QObject::tr("%1 = '%2' is not a number").arg(key, expr);
    }
  }
  return {};
}

using Params = std::vector<std::pair<std::string, double>>;

// The parameters of an input (every numeric field but name and dist, in the object's order).
Params paramsOf(const json& input) {
  Params out;
  for (const auto& [k, v] : input.items())
    if (k != "name" && k != "dist" && v.is_number()) out.emplace_back(k, v.get<double>());
  return out;
}

// The parameters cell: "a = -3.14159265359, b = 3.14159265359" as shown, and the exact values
// behind it, used while the text is unchanged (what is shown has 12 digits; a value must not
// lose its last digits because another row was edited).
constexpr int kExactRole = Qt::UserRole, kShownRole = Qt::UserRole + 1;
QTableWidgetItem* paramsItem(const Params& values) {
  QStringList parts;
  json exact = json::array();
  for (const auto& [k, v] : values) {
    parts << QStringLiteral("%1 = %2").arg(qstr(k), numberForEditing(v));
    exact.push_back(json::array({json(k), json(v)}));
  }
  const QString shown = parts.join(QStringLiteral(", "));
  auto* item = new QTableWidgetItem(shown);
  item->setData(kExactRole, QString::fromStdString(exact.dump()));
  item->setData(kShownRole, shown);
  return item;
}

// A parameters cell's values: the exact ones while its text is as shown, else the text parsed.
QString cellParams(const QTableWidgetItem* item, Params* out) {
  if (item && item->text() == item->data(kShownRole).toString()) {
    out->clear();
    for (const auto& kv : json::parse(item->data(kExactRole).toString().toStdString()))
      out->emplace_back(kv[0].get<std::string>(), kv[1].get<double>());
    return {};
  }
  return parseParams(item ? item->text() : QString(), out);
}
}  // namespace

DistributionTable::DistributionTable(QWidget* parent)
    : QWidget(parent),
      m_table(new QTableWidget(0, 3, this)),
      m_add(tableToolButton(tr("+ Input"), tr("Add an input, uniform on [0, 1]"), this)),
      m_remove(tableToolButton(tr("− Input"), tr("Remove the current input"), this)) {
  m_table->setObjectName(QStringLiteral("DistributionTable"));
  m_table->setHorizontalHeaderLabels({tr("Name"), tr("Distribution"), tr("Parameters")});
  m_table->horizontalHeader()->setSectionResizeMode(kNameColumn, QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(kDistColumn, QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(kParamsColumn, QHeaderView::Stretch);
  m_table->verticalHeader()->hide();
  m_table->setTabKeyNavigation(false);  // Tab leaves the table, as in MatrixEditor
  m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
  m_table->setToolTip(
      tr("One uncertain input per row. Parameters: name = value, separated by commas; values may "
         "be expressions such as -pi or 2*pi"));
  m_add->setObjectName(QStringLiteral("AddInputButton"));
  m_remove->setObjectName(QStringLiteral("RemoveInputButton"));
  connect(m_table, &QTableWidget::itemChanged, this, [this] {
    if (!m_filling) changed();
  });
  connect(m_add, &QToolButton::clicked, this, &DistributionTable::addInput);
  connect(m_remove, &QToolButton::clicked, this, &DistributionTable::removeInput);
  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  buttons->addWidget(m_add);
  buttons->addWidget(m_remove);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(1);
  layout->addWidget(m_table);
  layout->addLayout(buttons);
  fitHeight();
}

QStringList DistributionTable::distributions() {
  QStringList out;
  for (const DistInfo& d : kDists) out << QString::fromLatin1(d.name);
  return out;
}

QString DistributionTable::defaultParameters(const QString& dist) {
  for (const DistInfo& d : kDists)
    if (dist == QLatin1String(d.name)) return QString::fromLatin1(d.params);
  return {};
}

void DistributionTable::addRow(const QString& name, const QString& dist, const Params& params) {
  const int r = m_table->rowCount();
  m_table->insertRow(r);
  m_table->setItem(r, kNameColumn, new QTableWidgetItem(name));
  m_table->setItem(r, kParamsColumn, paramsItem(params));
  auto* combo = new QComboBox(m_table);
  combo->addItems(distributions());
  if (combo->findText(dist) < 0) combo->addItem(dist);  // shown as given; the run names it
  combo->setCurrentText(dist);
  connect(combo, &QComboBox::activated, this, [this, combo](int) {
    for (int row = 0; row < m_table->rowCount(); ++row)
      if (m_table->cellWidget(row, kDistColumn) == combo)
        setDistribution(row, combo->currentText());
  });
  m_table->setCellWidget(r, kDistColumn, combo);
}

bool DistributionTable::setValue(const json& value) {
  // The form echoes every edit back: the rows stay (and a cell editor still open with them).
  if (isEnabled() && value.is_array() && m_table->rowCount() > 0 && this->value() == value)
    return true;
  m_filling = true;
  m_table->setRowCount(0);
  bool ok = value.is_null() || value.is_array();
  if (value.is_array())
    for (const auto& input : value)
      if (!input.is_object() || !input.contains("name") || !input["name"].is_string() ||
          !input.contains("dist") || !input["dist"].is_string())
        ok = false;
  if (ok && value.is_array())
    for (const auto& input : value)
      addRow(qstr(input["name"].get<std::string>()), qstr(input["dist"].get<std::string>()),
             paramsOf(input));
  setEnabled(ok);
  m_filling = false;
  fitHeight();
  return ok;
}

json DistributionTable::value(QString* problem) const {
  json out = json::array();
  for (int r = 0; r < m_table->rowCount(); ++r) {
    const QTableWidgetItem* name = m_table->item(r, kNameColumn);
    const auto* combo = qobject_cast<const QComboBox*>(m_table->cellWidget(r, kDistColumn));
    const QTableWidgetItem* params = m_table->item(r, kParamsColumn);
    const QString n = name ? name->text().trimmed() : QString();
    if (n.isEmpty()) {
      if (problem) *problem = tr("input %1: enter a name").arg(r + 1);
      return nullptr;
    }
    Params values;
    if (const QString e = cellParams(params, &values); !e.isEmpty()) {
      if (problem) *problem = tr("input %1 (%2): %3").arg(r + 1).arg(n, e);
      return nullptr;
    }
    json input = json::object();
    input["name"] = n.toStdString();
    input["dist"] = combo ? combo->currentText().toStdString() : std::string("uniform");
    for (const auto& [k, v] : values) input[k] = v;
    out.push_back(std::move(input));
  }
  if (problem) problem->clear();
  return out;
}

void DistributionTable::addInput() {
  QStringList names;
  for (int r = 0; r < m_table->rowCount(); ++r)
    if (const auto* item = m_table->item(r, kNameColumn)) names << item->text().trimmed();
  int k = m_table->rowCount() + 1;
  while (names.contains(QStringLiteral("x%1").arg(k))) ++k;
  m_filling = true;
  Params defaults;
  (void)parseParams(defaultParameters("uniform"), &defaults);
  addRow(QStringLiteral("x%1").arg(k), QStringLiteral("uniform"), defaults);
  m_filling = false;
  m_table->setCurrentCell(m_table->rowCount() - 1, kParamsColumn);
  changed();
}

void DistributionTable::removeInput() {
  if (m_table->rowCount() == 0) return;
  const int r = m_table->currentRow() >= 0 ? m_table->currentRow() : m_table->rowCount() - 1;
  m_table->removeRow(r);
  changed();
}

void DistributionTable::setDistribution(int row, const QString& dist) {
  if (row < 0 || row >= m_table->rowCount()) return;
  auto* combo = qobject_cast<QComboBox*>(m_table->cellWidget(row, kDistColumn));
  if (combo && combo->currentText() != dist) combo->setCurrentText(dist);
  // The new distribution's parameters, keeping the values of those the old one shared.
  Params old, fresh;
  (void)cellParams(m_table->item(row, kParamsColumn), &old);
  (void)parseParams(defaultParameters(dist), &fresh);
  for (auto& [k, v] : fresh)
    for (const auto& [ok, ov] : old)
      if (ok == k) v = ov;
  m_filling = true;
  m_table->setItem(row, kParamsColumn, paramsItem(fresh));
  m_filling = false;
  changed();
}

void DistributionTable::changed() {
  QString message;
  const json v = value(&message);
  emit problem(message);
  fitHeight();
  if (message.isEmpty()) emit edited(v);
}

void DistributionTable::fitHeight() { fitTableHeight(m_table); }

}  // namespace sciagents::ui
