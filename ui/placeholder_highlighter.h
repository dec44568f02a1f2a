// {{name}} / {{name:%fmt}} / {{name[i]}} placeholders of external.command templates and argv
// entries (docs/agents/external.md): where they are in a text, and a QSyntaxHighlighter that shows
// known ones in the accent colour and marks names that are no input of the step (or a bad format)
// in the error colour, so a typo is seen before a run fails on it.
#pragma once

#include <QSet>
#include <QString>
#include <QStringList>
#include <QSyntaxHighlighter>

#include <vector>

namespace sciagents::ui {

struct Placeholder {
  int start = 0;    // offset of "{{" in the text
  int length = 0;   // up to and including "}}"
  QString name;     // without index and format
  QString problem;  // "" when well formed (a bad format, an unclosed "{{", a bad index)
};

// Every placeholder of `text` in order; an unclosed "{{" is one entry with a problem.
std::vector<Placeholder> findPlaceholders(const QString& text);
// The names used in `text` that are not in `known` (in order of first use, each once).
QStringList unknownPlaceholderNames(const QString& text, const QSet<QString>& known);

class PlaceholderHighlighter final : public QSyntaxHighlighter {
  Q_OBJECT
 public:
  using QSyntaxHighlighter::QSyntaxHighlighter;

  // The step's input names; re-highlights the document.
  void setKnownNames(const QSet<QString>& names);
  // Whether a placeholder at offset `start` of block `block` is marked as an error (for tests).
  bool isMarkedUnknown(int block, int start) const;

 protected:
  void highlightBlock(const QString& text) override;

 private:
  QSet<QString> m_known;
};

}  // namespace sciagents::ui
