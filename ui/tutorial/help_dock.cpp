#include "ui/tutorial/help_dock.h"

#include "ui/tutorial/agent_docs.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>

namespace sciagents::ui {

HelpDock::HelpDock(QWidget* parent) : QDockWidget(tr("Help"), parent) {
  setObjectName(QStringLiteral("HelpDock"));
  auto* body = new QWidget(this);
  m_browser = new QTextBrowser(body);
  m_browser->setObjectName(QStringLiteral("HelpBrowser"));
  // Links are followed here: pages under docs/ in the dock (as markdown), anything else through
  // the one desktop opener (agent_docs.h), which tests can replace.
  m_browser->setOpenLinks(false);
  connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl& link) {
    const QUrl url = page().resolved(link);
    if (url.isLocalFile())
      showPage(url);
    else
      openUrl(url);
  });
  auto* back = new QPushButton(tr("Back"), body);
  back->setObjectName(QStringLiteral("HelpBack"));
  back->setEnabled(false);
  auto* external = new QPushButton(tr("Open in Browser"), body);
  external->setObjectName(QStringLiteral("HelpOpenExternal"));
  connect(back, &QPushButton::clicked, m_browser, &QTextBrowser::backward);
  connect(m_browser, &QTextBrowser::backwardAvailable, back, &QPushButton::setEnabled);
  connect(external, &QPushButton::clicked, this, [this] { openUrl(page()); });
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(back);
  buttons->addStretch(1);
  buttons->addWidget(external);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(buttons);
  layout->addWidget(m_browser, 1);
  setWidget(body);
}

void HelpDock::showPage(const QUrl& url) {
  m_browser->setSource(url, QTextDocument::MarkdownResource);
  show();
  raise();
}

QUrl HelpDock::page() const { return m_browser->source(); }

}  // namespace sciagents::ui
