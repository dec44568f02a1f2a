#include "ui/sse_parser.h"

namespace sciagents::ui {

QList<SseEvent> SseParser::feed(const QByteArray& bytes) {
  QList<SseEvent> out;
  m_buffer += bytes;
  qsizetype start = 0;
  for (;;) {
    const qsizetype nl = m_buffer.indexOf('\n', start);
    if (nl < 0) break;
    QByteArray text = m_buffer.mid(start, nl - start);
    if (text.endsWith('\r')) text.chop(1);
    line(text, out);
    start = nl + 1;
  }
  m_buffer.remove(0, start);
  return out;
}

void SseParser::line(const QByteArray& text, QList<SseEvent>& out) {
  if (text.isEmpty()) {  // blank line: dispatch
    if (m_has_data) out.push_back(m_current);
    if (!m_current.id.isEmpty()) m_last_id = m_current.id;
    m_current = SseEvent{};
    m_has_data = false;
    return;
  }
  if (text.startsWith(':')) return;  // comment / keep-alive
  const qsizetype colon = text.indexOf(':');
  const QByteArray field = colon < 0 ? text : text.left(colon);
  QByteArray value = colon < 0 ? QByteArray() : text.mid(colon + 1);
  if (value.startsWith(' ')) value.remove(0, 1);
  if (field == "event") {
    m_current.type = QString::fromUtf8(value);
  } else if (field == "data") {
    if (m_has_data) m_current.data += '\n';
    m_current.data += value;
    m_has_data = true;
  } else if (field == "id") {
    m_current.id = QString::fromUtf8(value);
  }
}

}  // namespace sciagents::ui
