#include "ui/connection_dialog.h"

#include "ui/remote_target.h"
#include "ui/theme.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace sciagents::ui {

namespace {
// 0 shows as "server default" (the option is then left out of the job).
QSpinBox* optionBox(int value, int max, const QString& suffix, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setRange(0, max);
  box->setSpecialValueText(QObject::tr("server default"));
  box->setSuffix(suffix);
  box->setValue(value);
  return box;
}
}  // namespace

ConnectionDialog::ConnectionDialog(const RemoteSettings& settings, QWidget* parent)
    : QDialog(parent),
      m_url(new QLineEdit(settings.url.toString(), this)),
      m_token(new QLineEdit(settings.token, this)),
      m_test(new QPushButton(tr("Test connection"), this)),
      m_status(new QLabel(this)),
      m_partition(new QLineEdit(settings.slurm.partition, this)),
      m_account(new QLineEdit(settings.slurm.account, this)),
      m_tasks(optionBox(settings.slurm.tasks, 10000, QString(), this)),
      m_time_limit(optionBox(settings.slurm.time_limit_min, 525600, tr(" min"), this)),
      m_cpus(optionBox(settings.slurm.cpus, 4096, QString(), this)),
      m_mem(optionBox(settings.slurm.mem_mb, 1 << 30, tr(" MB"), this)),
      m_probe(new RemoteTarget(this)) {
  setObjectName(QStringLiteral("ConnectionDialog"));
  setWindowTitle(tr("Remote server"));
  m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080"));
  m_token->setEchoMode(QLineEdit::Password);
  m_token->setPlaceholderText(tr("from `sciagents serve token create NAME`"));
  m_token->setToolTip(
      tr("Stored in %1, readable by you only").arg(RemoteSettings::tokenFilePath()));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* form = new QFormLayout;
  form->addRow(tr("Server URL"), m_url);
  form->addRow(tr("Token"), m_token);
  m_partition->setPlaceholderText(tr("server default"));
  m_account->setPlaceholderText(tr("server default"));
  m_tasks->setToolTip(tr("Slurm array tasks the sweep or study is split into"));
  m_time_limit->setToolTip(tr("Wall-time limit of each array task"));
  m_cpus->setToolTip(tr("CPUs per array task"));
  m_mem->setToolTip(tr("Memory per array task"));
  auto* slurm = new QGroupBox(tr("Slurm (through server)"), this);
  slurm->setObjectName(QStringLiteral("SlurmOptions"));
  slurm->setToolTip(tr("Used by Run ▸ Target ▸ Slurm (through server); see docs/slurm.md"));
  auto* slurmForm = new QFormLayout(slurm);
  slurmForm->addRow(tr("Partition"), m_partition);
  slurmForm->addRow(tr("Account"), m_account);
  slurmForm->addRow(tr("Array tasks"), m_tasks);
  slurmForm->addRow(tr("Time limit per task"), m_time_limit);
  slurmForm->addRow(tr("CPUs per task"), m_cpus);
  slurmForm->addRow(tr("Memory per task"), m_mem);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->addButton(m_test, QDialogButtonBox::ActionRole);
  m_test->setObjectName(QStringLiteral("TestConnection"));
  // Enter means OK whatever button has focus: while a test runs its button is disabled and focus
  // moves on to Cancel, which (as an auto-default button) would otherwise become the default.
  for (QAbstractButton* b : buttons->buttons())
    if (auto* p = qobject_cast<QPushButton*>(b)) p->setAutoDefault(false);
  buttons->button(QDialogButtonBox::Ok)->setDefault(true);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(slurm);
  layout->addWidget(m_status);
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
  connect(m_probe, &RemoteTarget::connectionTested, this,
          [this](bool ok, const QString& report, const QString&) {
            m_test->setEnabled(true);
            m_status->setText(report);
            m_status->setStyleSheet(ok ? QString() : errorStyleSheet(QStringLiteral("QLabel")));
          });
  resize(460, sizeHint().height());
}

RemoteSettings ConnectionDialog::settings() const {
  RemoteSettings s;
  s.url = QUrl::fromUserInput(m_url->text().trimmed());
  s.token = m_token->text().trimmed();
  s.slurm.partition = m_partition->text().trimmed();
  s.slurm.account = m_account->text().trimmed();
  s.slurm.tasks = m_tasks->value();
  s.slurm.time_limit_min = m_time_limit->value();
  s.slurm.cpus = m_cpus->value();
  s.slurm.mem_mb = m_mem->value();
  return s;
}

void ConnectionDialog::testConnection() {
  const RemoteSettings s = settings();
  if (!s.url.isValid() || s.url.isEmpty()) {
    m_status->setText(tr("Enter the server URL, e.g. http://127.0.0.1:8080"));
    return;
  }
  m_probe->setSettings(s);
  m_test->setEnabled(false);
  m_status->setStyleSheet(QString());
  m_status->setText(tr("Testing %1…").arg(s.url.toDisplayString()));
  m_probe->testConnection();
}

void ConnectionDialog::accept() {
  QString error;
  if (!settings().save(&error)) {
    m_status->setText(error);
    return;
  }
  QDialog::accept();
}

}  // namespace sciagents::ui
