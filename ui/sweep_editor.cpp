#include "ui/sweep_editor.h"

#include "core/agent/agent_registry.h"
#include "ui/qt_convert.h"
#include "ui/theme.h"
#include "ui/workflow_document.h"
#include "ui/workflow_edit_command.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>

namespace sciagents::ui {

SweepEditor::SweepEditor(WorkflowDocument* doc, QWidget* parent)
    : QGroupBox(tr("Sweep"), parent),
      m_doc(doc),
      m_param(new QComboBox(this)),
      m_values(new QLineEdit(this)),
      m_apply(new QPushButton(tr("Apply"), this)),
      m_clear(new QPushButton(tr("Clear"), this)),
      m_error(new QLabel(this)) {
  setObjectName(QStringLiteral("SweepEditor"));
  m_param->setObjectName(QStringLiteral("SweepParam"));
  m_values->setObjectName(QStringLiteral("SweepValues"));
  m_apply->setObjectName(QStringLiteral("SweepApply"));
  m_clear->setObjectName(QStringLiteral("SweepClear"));
  m_param->setEditable(true);  // a map entry ("constants.k") is typed
  m_values->setPlaceholderText(tr("[0.5, 1, 2]  or  linspace 0 1 5"));
  m_values->setToolTip(
      tr("Values of the swept parameter: a JSON list, {\"linspace\": [a, b, n]}, "
         "or linspace a b n / logspace a b n. The step runs once per value, in parallel."));
  m_param->setToolTip(tr("The parameter to sweep (a map entry as constants.k)"));
  m_error->setWordWrap(true);
  m_error->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  m_error->hide();
  m_apply->setToolTip(tr("Sweep the parameter over these values (Return)"));
  m_clear->setToolTip(tr("Remove the sweep"));
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(6, 4, 6, 4);
  m_param->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_param->setMinimumContentsLength(10);
  grid->addWidget(m_param, 0, 0);
  grid->addWidget(m_apply, 0, 1);
  grid->addWidget(m_clear, 0, 2);
  grid->addWidget(m_values, 1, 0, 1, 3);
  grid->addWidget(m_error, 2, 0, 1, 3);
  grid->setColumnStretch(0, 1);
  connect(m_values, &QLineEdit::returnPressed, this, &SweepEditor::apply);
  // An error is about what was applied: editing (or clearing) the field retires it.
  connect(m_values, &QLineEdit::textEdited, m_error, &QLabel::hide);
  connect(m_param, &QComboBox::currentTextChanged, m_error, &QLabel::hide);
  connect(m_apply, &QPushButton::clicked, this, &SweepEditor::apply);
  connect(m_clear, &QPushButton::clicked, this, [this] {
    QString error;
    if (m_step.isEmpty() || !m_doc->step(m_step) || !m_doc->step(m_step)->sweep) return;
    if (auto* c = makeSetSweepCommand(m_doc, m_step, {}, nullptr, &error)) m_doc->exec(c);
  });
  connect(m_doc, &WorkflowDocument::changed, this, &SweepEditor::refresh);
  setStep({});
}

QString SweepEditor::errorText() const {
  return m_error->isVisible() ? m_error->text() : QString();
}

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

void SweepEditor::apply() {
  if (m_step.isEmpty()) return;
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
  m_error->setText(error);
  m_error->show();
  emit message(error);
}

void SweepEditor::setStep(const QString& id) {
  m_step = id;
  m_param->clear();
  m_param->addItem(tr("(no sweep)"));
  const core::Step* step = id.isEmpty() ? nullptr : m_doc->step(id);
  const core::TaskSpec* task = step ? m_doc->registry().task(step->agent, step->task) : nullptr;
  if (task)
    for (const auto& p : task->params) m_param->addItem(QString::fromStdString(p.name));
  setEnabled(task != nullptr);
  m_error->hide();
  refresh();
}

void SweepEditor::refresh() {
  const core::Step* step = m_step.isEmpty() ? nullptr : m_doc->step(m_step);
  if (!step) return;
  if (!step->sweep) {
    m_clear->setEnabled(false);
    m_apply->setEnabled(true);
    m_values->setReadOnly(false);
    return;
  }
  m_clear->setEnabled(true);
  // A grid, zip or design sweep is edited in the file; the form shows it and can remove it.
  const bool one = step->sweep->mode == core::SweepSpec::Mode::One;
  m_apply->setEnabled(one);
  m_values->setReadOnly(!one);
  const QString param = QString::fromStdString(one ? step->sweep->param : step->sweep->label());
  if (m_param->findText(param) < 0) m_param->addItem(param);
  m_param->setCurrentIndex(m_param->findText(param));
  const core::StepExtras* e = m_doc->file().extras(step->id);
  const nlohmann::json written = !one ? step->sweep->spec()
                                 : e && !e->sweep_values.is_null()
                                     ? e->sweep_values
                                     : nlohmann::json(step->sweep->values);
  if (!m_values->hasFocus()) m_values->setText(jsonText(written));
}

}  // namespace sciagents::ui
