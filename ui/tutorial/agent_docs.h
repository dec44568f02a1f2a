// Where an agent's documentation page is: docs/agents/<agent>.md, else the family page whose title
// names the agent (docs/agents/assistants.md covers problem_analyzer, algorithm_selector, …), else
// the generated reference docs/agents.md#<agent>. Pages are opened through an injectable opener
// (QDesktopServices::openUrl by default) so tests can capture the URL.
#pragma once

#include <QString>
#include <QUrl>

#include <functional>

namespace sciagents::ui {

// $SCIAGENTS_DOCS_DIR, the installed share/doc/sciagents next to the binary, or the source docs/.
QString docsDir();
QUrl agentDocUrl(const QString& agent);

using UrlOpener = std::function<bool(const QUrl&)>;
// Replaces the opener (nullptr restores QDesktopServices::openUrl); returns the previous one.
UrlOpener setUrlOpener(UrlOpener opener);
bool openUrl(const QUrl& url);

}  // namespace sciagents::ui
