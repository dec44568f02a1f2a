// Server-Sent Events (text/event-stream, WHATWG HTML "Server-sent events"): the encoder the server
// writes its job event streams with, and the incremental parser both clients read them with (the
// CLI's `submit --wait` / `run --target URL`, Studio's remote target). One codec, so the server
// and its clients cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {

struct SseEvent {
  std::string id;                // the last event id seen up to this event ("" when none)
  std::string type = "message";  // the "event:" field
  std::string data;              // the "data:" lines joined with '\n'
};

// One event: "id: ID\nevent: TYPE\ndata: LINE\n...\n" and a blank line. The id and event lines are
// left out when empty; each line of `data` (split at LF, CRLF or CR) gets its own data field.
std::string encodeSseEvent(std::string_view id, std::string_view type, std::string_view data);
inline std::string encodeSseEvent(const SseEvent& e) {
  return encodeSseEvent(e.id, e.type, e.data);
}
// A comment (": TEXT\n\n"): keeps an idle connection open, dispatches nothing.
std::string encodeSseComment(std::string_view text);

// Feed it the bytes of a stream as they arrive, split anywhere; it returns the events completed by
// them. Lines end with LF, CRLF or CR; comments (": keep-alive") and unknown fields are skipped; an
// event without data is not dispatched; a leading UTF-8 byte order mark is dropped.
class SseParser {
 public:
  std::vector<SseEvent> feed(std::string_view bytes);
  // The stream ended: a last line without its line end and an event without its closing blank
  // line are dispatched too (a server or proxy that closes right after the last data line).
  std::vector<SseEvent> finish();
  // The id of the last event received: send it as Last-Event-ID when reconnecting.
  const std::string& lastEventId() const { return m_last_id; }

 private:
  void line(std::string_view text, std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  std::string m_buffer;  // bytes of an incomplete line
  SseEvent m_current;
  bool m_has_data = false;
  bool m_started = false;  // the byte order mark check is done
  std::string m_last_id;
};

}  // namespace sciagents::core
