#include "ui/external_test_run.h"

#include "ui/local_runner.h"
#include "ui/qt_convert.h"
#include "ui/theme.h"
#include "ui/value_format.h"
#include "ui/workflow_document.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sciagents::ui {

namespace {

// Diagnostic `name` as text ("" when absent).
QString diagText(const core::Map& d, const char* name) {
  const auto it = d.find(name);
  if (it == d.end() || it->second.kind() == core::ValueKind::Null) return {};
  return it->second.kind() == core::ValueKind::String ? qstr(it->second.asString())
                                                      : summarizeValue(it->second);
}
}  // namespace

ExternalTestRun::ExternalTestRun(WorkflowDocument* doc, QWidget* parent)
    : QWidget(parent),
      m_doc(doc),
      m_runner(new LocalRunner(doc->registry(), this)),
      m_button(new QPushButton(tr("Test run"), this)),
      m_status(new QLabel(this)),
      m_outputs(new QTableWidget(0, 2, this)),
      m_stderr_label(new QLabel(tr("stderr (end)"), this)),
      m_stderr(new QPlainTextEdit(this)) {
  m_button->setObjectName(QStringLiteral("ExternalTestRunButton"));
  m_button->setToolTip(
      tr("Run one evaluation of this step with its current parameters "
         "(no sweep, no cache) and show what came back"));
  m_runner->setUseCache(false);
  m_runner->setThreads(1);
  m_status->setObjectName(QStringLiteral("ExternalTestRunStatus"));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_outputs->setHorizontalHeaderLabels({tr("Output"), tr("Value")});
  m_outputs->horizontalHeader()->setStretchLastSection(true);
  m_outputs->verticalHeader()->hide();
  m_outputs->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_stderr->setReadOnly(true);
  m_stderr->setLineWrapMode(QPlainTextEdit::NoWrap);
  m_stderr->setMaximumHeight(90);
  m_stderr->setFont(QFont(QStringLiteral("monospace")));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_button, 0, Qt::AlignLeft);
  layout->addWidget(m_status);
  layout->addWidget(m_outputs);
  layout->addWidget(m_stderr_label);
  layout->addWidget(m_stderr);
  connect(m_button, &QPushButton::clicked, this, &ExternalTestRun::run);
  connect(m_runner, &LocalRunner::finished, this, &ExternalTestRun::onFinished);
  clearResult();
}

ExternalTestRun::~ExternalTestRun() { delete m_runner; }  // joins a running test run first

bool ExternalTestRun::isRunning() const { return m_runner->isRunning(); }

void ExternalTestRun::setStep(const QString& id) {
  if (id == m_step) return;
  m_step = id;
  clearResult();
}

void ExternalTestRun::clearResult() {
  m_status->setText(isRunning() ? tr("Running %1…").arg(m_running_step) : QString());
  m_status->setStyleSheet({});
  m_outputs->setRowCount(0);
  m_outputs->hide();
  m_stderr->clear();
  m_stderr->hide();
  m_stderr_label->hide();
}

void ExternalTestRun::run() {
  const core::Step* step = m_doc->step(m_step);
  if (!step || isRunning()) return;
  // The step with what it links to; a sweep would run every point, a test run is one.
  core::Workflow w = m_doc->withUpstream({m_step});
  if (core::Step* s = w.step(m_step.toStdString())) s->sweep.reset();
  m_runner->setBaseDir(
      m_doc->filePath().isEmpty()
          ? std::filesystem::path()
          : std::filesystem::path(QFileInfo(m_doc->filePath()).absolutePath().toStdString()));
  m_running_step = m_step;
  clearResult();
  m_status->setText(tr("Running %1…").arg(m_step));
  m_button->setEnabled(false);
  if (!m_runner->start(w)) {
    m_button->setEnabled(true);
    m_status->setText(tr("The test run could not start"));
  }
}

void ExternalTestRun::onFinished(bool ok, const QString& error) {
  m_button->setEnabled(true);
  const QString id = m_running_step;
  if (id != m_step) return;  // the panel moved to another step meanwhile
  const auto result = m_runner->lastResult();
  const core::StepResult* r = result ? result->step(id.toStdString()) : nullptr;
  ok = ok && r && r->status == core::StepStatus::Succeeded;
  m_outputs->setRowCount(0);
  if (r) {
    for (const auto& [name, value] : r->outputs) {
      if (name == "outputs" || name == "diagnostics") continue;  // the map of all of them
      const int row = m_outputs->rowCount();
      m_outputs->insertRow(row);
      m_outputs->setItem(row, 0, new QTableWidgetItem(qstr(name)));
      auto* item = new QTableWidgetItem(summarizeValue(value));
      item->setToolTip(fullValueText(value));
      m_outputs->setItem(row, 1, item);
    }
  }
  m_outputs->setVisible(m_outputs->rowCount() > 0);
  m_outputs->resizeColumnToContents(0);
  m_outputs->resizeRowsToContents();
  int height = 2 * m_outputs->frameWidth() + m_outputs->horizontalHeader()->height();
  for (int row = 0; row < m_outputs->rowCount(); ++row) height += m_outputs->rowHeight(row);
  m_outputs->setFixedHeight(std::min(height, 200));  // all rows, up to a scroll
  QStringList facts;
  if (r) {
    const QString exit = diagText(r->diagnostics, "exit_status");
    const QString signal = diagText(r->diagnostics, "signal");
    if (!exit.isEmpty()) facts << tr("exit status %1").arg(exit);
    if (!signal.isEmpty()) facts << tr("signal %1").arg(signal);
    const auto wall = r->diagnostics.find("wall_s");
    const double seconds = wall != r->diagnostics.end() && wall->second.isNumber()
                               ? wall->second.asDouble()
                               : r->wall_seconds;
    facts << tr("wall time %1 s").arg(numberForTick(seconds));
  }
  QString text = ok ? tr("Succeeded: %1").arg(facts.join(QStringLiteral(", ")))
                    : tr("Failed: %1").arg(r && !r->error.empty() ? qstr(r->error) : error);
  if (!ok && !facts.isEmpty())
    text += QStringLiteral("\n(") + facts.join(QStringLiteral(", ")) + ')';
  m_status->setText(text);
  m_status->setStyleSheet(ok ? QString() : errorStyleSheet(QStringLiteral("QLabel")));
  QString tail = r ? diagText(r->diagnostics, "stderr_tail") : QString();
  if (tail.isEmpty() && r) {  // a failed evaluation: its message quotes the end of stderr
    const QString e = qstr(r->error);
    const qsizetype at = e.indexOf(QLatin1String("stderr ends with: "));
    if (at >= 0) tail = e.mid(at + 17);
  }
  m_stderr->setPlainText(tail);
  m_stderr->setVisible(!tail.isEmpty());
  m_stderr_label->setVisible(!tail.isEmpty());
  emit finished(id, ok);
}

}  // namespace sciagents::ui
