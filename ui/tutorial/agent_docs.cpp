#include "ui/tutorial/agent_docs.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace sciagents::ui {

namespace {
UrlOpener& opener() {
  static UrlOpener o;
  return o;
}
}  // namespace

QString docsDir() {
  const QString env = qEnvironmentVariable("SCIAGENTS_DOCS_DIR");
  if (!env.isEmpty() && QDir(env).exists()) return env;
  const QString installed =
      QDir(QCoreApplication::applicationDirPath())
          .filePath(QStringLiteral("../share/doc/sciagents/docs"));  // cmake/Packaging.cmake
  if (QDir(installed).exists()) return QDir(installed).canonicalPath();
  return QStringLiteral(SCIAGENTS_SOURCE_DIR "/docs");
}

QUrl agentDocUrl(const QString& agent) {
  const QDir dir(docsDir() + QStringLiteral("/agents"));
  if (!agent.isEmpty() && dir.exists(agent + QStringLiteral(".md")))
    return QUrl::fromLocalFile(dir.filePath(agent + QStringLiteral(".md")));
  const QRegularExpression word(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(agent)));
  for (const QString& page : dir.entryList({QStringLiteral("*.md")}, QDir::Files, QDir::Name)) {
    QFile f(dir.filePath(page));
    if (!agent.isEmpty() && f.open(QIODevice::ReadOnly) &&
        word.match(QString::fromUtf8(f.readLine())).hasMatch())
      return QUrl::fromLocalFile(dir.filePath(page));
  }
  QUrl reference = QUrl::fromLocalFile(QDir(docsDir()).filePath(QStringLiteral("agents.md")));
  if (!agent.isEmpty()) reference.setFragment(agent);
  return reference;
}

UrlOpener setUrlOpener(UrlOpener o) {
  UrlOpener previous = std::move(opener());
  opener() = std::move(o);
  return previous;
}

bool openUrl(const QUrl& url) { return opener() ? opener()(url) : QDesktopServices::openUrl(url); }

}  // namespace sciagents::ui
