// The Help dock: documentation pages (the agents' markdown under docs/) shown inside Studio, so F1
// works where no web browser or desktop launcher is installed. Links between pages are followed in
// the dock; "Open in browser" hands the page to the desktop (agent_docs.h's opener).
#pragma once

#include <QDockWidget>
#include <QUrl>

class QTextBrowser;

namespace sciagents::ui {

class HelpDock final : public QDockWidget {
  Q_OBJECT

 public:
  explicit HelpDock(QWidget* parent = nullptr);

  // Shows a local markdown page (an anchor scrolls to its heading) and raises the dock.
  void showPage(const QUrl& url);
  QUrl page() const;
  QTextBrowser* browser() const { return m_browser; }

 private:
  QTextBrowser* m_browser;
};

}  // namespace sciagents::ui
