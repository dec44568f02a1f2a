#include "core/workflow/python_export.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

namespace sciagents::core {

using nlohmann::json;

namespace {

constexpr int kWidth = 99;  // longest line the layout aims for

// Decodes one UTF-8 sequence at `i`; nullopt (and one byte consumed) when it is not valid UTF-8
// (truncated, overlong, a surrogate or beyond U+10FFFF).
std::optional<char32_t> nextCodePoint(std::string_view s, std::size_t& i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = 0;
  char32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    ++i;
    return std::nullopt;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return std::nullopt;
  }
  for (int k = 1; k < len; ++k) {
    const unsigned char cc = b(i + static_cast<std::size_t>(k));
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return std::nullopt;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return std::nullopt;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

// Characters an editor would not show as they are: C0/C1 controls, DEL, soft hyphen, zero-width
// and bidi controls, line/paragraph separators, the BOM, interlinear annotations.
bool invisible(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB);
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void appendEscape(std::string& out, char32_t cp) {
  char buf[16];
  if (cp <= 0xFF)
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
  else
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  out += buf;
}

// The body of a double-quoted Python string (or, with `docstring`, of a """ docstring: newlines
// and tabs kept as they are).
std::string escapeText(std::string_view s, bool docstring) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const auto cp = nextCodePoint(s, i);
    if (!cp) {
      out += "\\ufffd";
      continue;
    }
    const char32_t c = *cp;
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += docstring ? "\n" : "\\n";
    } else if (c == '\t') {
      out += docstring ? "\t" : "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (invisible(c)) {
      appendEscape(out, c);
    } else {
      appendUtf8(out, c);
    }
  }
  return out;
}

// Text for `#` comments: line breaks kept (each line becomes a comment), other invisible
// characters as spaces.
std::string commentText(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto cp = nextCodePoint(s, i);
    if (!cp)
      appendUtf8(out, 0xFFFD);
    else if (*cp == '\n')
      out += '\n';
    else if (invisible(*cp))
      out += ' ';
    else
      appendUtf8(out, *cp);
  }
  return out;
}

// Display width of UTF-8 text, counted in code points (good enough for a layout hint).
int columns(std::string_view s) {
  int n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// Greedy word wrap of each paragraph (split on '\n') to `width` columns.
std::vector<std::string> wrap(std::string_view text, int width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view para = text.substr(start, end - start);
    std::string line;
    std::size_t p = 0;
    bool any = false;
    while (p < para.size()) {
      while (p < para.size() && para[p] == ' ') ++p;
      if (p >= para.size()) break;
      std::size_t q = para.find(' ', p);
      if (q == std::string_view::npos) q = para.size();
      const std::string_view word = para.substr(p, q - p);
      if (!line.empty() && columns(line) + 1 + columns(word) > width) {
        lines.push_back(line);
        line.clear();
      }
      if (!line.empty()) line += ' ';
      line += word;
      any = true;
      p = q;
    }
    if (any || !para.empty() || end < text.size()) lines.push_back(line);
    start = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

using Hint = const nlohmann::ordered_json*;

// The keys of object `v` in the order `hint` (the same object as written in the file) has them,
// then any others in `v`'s (sorted) order.
std::vector<std::string> orderedKeys(const json& v, Hint hint) {
  std::vector<std::string> keys;
  if (hint && hint->is_object())
    for (auto it = hint->begin(); it != hint->end(); ++it)
      if (v.contains(it.key())) keys.push_back(it.key());
  if (keys.size() == v.size()) return keys;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (!hint || !hint->is_object() || !hint->contains(it.key())) keys.push_back(it.key());
  return keys;
}

Hint childHint(Hint hint, const std::string& key) {
  if (!hint || !hint->is_object()) return nullptr;
  const auto it = hint->find(key);
  return it == hint->end() ? nullptr : &*it;
}

Hint childHint(Hint hint, std::size_t index) {
  if (!hint || !hint->is_array() || index >= hint->size()) return nullptr;
  return &(*hint)[index];
}

std::string literal(const json& v, Hint hint) {
  switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return "None";
    case json::value_t::boolean:
      return v.get<bool>() ? "True" : "False";
    case json::value_t::number_integer:
      return std::to_string(v.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(v.get<std::uint64_t>());
    case json::value_t::number_float:
      return pythonFloat(v.get<double>());
    case json::value_t::string:
      return pythonString(v.get_ref<const std::string&>());
    case json::value_t::binary: {
      std::string out = "[";
      for (const auto byte : v.get_binary()) {
        if (out.size() > 1) out += ", ";
        out += std::to_string(static_cast<unsigned>(byte));
      }
      return out + "]";
    }
    case json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ", ";
        out += literal(v[i], childHint(hint, i));
      }
      return out + "]";
    }
    case json::value_t::object: {
      std::string out = "{";
      for (const auto& key : orderedKeys(v, hint)) {
        if (out.size() > 1) out += ", ";
        out += pythonString(key) + ": " + literal(v.at(key), childHint(hint, key));
      }
      return out + "}";
    }
  }
  return "None";
}

bool isScalar(const json& v) { return !v.is_object() && !v.is_array(); }

std::string indentOf(int n) { return std::string(static_cast<std::size_t>(n), ' '); }

// A long string as adjacent literals in parentheses, one per line (Python joins them into one
// string; ast.literal_eval too), split after spaces where possible, never inside a character.
std::string splitString(const std::string& text, int indent, int width) {
  const int inner = indent + 4;
  const int budget = std::max(20, width - inner - 2);
  std::vector<std::string> pieces;
  std::string piece;
  int piece_cols = 0;
  std::size_t last_space = std::string::npos;  // in `piece`, just after a space
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const auto cp = nextCodePoint(text, i);
    std::string ch = text.substr(start, i - start);
    const int cols = columns(escapeText(ch, false));
    if (piece_cols + cols > budget && !piece.empty()) {
      if (last_space != std::string::npos && last_space > 0 && last_space < piece.size()) {
        pieces.push_back(piece.substr(0, last_space));
        piece.erase(0, last_space);
      } else {
        pieces.push_back(piece);
        piece.clear();
      }
      piece_cols = columns(escapeText(piece, false));
      last_space = std::string::npos;
    }
    piece += ch;
    piece_cols += cols;
    if (cp && *cp == ' ') last_space = piece.size();
  }
  if (!piece.empty()) pieces.push_back(piece);
  std::string out = "(\n";
  for (const auto& p : pieces) out += indentOf(inner) + pythonString(p) + "\n";
  return out + indentOf(indent) + ")";
}

// `v` starting at column `col` on a line indented by `indent`; `tail`: characters that follow it on
// its last line (a comma, a parenthesis). `force`: a non-empty dict always one key per line.
std::string layout(const json& v, Hint hint, int indent, int col, int tail, int width, bool force) {
  const std::string flat = literal(v, hint);
  const bool empty = (v.is_object() || v.is_array()) && v.empty();
  if (!(force && v.is_object()) && col + columns(flat) + tail <= width) return flat;
  // Strings too long for their line (an objective over 100 variables) are split.
  if (v.is_string() && columns(flat) > width - indent - 4 - 2)
    return splitString(v.get_ref<const std::string&>(), indent, width);
  if (isScalar(v) || empty) return flat;
  const int inner = indent + 4;
  const std::string pad = indentOf(inner);
  std::string out;
  if (v.is_object()) {
    out = "{\n";
    for (const auto& k : orderedKeys(v, hint)) {
      const std::string key = pythonString(k) + ": ";
      out += pad + key +
             layout(v.at(k), childHint(hint, k), inner, inner + columns(key), 1, width, false) +
             ",\n";
    }
    return out + indentOf(indent) + "}";
  }
  bool scalars = true;
  for (const auto& e : v) scalars = scalars && isScalar(e);
  out = "[\n";
  if (scalars) {
    std::string line;
    for (const auto& e : v) {
      const std::string item = literal(e, nullptr) + ",";
      if (!line.empty() && inner + columns(line) + 1 + columns(item) > width) {
        out += pad + line + "\n";
        line.clear();
      }
      if (!line.empty()) line += ' ';
      line += item;
    }
    if (!line.empty()) out += pad + line + "\n";
  } else {
    for (std::size_t i = 0; i < v.size(); ++i)
      out += pad + layout(v[i], childHint(hint, i), inner, inner, 1, width, false) + ",\n";
  }
  return out + indentOf(indent) + "]";
}

// True when a step reads files by relative path: external programs and models, nested workflows.
bool readsFiles(const Workflow& wf) {
  const std::function<bool(const json&)> hasExternal = [&](const json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() == "external" || hasExternal(it.value())) return true;
    } else if (j.is_array()) {
      for (const auto& e : j)
        if (hasExternal(e)) return true;
    }
    return false;
  };
  for (const auto& s : wf.steps)
    if (s.agent == "external" || (s.agent == "workflow_orchestration" && s.task == "run") ||
        hasExternal(s.params))
      return true;
  return false;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string pythonFloat(double d) {
  if (!std::isfinite(d)) return "None";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));  // "-1.25e-07"
  const std::size_t e = sci.find('e');
  std::string_view mant = sci.substr(0, e);
  const int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  std::string out;
  if (!mant.empty() && mant[0] == '-') {
    out = "-";
    mant.remove_prefix(1);
  }
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  const int n = static_cast<int>(digits.size());
  if (exp >= -4 && exp < 16) {  // repr's fixed notation
    if (exp >= 0) {
      if (n <= exp + 1)
        out += digits + std::string(static_cast<std::size_t>(exp + 1 - n), '0') + ".0";
      else
        out += digits.substr(0, static_cast<std::size_t>(exp + 1)) + "." +
               digits.substr(static_cast<std::size_t>(exp + 1));
    } else {
      out += "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (n > 1) out += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + ebuf;
}

std::string pythonString(std::string_view utf8) { return "\"" + escapeText(utf8, false) + "\""; }

std::string pythonLiteral(const json& v) { return literal(v, nullptr); }

std::string pythonLiteralBlock(const json& v, int indent, int width) {
  return layout(v, nullptr, indent, indent, 0, width, false);
}

std::string pythonScriptFileName(std::string_view workflow_name, std::string_view source) {
  std::string base;
  if (!source.empty()) {
    std::string_view file = source;
    if (const auto slash = file.find_last_of("/\\"); slash != std::string_view::npos)
      file.remove_prefix(slash + 1);
    for (std::string_view ext : {".workflow.json", ".json"})
      if (endsWith(file, ext) && file.size() > ext.size()) {
        file.remove_suffix(ext.size());
        break;
      }
    base = std::string(file);
  } else {
    bool gap = false;
    for (char c : workflow_name) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || c == '-' || c == '_' || u >= 0x80) {
        if (gap && !base.empty()) base += '_';
        gap = false;
        base += c;
      } else {
        gap = true;
      }
    }
  }
  if (base.empty() || base == "." || base == "..") base = "workflow";
  return base + ".py";
}

std::string exportPython(const Workflow& wf, const PythonExportOptions& o) {
  const std::string title = wf.name.empty() ? "Untitled workflow" : wf.name;
  const std::string script = o.script.empty() ? pythonScriptFileName(wf.name, o.source) : o.script;
  std::string out = "#!/usr/bin/env python3\n\"\"\"" + escapeText(title, true) + "\n";
  if (!o.description.empty()) {
    out += "\n";
    for (const auto& line : wrap(o.description, 95)) out += escapeText(line, true) + "\n";
  }
  out += "\n";
  const std::string from =
      o.source.empty() ? std::string("a SciAgents workflow") : escapeText(o.source, true);
  for (const auto& line :
       wrap("Exported from " + from +
                " (sciagents export-python, or Studio's File > Export as Python). The script "
                "rebuilds the workflow step by step with the `sciagents` Python module "
                "(docs/python.md) and runs it.",
            95))
    out += line + "\n";
  if (readsFiles(wf)) {
    out += "\n";
    for (const auto& line :
         wrap("Its steps read files by relative paths (programs, templates, workflows): run it "
              "from the folder of " +
                  (o.source.empty() ? std::string("the workflow file") : from) +
                  ", where those paths lead.",
              95))
      out += line + "\n";
  }
  out += "\nUsage: python3 " + escapeText(script, true) +
         " [result.json]\n"
         "    prints a summary of the run; with a file name, also saves the result there (the "
         "JSON\n"
         "    `sciagents run -o` writes). Exit status 0 when the run succeeded, 1 otherwise.\n"
         "\"\"\"\n\n"
         "import sys\n\n"
         "import sciagents\n\n"
         "wf = sciagents.Workflow(";
  const std::string name = pythonString(wf.name);
  if (columns("wf = sciagents.Workflow(name=") + columns(name) + 1 <= kWidth)
    out += "name=" + name + ")\n";
  else  // a long name on lines of its own
    out += "\n    name=" + layout(json(wf.name), nullptr, 4, 9, 1, kWidth, false) + ",\n)\n";
  for (const auto& s : wf.steps) {
    out += "\n";
    if (auto it = o.step_descriptions.find(s.id);
        it != o.step_descriptions.end() && !it->second.empty())
      for (const auto& line : wrap(commentText(it->second), 97)) out += "# " + line + "\n";
    out += "wf.add_step(" + pythonString(s.id) + ", " + pythonString(s.agent + "." + s.task) +
           ", params=";
    const json params = s.params.is_object() ? s.params : json::object();
    Hint step_hint = nullptr;
    if (const Hint steps = childHint(&o.key_order, std::string("steps"));
        steps && steps->is_array())
      for (const auto& h : *steps)
        if (h.is_object() && h.value("id", std::string()) == s.id) step_hint = &h;
    if (!s.sweep) {
      out += layout(params, childHint(step_hint, "params"), 0, 0, 2, kWidth, true) + ")\n";
      continue;
    }
    out += layout(params, childHint(step_hint, "params"), 0, 0, 1, kWidth, true) + ", sweep=";
    const int col = columns(std::string_view(out).substr(out.rfind('\n') + 1));
    out += layout(s.sweep->spec(), childHint(step_hint, "sweep"), 0, col, 1, kWidth, false) + ")\n";
  }
  out +=
      "\nresult = wf.run()\n"
      "print(result.summary())\n"
      "if len(sys.argv) > 1:\n"
      "    result.save(sys.argv[1])\n"
      "sys.exit(0 if result.ok else 1)\n";
  return out;
}

std::string exportPython(const WorkflowFile& file, PythonExportOptions o) {
  if (o.description.empty()) o.description = file.description;
  for (const auto& [id, extras] : file.steps)
    if (!extras.description.empty() && !o.step_descriptions.count(id))
      o.step_descriptions[id] = extras.description;
  return exportPython(file.workflow, o);
}

}  // namespace sciagents::core
