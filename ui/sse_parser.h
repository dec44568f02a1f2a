// Incremental Server-Sent Events parser: feed() the bytes of a text/event-stream as they arrive
// (any split, CRLF or LF), get back the complete events. Comments (": keep-alive") are skipped;
// multi-line data is joined with "\n".
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace sciagents::ui {

struct SseEvent {
  QString id;
  QString type = QStringLiteral("message");
  QByteArray data;
};

class SseParser {
 public:
  QList<SseEvent> feed(const QByteArray& bytes);
  QString lastEventId() const { return m_last_id; }

 private:
  void line(const QByteArray& text, QList<SseEvent>& out);

  QByteArray m_buffer;
  SseEvent m_current;
  bool m_has_data = false;
  QString m_last_id;
};

}  // namespace sciagents::ui
