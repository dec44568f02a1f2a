#include "ui/property_panel.h"

#include "core/agent/agent_registry.h"
#include "ui/expression_messages.h"
#include "ui/external_step_editor.h"
#include "ui/param_editor.h"
#include "ui/qt_convert.h"
#include "ui/sweep_editor.h"
#include "ui/theme.h"
#include "ui/workflow_document.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QVBoxLayout>

namespace sciagents::ui {

PropertyPanel::PropertyPanel(WorkflowDocument* doc, QWidget* parent)
    : QWidget(parent),
      m_doc(doc),
      m_id(new QLineEdit(this)),
      m_task(new QLabel(this)),
      m_summary(new QLabel(this)),
      m_issues(new QLabel(this)),
      m_empty(new QLabel(tr("Select one step on the canvas to edit its parameters."), this)),
      m_form_host(new QWidget),
      m_form(new QFormLayout),
      m_sweep(new SweepEditor(doc, this)),
      m_external(new ExternalStepEditor(doc, m_form_host)) {
  auto* host_layout = new QVBoxLayout(m_form_host);
  host_layout->addWidget(m_external);
  host_layout->addLayout(m_form);
  host_layout->addWidget(m_external->testRunBox());
  host_layout->addStretch();
  m_id->setToolTip(tr("Step id: other steps link to it as id.output"));
  m_summary->setWordWrap(true);
  m_issues->setWordWrap(true);
  m_issues->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  m_empty->setWordWrap(true);
  m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setWidget(m_form_host);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(
      Qt::ScrollBarAlwaysOff);  // the form follows the dock's width
  auto* header = new QFormLayout;
  header->addRow(tr("Step"), m_id);
  header->addRow(tr("Task"), m_task);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_empty);
  layout->addLayout(header);
  layout->addWidget(m_summary);
  layout->addWidget(scroll, 1);
  layout->addWidget(m_sweep);
  layout->addWidget(m_issues);
  connect(m_id, &QLineEdit::editingFinished, this, [this] {
    const QString wanted = m_id->text().trimmed();
    if (m_step.isEmpty() || wanted == m_step) return;
    QString error;
    const QString old = m_step;
    if (m_doc->renameStep(old, wanted, &error)) {
      setStep(wanted);
    } else {
      m_id->setText(old);
      emit message(error);
    }
  });
  connect(m_doc, &WorkflowDocument::changed, this, &PropertyPanel::refresh);
  connect(m_sweep, &SweepEditor::message, this, &PropertyPanel::message);
  connect(m_external, &ExternalStepEditor::message, this, &PropertyPanel::message);
  setStep({});
}

void PropertyPanel::setStep(const QString& id) {
  m_step = id;
  rebuild();
  m_sweep->setStep(m_doc->step(id) ? id : QString());
  m_sweep->setVisible(m_doc->step(id) != nullptr);
}

void PropertyPanel::focusForm() {
  for (int r = 0; r < m_form->rowCount(); ++r)
    if (auto* ed =
            qobject_cast<ParamEditor*>(m_form->itemAt(r, QFormLayout::FieldRole)
                                           ? m_form->itemAt(r, QFormLayout::FieldRole)->widget()
                                           : nullptr);
        ed && ed->editorWidget()->isEnabled() && !ed->isLinked()) {
      ed->editorWidget()->setFocus(Qt::OtherFocusReason);
      return;
    }
  m_id->setFocus(Qt::OtherFocusReason);
}

void PropertyPanel::rebuild() {
  const core::Step* step = m_step.isEmpty() ? nullptr : m_doc->step(m_step);
  const QString key =
      step ? QStringLiteral("%1 %2.%3").arg(m_step, qstr(step->agent), qstr(step->task))
           : QString();
  if (key == m_built_for && !key.isEmpty()) {
    refresh();
    return;
  }
  m_built_for = key;
  while (m_form->rowCount() > 0) m_form->removeRow(0);
  m_editors.clear();
  const bool has = step != nullptr;
  m_empty->setVisible(!has);
  m_id->setEnabled(has);
  m_id->setText(has ? m_step : QString());
  m_task->setText(has ? qstr(step->agent + "." + step->task) : QString());
  m_summary->clear();
  m_external->setStep(has ? m_step : QString());
  if (!has) {
    m_issues->clear();
    return;
  }
  const core::TaskSpec* task = m_doc->registry().task(step->agent, step->task);
  if (!task) {
    m_summary->setText(tr("Unknown task: no form available."));
    refresh();
    return;
  }
  m_summary->setText(qstr(task->summary));
  const QStringList dedicated =
      ExternalStepEditor::handledParams(qstr(step->agent + "." + step->task));
  for (const auto& p : task->params) {
    if (dedicated.contains(qstr(p.name))) continue;  // ExternalStepEditor edits it
    auto commit = [this](const std::string& name, const nlohmann::json& value) {
      m_doc->setParam(m_step, qstr(name), value);
    };
    auto unlink = [this](const std::string& name) { m_doc->disconnectLink(m_step, qstr(name)); };
    auto* ed = new ParamEditor(p, commit, unlink, m_form_host);
    ed->setObjectName(QStringLiteral("ParamEditor_") +
                      qstr(p.name));  // tutorials highlight it by name
    ed->setContextCheck([this, name = p.name](const nlohmann::json& value) {
      const core::Step* s = m_doc->step(m_step);
      return s ? alignCaret(expressionNameProblem(*s, name, value)) : QString();
    });
    QString label = qstr(p.name);
    if (p.required) label += QStringLiteral(" *");
    if (!p.units.empty()) label += QStringLiteral(" [%1]").arg(qstr(p.units));
    m_form->addRow(label, ed);
    m_editors.insert(qstr(p.name), ed);
  }
  refresh();
}

void PropertyPanel::refresh() {
  const core::Step* step = m_step.isEmpty() ? nullptr : m_doc->step(m_step);
  if (!step) {
    if (!m_step.isEmpty()) setStep({});  // the step was removed or renamed away
    return;
  }
  const QString key = QStringLiteral("%1 %2.%3").arg(m_step, qstr(step->agent), qstr(step->task));
  if (key != m_built_for) {
    rebuild();
    return;
  }
  m_external->refresh();
  for (auto it = m_editors.begin(); it != m_editors.end(); ++it) {
    const std::string name = it.key().toStdString();
    it.value()->setValue(step->params.contains(name) ? step->params[name] : nlohmann::json());
  }
  QStringList issues;
  for (const auto& i : m_doc->validate())
    if (i.step == step->id)
      issues << QStringLiteral("• ") +
                    qstr(i.param.empty() ? i.message : i.param + ": " + i.message);
  m_issues->setText(issues.join(QLatin1Char('\n')));
  m_issues->setVisible(!issues.isEmpty());
}

}  // namespace sciagents::ui
