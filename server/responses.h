// Builders of the JSON answers every route module gives, and the small text checks they share:
// errors are {"error": CODE, "message": ..., extra fields} (docs/server.md, "Errors").
#pragma once

#include "server/http_types.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace sciagents::server {

// `body` serialised on one line (invalid UTF-8 replaced, never thrown).
HttpResponse jsonResponse(int status, const nlohmann::json& body);
// An error document with `extra` members added after "error" and "message".
HttpResponse errorJson(int status, const std::string& code, const std::string& message,
                       const nlohmann::json& extra = nlohmann::json::object());

// Printable, short, ASCII: safe to echo in a message.
std::string echo(const std::string& s);
// A Content-Type without parameters, trimmed and lower-case ("application/json").
std::string mediaType(const std::string& content_type);
// Trims spaces and tabs.
std::string trimBlanks(const std::string& s);
// 32 lower-case hex digits: the form of job ids and token ids.
bool isHexId(const std::string& s);
// A decimal integer of at most 19 digits, nothing else.
bool parseUint(const std::string& s, std::uint64_t& out);

}  // namespace sciagents::server
