#include "ui/placeholder_highlighter.h"

#include "core/agents/external/command_template.h"
#include "ui/theme.h"

#include <QGuiApplication>
#include <QPalette>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

namespace sciagents::ui {

std::vector<Placeholder> findPlaceholders(const QString& text) {
  std::vector<Placeholder> out;
  qsizetype pos = 0;
  while (true) {
    const qsizetype open = text.indexOf(QLatin1String("{{"), pos);
    if (open < 0) return out;
    Placeholder p;
    p.start = int(open);
    const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
    if (close < 0) {
      p.length = int(text.size() - open);
      p.problem = QObject::tr("'{{' without a closing '}}'");
      out.push_back(p);
      return out;
    }
    p.length = int(close + 2 - open);
    QString name = text.mid(open + 2, close - open - 2).trimmed();
    if (const qsizetype colon = name.indexOf(QLatin1Char(':')); colon >= 0) {
      const QString format = name.mid(colon + 1).trimmed();
      name = name.left(colon).trimmed();
      const std::string problem = core::agents::external::checkNumberFormat(format.toStdString());
      if (!problem.empty())
        p.problem = QObject::tr("format '%1': %2").arg(format, QString::fromStdString(problem));
    }
    if (const qsizetype bracket = name.indexOf(QLatin1Char('['));
        bracket >= 0 && name.endsWith(QLatin1Char(']'))) {
      bool ok = false;
      name.mid(bracket + 1, name.size() - bracket - 2).toLongLong(&ok);
      if (!ok && p.problem.isEmpty()) p.problem = QObject::tr("the index is not an integer");
      name = name.left(bracket).trimmed();
    }
    p.name = name;
    out.push_back(p);
    pos = close + 2;
  }
}

QStringList unknownPlaceholderNames(const QString& text, const QSet<QString>& known) {
  QStringList out;
  for (const auto& p : findPlaceholders(text))
    if (!p.name.isEmpty() && !known.contains(p.name) && !out.contains(p.name)) out << p.name;
  return out;
}

void PlaceholderHighlighter::setKnownNames(const QSet<QString>& names) {
  if (names == m_known) return;
  m_known = names;
  rehighlight();
}

bool PlaceholderHighlighter::isMarkedUnknown(int block, int start) const {
  const QTextBlock b = document()->findBlockByNumber(block);
  if (!b.isValid()) return false;
  for (const auto& r : b.layout()->formats())
    if (r.start == start) return r.format.underlineStyle() == QTextCharFormat::WaveUnderline;
  return false;
}

void PlaceholderHighlighter::highlightBlock(const QString& text) {
  QTextCharFormat known;
  known.setForeground(QGuiApplication::palette().color(QPalette::Link));
  known.setFontWeight(QFont::Bold);
  QTextCharFormat bad;
  bad.setForeground(errorColor());
  bad.setUnderlineStyle(QTextCharFormat::WaveUnderline);
  bad.setUnderlineColor(errorColor());
  for (const auto& p : findPlaceholders(text)) {
    const bool ok = p.problem.isEmpty() && m_known.contains(p.name);
    QTextCharFormat f = ok ? known : bad;
    f.setToolTip(ok                     ? QObject::tr("input '%1'").arg(p.name)
                 : !p.problem.isEmpty() ? p.problem
                                        : QObject::tr("'%1' is no input of this step").arg(p.name));
    setFormat(p.start, p.length, f);
  }
}

}  // namespace sciagents::ui
