// Text from a workflow file or a server (step ids, names, messages, result strings) made safe to
// print on a terminal: it cannot move the cursor, recolour, retitle the window or reorder what
// follows it.
#pragma once

#include <string>
#include <string_view>

namespace sciagents::core {

// Escapes C0 control characters (as \xNN, or \t \n \r), DEL, C1 controls (\u0080..\u009f),
// Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, shown
// as \u202e etc.) and bytes that are not valid UTF-8 (\xNN). Printable text, including other
// non-ASCII characters, is kept. With `keep_newlines`, '\n' passes through (multi-line messages
// such as an expression error with its caret line).
std::string terminalSafe(std::string_view text, bool keep_newlines = false);

}  // namespace sciagents::core
