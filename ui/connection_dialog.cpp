#include "ui/connection_dialog.h"

#include "ui/remote_target.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sciagents::ui {

ConnectionDialog::ConnectionDialog(const RemoteSettings& settings, QWidget* parent)
    : QDialog(parent),
      m_url(new QLineEdit(settings.url.toString(), this)),
      m_token(new QLineEdit(settings.token, this)),
      m_test(new QPushButton(tr("Test connection"), this)),
      m_status(new QLabel(this)),
      m_probe(new RemoteTarget(this)) {
  setObjectName(QStringLiteral("ConnectionDialog"));
  setWindowTitle(tr("Remote server"));
  m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080"));
  m_token->setEchoMode(QLineEdit::Password);
  m_token->setPlaceholderText(tr("from `sciagents serve token create NAME`"));
  m_token->setToolTip(tr("Stored in %1, readable by you only").arg(RemoteSettings::tokenFilePath()));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* form = new QFormLayout;
  form->addRow(tr("Server URL"), m_url);
  form->addRow(tr("Token"), m_token);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->addButton(m_test, QDialogButtonBox::ActionRole);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_status);
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
  connect(m_probe, &RemoteTarget::connectionTested, this, [this](bool ok, const QString& report, const QString&) {
    m_test->setEnabled(true);
    m_status->setText(report);
    m_status->setStyleSheet(ok ? QString() : QStringLiteral("color: #c0392b"));
  });
  resize(460, sizeHint().height());
}

RemoteSettings ConnectionDialog::settings() const {
  RemoteSettings s;
  s.url = QUrl::fromUserInput(m_url->text().trimmed());
  s.token = m_token->text().trimmed();
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
