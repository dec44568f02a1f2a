#include "ui/connect_dialog.h"

#include "core/agent/agent_registry.h"
#include "ui/qt_convert.h"
#include "ui/workflow_document.h"
#include "ui/workflow_links.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sciagents::ui {

namespace {

// Whether an output of kind `k` can feed a parameter of type `t` (maps take any value as an entry).
bool fits(core::ValueKind k, core::ParamType t) {
  using core::ParamType;
  using core::ValueKind;
  switch (t) {
    case ParamType::Any:
    case ParamType::Map:
      return true;
    case ParamType::Number:
    case ParamType::Integer:
      return k == ValueKind::Scalar || k == ValueKind::Integer;
    case ParamType::Vector:
      return k == ValueKind::Vector || k == ValueKind::Scalar || k == ValueKind::Integer;
    case ParamType::Matrix:
      return k == ValueKind::Matrix || k == ValueKind::SparseMatrix || k == ValueKind::Vector;
    default:
      return false;
  }
}
}  // namespace

QString ConnectDialog::Candidate::text() const {
  return QStringLiteral("%1.%2 → %3.%4").arg(from_step, output, to_step, param);
}

QList<ConnectDialog::Candidate> ConnectDialog::candidates(const WorkflowDocument* doc,
                                                          const QString& step) {
  QList<Candidate> in, out;
  const auto& registry = doc->registry();
  const core::Workflow& w = doc->workflow();
  const core::Step* self = doc->step(step);
  if (!self) return {};
  auto add = [&](const core::Step& from, const core::Step& to, QList<Candidate>& into) {
    if (from.id == to.id || wouldCreateCycle(w, from.id, to.id)) return;
    const core::TaskSpec* ft = registry.task(from.agent, from.task);
    const core::TaskSpec* tt = registry.task(to.agent, to.task);
    if (!ft || !tt) return;
    for (const auto& p : tt->params)
      for (const auto& o : ft->outputs)  // "*": names only the run knows, not offered here
        if (o.name != "*" && fits(o.kind, p.type))
          into.push_back({qstr(from.id), qstr(o.name), qstr(to.id), qstr(p.name)});
  };
  for (const auto& s : w.steps) {
    add(s, *self, in);
    add(*self, s, out);
  }
  return in + out;
}

ConnectDialog::ConnectDialog(const WorkflowDocument* doc, const QString& step, QWidget* parent)
    : QDialog(parent),
      m_candidates(candidates(doc, step)),
      m_list(new QListWidget(this)),
      m_filter(new QLineEdit(this)) {
  setWindowTitle(tr("Connect %1").arg(step));
  m_filter->setPlaceholderText(tr("Filter, e.g. an output or parameter name"));
  m_filter->setClearButtonEnabled(true);
  for (const auto& c : m_candidates) {
    auto* item = new QListWidgetItem(c.text(), m_list);
    item->setToolTip(c.to_step == step
                         ? tr("Into this step's parameter %1").arg(c.param)
                         : tr("This step's output %1 into %2").arg(c.output, c.to_step));
  }
  if (m_list->count() > 0) m_list->setCurrentRow(0);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
  buttons->button(QDialogButtonBox::Ok)->setEnabled(m_list->count() > 0);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_list, &QListWidget::itemActivated, this, &QDialog::accept);
  connect(m_filter, &QLineEdit::textChanged, this, [this, buttons](const QString& text) {
    int first = -1;
    for (int i = 0; i < m_list->count(); ++i) {
      const bool show = m_list->item(i)->text().contains(text, Qt::CaseInsensitive);
      m_list->item(i)->setHidden(!show);
      if (show && first < 0) first = i;
    }
    m_list->setCurrentRow(first);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(first >= 0);
  });
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(
      m_candidates.isEmpty() ? tr("No link fits: add a step whose outputs fit first.")
                             : tr("Links %1 can take part in (output → parameter):").arg(step),
      this));
  layout->addWidget(m_filter);
  layout->addWidget(m_list, 1);
  layout->addWidget(buttons);
  resize(460, 420);
  m_filter->setFocus();
  // Up/Down in the filter move through the list.
  m_filter->installEventFilter(this);
}

bool ConnectDialog::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_filter && event->type() == QEvent::KeyPress) {
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key == Qt::Key_Up || key == Qt::Key_Down || key == Qt::Key_PageUp ||
        key == Qt::Key_PageDown) {
      QCoreApplication::sendEvent(m_list, event);
      return true;
    }
  }
  return QDialog::eventFilter(watched, event);
}

ConnectDialog::Candidate ConnectDialog::chosen() const {
  const int row = m_list->currentRow();
  if (row < 0 || row >= m_candidates.size() || m_list->item(row)->isHidden()) return {};
  return m_candidates[row];
}

}  // namespace sciagents::ui
