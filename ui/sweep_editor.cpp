#include "ui/sweep_editor.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/sweep_json.h"
#include "ui/qt_convert.h"
#include "ui/theme.h"
#include "ui/workflow_document.h"
#include "ui/workflow_edit_command.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <cstdint>
#include <exception>

namespace sciagents::ui {

namespace {

using json = nlohmann::json;

// The number of values of one axis as core reads them; 0 when they are not valid.
std::size_t valueCount(const QString& text) {
  json values;
  if (!SweepEditor::parseValues(text, &values).isEmpty()) return 0;
  try {
    return core::sweepFromJson({{"param", "x"}, {"values", values}}).pointCount();
  } catch (const std::exception&) {
    return 0;
  }
}

// Values as the editor shows them: JSON text, a range's whole numbers without ".0"
// ({"linspace":[0.5,2,4]}, as typed, rather than the stored 2.0).
QString valuesText(const json& values) {
  json shown = values;
  if (shown.is_object() && shown.size() == 1 && shown.begin()->is_array())
    for (auto& x : *shown.begin())
      if (x.is_number_float() && std::abs(x.get<double>()) < 1e15 &&
          x.get<double>() == std::floor(x.get<double>()))
        x = static_cast<std::int64_t>(x.get<double>());
  return jsonText(shown);
}

}  // namespace

SweepEditor::SweepEditor(WorkflowDocument* doc, QWidget* parent)
    : QGroupBox(tr("Sweep"), parent),
      m_doc(doc),
      m_mode(new QComboBox(this)),
      m_param(new QComboBox(this)),
      m_values(new QLineEdit(this)),
      m_design_from(new QComboBox(this)),
      m_axes_box(new QWidget(this)),
      m_axes_layout(new QVBoxLayout(m_axes_box)),
      m_add(new QPushButton(tr("Add axis"), this)),
      m_count(new QLabel(this)),
      m_apply(new QPushButton(tr("Apply"), this)),
      m_clear(new QPushButton(tr("Clear"), this)),
      m_error(new QLabel(this)) {
  setObjectName(QStringLiteral("SweepEditor"));
  m_mode->setObjectName(QStringLiteral("SweepMode"));
  m_param->setObjectName(QStringLiteral("SweepParam"));
  m_values->setObjectName(QStringLiteral("SweepValues"));
  m_design_from->setObjectName(QStringLiteral("SweepDesignFrom"));
  m_axes_box->setObjectName(QStringLiteral("SweepAxes"));
  m_add->setObjectName(QStringLiteral("SweepAddAxis"));
  m_count->setObjectName(QStringLiteral("SweepCount"));
  m_apply->setObjectName(QStringLiteral("SweepApply"));
  m_clear->setObjectName(QStringLiteral("SweepClear"));
  m_mode->addItem(tr("One"));
  m_mode->addItem(tr("Grid"));
  m_mode->addItem(tr("Zip"));
  m_mode->addItem(tr("Design"));
  m_mode->setToolTip(
      tr("One: one parameter over a list of values. Grid: every combination of several "
         "parameters' values. Zip: the i-th values of several parameters together. Design: the "
         "rows of another step's matrix (an LHS sample), one column per parameter."));
  m_param->setEditable(true);  // a map entry ("constants.k") is typed
  m_values->setPlaceholderText(tr("[0.5, 1, 2]  or  linspace 0 1 5"));
  m_values->setToolTip(
      tr("Values of the swept parameter: a JSON list, {\"linspace\": [a, b, n]}, "
         "or linspace a b n / logspace a b n. The step runs once per value, in parallel."));
  m_param->setToolTip(tr("The parameter to sweep (a map entry as constants.k)"));
  m_design_from->setEditable(true);
  m_design_from->lineEdit()->setPlaceholderText(tr("STEP.OUTPUT, e.g. lhs.design"));
  m_design_from->setToolTip(
      tr("The matrix whose rows are the points (one column per parameter below), e.g. the "
         "design of an uq.lhs step"));
  m_add->setToolTip(tr("Add a parameter to the sweep"));
  m_count->setWordWrap(true);
  m_error->setWordWrap(true);
  m_error->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  m_error->hide();
  m_apply->setToolTip(tr("Sweep the parameter over these values (Return)"));
  m_clear->setToolTip(tr("Remove the sweep"));
  m_axes_layout->setContentsMargins(0, 0, 0, 0);
  m_axes_layout->setSpacing(2);
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(6, 4, 6, 4);
  m_param->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_param->setMinimumContentsLength(10);
  m_mode->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  grid->addWidget(m_mode, 0, 0);
  grid->addWidget(m_param, 0, 1);
  grid->addWidget(m_apply, 0, 2);
  grid->addWidget(m_clear, 0, 3);
  grid->addWidget(m_values, 1, 0, 1, 4);
  grid->addWidget(m_design_from, 2, 0, 1, 4);
  grid->addWidget(m_axes_box, 3, 0, 1, 4);
  grid->addWidget(m_add, 4, 0);
  grid->addWidget(m_count, 4, 1, 1, 3);
  grid->addWidget(m_error, 5, 0, 1, 4);
  grid->setColumnStretch(1, 1);
  connect(m_values, &QLineEdit::returnPressed, this, &SweepEditor::apply);
  connect(m_design_from->lineEdit(), &QLineEdit::returnPressed, this, &SweepEditor::apply);
  // An error is about what was applied: editing (or clearing) the field retires it.
  connect(m_values, &QLineEdit::textEdited, m_error, &QLabel::hide);
  connect(m_param, &QComboBox::currentTextChanged, m_error, &QLabel::hide);
  connect(m_design_from, &QComboBox::currentTextChanged, this, [this] {
    if (!m_loading) hideError();
    updateCount();
  });
  connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
    if (m_loading) return;
    hideError();
    const Mode m = mode();
    if (m != Mode::One && m_axes.empty()) {
      // Start from the one-parameter fields when they hold a parameter.
      const QString param =
          m_param->currentIndex() > 0 || m_param->currentText() != m_param->itemText(0)
              ? m_param->currentText().trimmed()
              : QString();
      addAxis(param, m != Mode::Design && !param.isEmpty() ? m_values->text() : QString());
      if (m != Mode::Design) addAxis();
    }
    updateModeWidgets();
  });
  connect(m_add, &QPushButton::clicked, this, [this] {
    Axis& a = addAxis();
    a.param->setFocus(Qt::OtherFocusReason);
  });
  connect(m_apply, &QPushButton::clicked, this, &SweepEditor::apply);
  connect(m_clear, &QPushButton::clicked, this, [this] {
    QString error;
    if (m_step.isEmpty() || !m_doc->step(m_step) || !m_doc->step(m_step)->sweep) return;
    if (auto* c = makeSetSweepCommand(m_doc, m_step, {}, nullptr, &error)) m_doc->exec(c);
  });
  connect(m_doc, &WorkflowDocument::changed, this, &SweepEditor::refresh);
  setStep({});
}

SweepEditor::Mode SweepEditor::mode() const { return static_cast<Mode>(m_mode->currentIndex()); }

void SweepEditor::setMode(Mode mode) { m_mode->setCurrentIndex(static_cast<int>(mode)); }

QString SweepEditor::errorText() const {
  return m_error->isVisible() ? m_error->text() : QString();
}

QString SweepEditor::countText() const {
  return m_count->isVisible() ? m_count->text() : QString();
}

void SweepEditor::showError(const QString& error) {
  m_error->setText(error);
  m_error->show();
  emit message(error);
}

void SweepEditor::hideError() { m_error->hide(); }

QString SweepEditor::parseValues(const QString& text, nlohmann::json* out) {
  const QString t = text.trimmed();
  static const QRegularExpression range(QStringLiteral(
      "^(linspace|logspace)\\s*\\(?\\s*([^,\\s]+)[,\\s]+([^,\\s]+)[,\\s]+([^,\\s\\)]+)\\s*\\)?$"));
  if (const auto m = range.match(t); m.hasMatch()) {
    bool ok_a = false, ok_b = false, ok_n = false;
    const double a = m.captured(2).toDouble(&ok_a), b = m.captured(3).toDouble(&ok_b);
    const int n = m.captured(4).toInt(&ok_n);
    if (!ok_a || !ok_b || !ok_n)
      return tr("%1 needs start, stop and an integer count").arg(m.captured(1));
    *out = {{m.captured(1).toStdString(), {a, b, n}}};
    return {};
  }
  const auto j = parseJson(t);
  if (j.is_discarded() || !(j.is_array() || j.is_object()))
    return tr("Enter a JSON list such as [0.5, 1, 2], or linspace 0 1 5");
  *out = j;
  return {};
}

QStringList SweepEditor::stepParams() const {
  QStringList names;
  const core::Step* step = m_step.isEmpty() ? nullptr : m_doc->step(m_step);
  const core::TaskSpec* task = step ? m_doc->registry().task(step->agent, step->task) : nullptr;
  if (task)
    for (const auto& p : task->params) names << qstr(p.name);
  return names;
}

SweepEditor::Axis& SweepEditor::addAxis(const QString& param, const QString& values) {
  auto* row = new QWidget(m_axes_box);
  auto* h = new QHBoxLayout(row);
  h->setContentsMargins(0, 0, 0, 0);
  Axis a{row, new QComboBox(row), new QLineEdit(row), new QToolButton(row)};
  a.param->setObjectName(QStringLiteral("SweepAxisParam"));
  a.values->setObjectName(QStringLiteral("SweepAxisValues"));
  a.remove->setObjectName(QStringLiteral("SweepAxisRemove"));
  a.param->setEditable(true);  // paths such as y0[0] or constants.k are typed
  a.param->addItems(stepParams());
  a.param->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  a.param->setMinimumContentsLength(8);
  a.param->setCurrentIndex(-1);
  a.param->setEditText(param);
  a.param->lineEdit()->setPlaceholderText(tr("parameter path"));
  a.param->setToolTip(
      tr("A parameter path: a parameter, a map entry (constants.k) or a list "
         "element (y0[0])"));
  a.values->setText(values);
  a.values->setPlaceholderText(tr("[1, 2, 3]  or  linspace 0 1 5"));
  a.values->setToolTip(m_values->toolTip());
  a.remove->setText(QStringLiteral("×"));
  a.remove->setToolTip(tr("Remove this parameter from the sweep"));
  h->addWidget(a.param, 2);
  h->addWidget(a.values, 3);
  h->addWidget(a.remove);
  a.values->setVisible(mode() != Mode::Design);
  m_axes_layout->addWidget(row);
  connect(a.values, &QLineEdit::returnPressed, this, &SweepEditor::apply);
  connect(a.values, &QLineEdit::textChanged, this, [this] {
    if (!m_loading) hideError();
    updateCount();
  });
  connect(a.param, &QComboBox::currentTextChanged, this, [this] {
    if (!m_loading) hideError();
    updateCount();
  });
  connect(a.remove, &QToolButton::clicked, this, [this, row] {
    for (std::size_t i = 0; i < m_axes.size(); ++i)
      if (m_axes[i].row == row) {
        removeAxis(static_cast<int>(i));
        return;
      }
  });
  m_axes.push_back(a);
  updateCount();
  return m_axes.back();
}

void SweepEditor::removeAxis(int i) {
  const auto at = m_axes.begin() + i;
  at->row->hide();
  at->row->deleteLater();
  m_axes.erase(at);
  hideError();
  updateCount();
}

void SweepEditor::clearAxes() {
  while (!m_axes.empty()) {
    m_axes.back().row->hide();
    m_axes.back().row->deleteLater();
    m_axes.pop_back();
  }
}

void SweepEditor::updateModeWidgets() {
  const Mode m = mode();
  const bool one = m == Mode::One;
  m_param->setVisible(one);
  m_values->setVisible(one);
  m_design_from->setVisible(m == Mode::Design);
  m_axes_box->setVisible(!one);
  m_add->setVisible(!one);
  m_add->setText(m == Mode::Design ? tr("Add column") : tr("Add axis"));
  for (auto& a : m_axes) a.values->setVisible(m != Mode::Design);
  m_apply->setToolTip(one ? tr("Sweep the parameter over these values (Return)")
                          : tr("Sweep these parameters (Return)"));
  updateCount();
}

void SweepEditor::updateCount() {
  const Mode m = mode();
  m_count->setVisible(m != Mode::One && !m_step.isEmpty());
  if (m == Mode::One) return;
  if (m == Mode::Design) {
    int columns = 0;
    for (const auto& a : m_axes) columns += a.param->currentText().trimmed().isEmpty() ? 0 : 1;
    const QString from = m_design_from->currentText().trimmed();
    m_count->setText(from.isEmpty()
                         ? tr("design: choose the matrix whose rows are the points")
                         : tr("design: one point per row of %1, %2 column(s); the number of "
                              "points is known when %3 has run")
                               .arg(from)
                               .arg(columns)
                               .arg(from.section(QLatin1Char('.'), 0, 0)));
    return;
  }
  QStringList sizes;
  std::size_t product = 1;
  bool known = !m_axes.empty();
  std::vector<std::size_t> counts;
  for (const auto& a : m_axes) {
    const std::size_t n = valueCount(a.values->text());
    counts.push_back(n);
    sizes << (n ? QString::number(n) : QStringLiteral("?"));
    known = known && n > 0;
    product *= n;
  }
  if (m == Mode::Grid) {
    m_count->setText(
        known ? tr("grid: %1 = %2 points").arg(sizes.join(QStringLiteral(" × "))).arg(product)
              : tr("grid: %1 points").arg(sizes.join(QStringLiteral(" × "))));
    return;
  }
  bool equal = true;
  for (std::size_t n : counts) equal = equal && n == counts.front();
  m_count->setText(!known  ? tr("zip: %1 values").arg(sizes.join(QStringLiteral(", ")))
                   : equal ? tr("zip: %1 points").arg(counts.front())
                           : tr("zip: %1 values; the lists must be equally long")
                                 .arg(sizes.join(QStringLiteral(", "))));
}

void SweepEditor::updateDesignSources() {
  const QString current = m_design_from->currentText();
  const bool was_loading = m_loading;
  m_loading = true;
  m_design_from->clear();
  for (const QString& id : m_doc->stepIds()) {
    if (id == m_step) continue;
    const core::Step* s = m_doc->step(id);
    const core::TaskSpec* task = s ? m_doc->registry().task(s->agent, s->task) : nullptr;
    if (!task) continue;
    for (const auto& o : task->outputs)
      if (o.kind == core::ValueKind::Matrix)
        m_design_from->addItem(id + QLatin1Char('.') + qstr(o.name));
  }
  m_design_from->setCurrentIndex(-1);
  m_design_from->setEditText(current);
  m_loading = was_loading;
}

QString SweepEditor::buildSweep(nlohmann::json* out) const {
  const Mode m = mode();
  if (m == Mode::Design) {
    const QString from = m_design_from->currentText().trimmed();
    if (from.isEmpty() || !from.contains(QLatin1Char('.')))
      return tr(
          "Choose the design: STEP.OUTPUT, a matrix with one row per point (e.g. lhs.design)");
    json params = json::array();
    for (const auto& a : m_axes) {
      const QString p = a.param->currentText().trimmed();
      if (!p.isEmpty()) params.push_back(p.toStdString());
    }
    if (params.empty())
      return tr("Add the parameter each column of %1 sets (column 1 first)").arg(from);
    *out = {{"design", {{"from", from.toStdString()}}}, {"params", params}};
    return {};
  }
  const char* key = m == Mode::Grid ? "grid" : "zip";
  json axes = json::array();
  QString first_param;
  std::size_t first_count = 0;
  for (std::size_t i = 0; i < m_axes.size(); ++i) {
    const QString p = m_axes[i].param->currentText().trimmed();
    const QString text = m_axes[i].values->text();
    if (p.isEmpty() && text.trimmed().isEmpty()) continue;  // an empty row is ignored
    if (p.isEmpty()) return tr("Axis %1: choose the parameter to vary").arg(i + 1);
    json values;
    if (QString e = parseValues(text, &values); !e.isEmpty())
      return tr("Axis %1 (%2): %3").arg(i + 1).arg(p, e);
    if (m == Mode::Zip) {
      const std::size_t n = valueCount(text);
      if (axes.empty()) {
        first_param = p;
        first_count = n;
      } else if (n && first_count && n != first_count) {
        return tr("zip pairs the i-th values, so every list must be as long: '%1' has %2 values "
                  "but '%3' has %4")
            .arg(p)
            .arg(n)
            .arg(first_param)
            .arg(first_count);
      }
    }
    axes.push_back({{"param", p.toStdString()}, {"values", values}});
  }
  if (axes.empty()) return tr("Add the parameters to vary and their values");
  *out = {{key, axes}};
  return {};
}

void SweepEditor::apply() {
  if (m_step.isEmpty()) return;
  if (mode() == Mode::One) {
    applyOne();
    return;
  }
  json sweep;
  QString error = buildSweep(&sweep);
  if (error.isEmpty()) {
    const core::Step* step = m_doc->step(m_step);
    bool unchanged = false;
    try {
      unchanged = step && step->sweep && step->sweep->spec() == core::sweepFromJson(sweep).spec();
    } catch (const std::exception&) {
      // makeSetSweepSpecCommand says what is wrong
    }
    if (unchanged) {
      hideError();  // the sweep as it is: nothing to undo
      return;
    }
    if (auto* c = makeSetSweepSpecCommand(m_doc, m_step, sweep, &error)) {
      hideError();
      m_doc->exec(c);
      return;
    }
  }
  showError(error);
}

void SweepEditor::applyOne() {
  nlohmann::json values;
  const QString param = m_param->currentText().trimmed();
  QString error = param.isEmpty() || param == m_param->itemText(0)
                      ? tr("Choose the parameter to sweep")
                      : parseValues(m_values->text(), &values);
  if (error.isEmpty()) {
    if (auto* c = makeSetSweepCommand(m_doc, m_step, param, values, &error)) {
      m_error->hide();
      m_doc->exec(c);
      return;
    }
  }
  showError(error);
}

void SweepEditor::setStep(const QString& id) {
  m_step = id;
  m_fresh = true;
  m_loading = true;
  m_param->clear();
  m_param->addItem(tr("(no sweep)"));
  m_param->addItems(stepParams());
  clearAxes();
  m_design_from->setEditText({});
  setMode(Mode::One);
  m_loading = false;
  const core::Step* step = id.isEmpty() ? nullptr : m_doc->step(id);
  setEnabled(step && m_doc->registry().task(step->agent, step->task) != nullptr);
  m_error->hide();
  updateModeWidgets();
  refresh();
}

void SweepEditor::load(const nlohmann::json& sweep) {
  clearAxes();
  if (sweep.contains("design")) {
    setMode(Mode::Design);
    m_design_from->setEditText(qstr(sweep["design"].value("from", std::string())));
    for (const auto& p : sweep.value("params", json::array()))
      addAxis(qstr(p.is_string() ? p.get<std::string>() : p.dump()));
    return;
  }
  setMode(sweep.contains("grid") ? Mode::Grid : Mode::Zip);
  for (const auto& a : sweep.contains("grid") ? sweep["grid"] : sweep["zip"])
    addAxis(qstr(a.value("param", std::string())), valuesText(a.value("values", json())));
}

void SweepEditor::refresh() {
  const core::Step* step = m_step.isEmpty() ? nullptr : m_doc->step(m_step);
  if (!step) return;
  updateDesignSources();
  const json now = step->sweep ? step->sweep->spec() : json();
  const bool changed = m_fresh || now != m_loaded;
  m_fresh = false;
  m_loaded = now;
  m_clear->setEnabled(step->sweep.has_value());
  m_apply->setEnabled(true);
  const bool one = !step->sweep || step->sweep->mode == core::SweepSpec::Mode::One;
  if (changed) {
    m_loading = true;
    if (one && (step->sweep || mode() != Mode::One)) setMode(Mode::One);
    if (!one) load(now);
    m_loading = false;
    updateModeWidgets();
  }
  if (!step->sweep || !one || mode() != Mode::One) {
    updateCount();
    return;
  }
  const QString param = qstr(step->sweep->param);
  if (m_param->findText(param) < 0) m_param->addItem(param);
  m_param->setCurrentIndex(m_param->findText(param));
  const core::StepExtras* e = m_doc->file().extras(step->id);
  const nlohmann::json written =
      e && !e->sweep_values.is_null() ? e->sweep_values : nlohmann::json(step->sweep->values);
  if (!m_values->hasFocus()) m_values->setText(jsonText(written));
}

}  // namespace sciagents::ui
