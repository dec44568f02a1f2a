#include "ui/feedback/privacy_dialog.h"

#include "ui/feedback/feedback_controller.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sciagents::ui {

PrivacyDialog::PrivacyDialog(FeedbackController* controller, QWidget* parent)
    : QDialog(parent), m_controller(controller) {
  setObjectName(QStringLiteral("privacyDialog"));
  setWindowTitle(tr("Privacy and Usage Data"));
  auto* lay = new QVBoxLayout(this);
  auto* text = new QLabel(
      tr("SciAgents can send anonymous usage statistics to the server configured under Run ▸ "
         "Target: which agent tasks ran, how long they took and what kind of error stopped them. "
         "Never your data, parameters, expressions, file names or error messages. Survey answers "
         "are sent only when you submit a survey. See docs/feedback.md."));
  text->setWordWrap(true);
  lay->addWidget(text);
  m_toggle = new QCheckBox(tr("Share anonymous usage statistics"));
  m_toggle->setObjectName(QStringLiteral("analyticsToggle"));
  m_toggle->setChecked(controller->analyticsEnabled());
  lay->addWidget(m_toggle);
  connect(m_toggle, &QCheckBox::toggled, this, [this](bool on) {
    m_controller->setAnalyticsEnabled(on);
    refresh();
  });
  m_count = new QLabel;
  m_count->setObjectName(QStringLiteral("queueCount"));
  lay->addWidget(m_count);
  m_queue = new QPlainTextEdit;
  m_queue->setObjectName(QStringLiteral("queueView"));
  m_queue->setReadOnly(true);
  lay->addWidget(m_queue, 1);
  auto* row = new QHBoxLayout;
  m_include_answers = new QCheckBox(tr("Also delete survey answers not sent yet"));
  m_include_answers->setObjectName(QStringLiteral("includeAnswers"));
  auto* del = new QPushButton(tr("Delete All Queued"));
  del->setObjectName(QStringLiteral("deleteAll"));
  connect(del, &QPushButton::clicked, this, &PrivacyDialog::deleteAll);
  row->addWidget(m_include_answers);
  row->addStretch();
  row->addWidget(del);
  lay->addLayout(row);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  lay->addWidget(buttons);
  resize(640, 520);
  refresh();
}

void PrivacyDialog::refresh() {
  const auto items = m_controller->outbox().pending();
  QString text;
  for (const auto& it : items) {
    QString body;
    try {
      body = QString::fromStdString(nlohmann::json::parse(it.body).dump(2));
    } catch (const nlohmann::json::exception&) {
      body = QString::fromStdString(it.body);
    }
    text +=
        QStringLiteral("# %1 %2%3\n%4\n\n")
            .arg(QString::fromStdString(std::string(core::store::outboxKindName(it.kind))),
                 QString::fromStdString(it.id),
                 it.rejected
                     ? tr(" (refused by the server: %1)").arg(QString::fromStdString(it.last_error))
                     : QString(),
                 body);
  }
  m_queue->setPlainText(text);
  m_count->setText(tr("%n item(s) waiting to be sent:", nullptr, static_cast<int>(items.size())));
}

void PrivacyDialog::deleteAll() {
  m_controller->analytics().deleteQueued(m_include_answers->isChecked());
  refresh();
}

}  // namespace sciagents::ui
