// The Server-Sent Events codec (core/util/sse.h).
#include "core/util/sse.h"

namespace sciagents::core {

namespace {

void appendField(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += '\n';
}

}  // namespace

std::string encodeSseEvent(std::string_view id, std::string_view type, std::string_view data) {
  std::string out;
  out.reserve(id.size() + type.size() + data.size() + 32);
  if (!id.empty()) appendField(out, "id", id);
  if (!type.empty()) appendField(out, "event", type);
  std::size_t start = 0;
  for (;;) {
    const auto end = data.find_first_of("\r\n", start);
    appendField(out, "data", data.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n' ? 2 : 1);
  }
  out += '\n';
  return out;
}

std::string encodeSseComment(std::string_view text) {
  std::string out = ": ";
  for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  out += "\n\n";
  return out;
}

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  m_buffer.append(bytes);
  if (!m_started) {
    if (m_buffer.size() < 3 &&
        std::string_view("\xEF\xBB\xBF").substr(0, m_buffer.size()) == std::string_view(m_buffer))
      return out;  // maybe the start of a byte order mark: wait for more
    if (m_buffer.compare(0, 3, "\xEF\xBB\xBF") == 0) m_buffer.erase(0, 3);
    m_started = true;
  }
  std::size_t start = 0;
  for (;;) {
    const auto end = m_buffer.find_first_of("\r\n", start);
    if (end == std::string::npos) break;
    if (m_buffer[end] == '\r' && end + 1 == m_buffer.size()) break;  // CR: maybe CRLF, wait
    line(std::string_view(m_buffer).substr(start, end - start), out);
    start = end + (m_buffer[end] == '\r' && m_buffer[end + 1] == '\n' ? 2 : 1);
  }
  m_buffer.erase(0, start);
  return out;
}

std::vector<SseEvent> SseParser::finish() {
  std::vector<SseEvent> out;
  m_started = true;
  std::string rest;
  rest.swap(m_buffer);
  if (!rest.empty() && rest.back() == '\r') rest.pop_back();
  if (!rest.empty()) line(rest, out);
  dispatch(out);
  return out;
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (m_has_data) {
    m_current.id = m_last_id;
    if (m_current.type.empty()) m_current.type = "message";
    out.push_back(std::move(m_current));
  }
  m_current = SseEvent{};
  m_has_data = false;
}

void SseParser::line(std::string_view text, std::vector<SseEvent>& out) {
  if (text.empty()) return dispatch(out);  // blank line: the event is complete
  if (text[0] == ':') return;              // comment / keep-alive
  const auto colon = text.find(':');
  const std::string_view field = text.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (m_has_data) m_current.data += '\n';
    m_current.data += value;
    m_has_data = true;
  } else if (field == "event") {
    m_current.type = value;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) m_last_id = value;
  }
}

}  // namespace sciagents::core
