// The parser front end of expressions and its messages (expression_parse.h).
#include "core/expr/expression_parse.h"

#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <deque>
#include <vector>

namespace sciagents::core {

namespace expr_detail {

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool isIdentifier(std::string_view s) {
  return !s.empty() && isIdentStart(s[0]) && std::all_of(s.begin(), s.end(), isIdentChar);
}

std::string leadingIdentifier(std::string_view s) {
  if (s.empty() || !isIdentStart(s[0])) return {};
  std::size_t n = 1;
  while (n < s.size() && isIdentChar(s[n])) ++n;
  return std::string(s.substr(0, n));
}

std::size_t skipSpaces(const std::string& s, std::size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Position of the first '(' left open, ignoring string literals; npos when balanced.
std::size_t unmatchedParen(const std::string& s) {
  std::vector<std::size_t> open;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') in_string = !in_string;
    if (in_string) continue;
    if (s[i] == '(') open.push_back(i);
    if (s[i] == ')' && !open.empty()) open.pop_back();
  }
  return open.empty() ? std::string::npos : open.front();
}

// First comma outside parentheses: where a second result starts.
std::size_t topLevelComma(const std::string& s) {
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ',' && depth <= 0) return i;
  }
  return 0;
}

// Start of the identifier that ends right before `pos` (skipping spaces), or npos.
std::size_t identifierBefore(const std::string& s, std::size_t pos) {
  std::size_t end = std::min(pos, s.size());
  while (end > 0 && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  std::size_t start = end;
  while (start > 0 && isIdentChar(s[start - 1])) --start;
  if (start == end || !isIdentStart(s[start])) return std::string::npos;
  return start;
}

ExpressionIssue issueFrom(const mu::ParserError& e, const std::string& text) {
  ExpressionIssue issue;
  issue.expression = text;
  const int raw_pos = e.GetPos();
  // muParser appends a space to the expression, so it may point one past the user's text.
  std::size_t pos = raw_pos < 0 ? text.size() : std::min<std::size_t>(raw_pos, text.size());
  const std::string token = e.GetToken();
  switch (e.GetCode()) {
    case mu::ecUNASSIGNABLE_TOKEN: {
      const std::string ident = leadingIdentifier(std::string_view(text).substr(pos));
      if (!ident.empty()) {
        const std::size_t after = skipSpaces(text, pos + ident.size());
        const bool call = after < text.size() && text[after] == '(';
        issue.message =
            std::string(call ? "unknown function '" : "unknown variable '") + ident + "'";
      } else if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        std::size_t end = pos;
        while (end < text.size() && (isIdentChar(text[end]) || text[end] == '.')) ++end;
        issue.message = "invalid number '" + text.substr(pos, end - pos) + "'";
      } else if (pos < text.size()) {
        issue.message = std::string("unexpected character '") + text[pos] + "'";
      } else {
        issue.message = "unexpected token";
      }
      break;
    }
    case mu::ecUNEXPECTED_EOF:
      issue.message = "unexpected end of expression";
      break;
    case mu::ecMISSING_PARENS: {
      issue.message = "missing closing parenthesis";
      if (auto open = unmatchedParen(text); open != std::string::npos) {
        issue.message += " for this '('";
        pos = open;
      }
      break;
    }
    case mu::ecUNEXPECTED_PARENS: {
      // With every identifier accepted as a variable, "foo(1)" fails at the parenthesis.
      const std::size_t ident = token == "(" ? identifierBefore(text, pos) : std::string::npos;
      if (ident != std::string::npos) {
        issue.message = "unknown function '" + leadingIdentifier(text.substr(ident)) + "'";
        pos = ident;
      } else {
        issue.message = "unexpected parenthesis '" + token + "'";
      }
      break;
    }
    case mu::ecUNEXPECTED_OPERATOR:
      issue.message = "unexpected operator '" + token + "'";
      break;
    case mu::ecUNEXPECTED_ARG_SEP:
      issue.message = "unexpected ','";
      break;
    case mu::ecUNEXPECTED_ARG:
      issue.message = "unexpected argument";
      break;
    case mu::ecUNEXPECTED_VAL:
      issue.message = "unexpected value '" + token + "'";
      break;
    case mu::ecUNEXPECTED_VAR:
      issue.message = "unexpected variable '" + token + "'";
      break;
    case mu::ecUNEXPECTED_FUN:
      issue.message = "unexpected function '" + token + "'";
      break;
    case mu::ecUNEXPECTED_STR:
    case mu::ecSTR_RESULT:
    case mu::ecSTRING_EXPECTED:
    case mu::ecVAL_EXPECTED:
    case mu::ecUNTERMINATED_STRING:
    case mu::ecOPRT_TYPE_CONFLICT:
      issue.message = "strings are not supported in expressions";
      if (auto q = text.find('"'); q != std::string::npos) pos = q;
      break;
    case mu::ecTOO_MANY_PARAMS:
    case mu::ecTOO_FEW_PARAMS: {
      issue.message = std::string(e.GetCode() == mu::ecTOO_MANY_PARAMS ? "too many" : "too few") +
                      " arguments for function '" + token + "'";
      // muParser reports the end of the call; point at the function name instead.
      if (auto at = text.rfind(token, pos); !token.empty() && at != std::string::npos) pos = at;
      break;
    }
    case mu::ecMISSING_ELSE_CLAUSE:
      issue.message = "'?' without a matching ':'";
      if (auto q = text.find('?'); q != std::string::npos) pos = q;
      break;
    case mu::ecMISPLACED_COLON:
      issue.message = "':' without a matching '?'";
      if (auto c = text.find(':'); c != std::string::npos) pos = c;
      break;
    case mu::ecUNEXPECTED_CONDITIONAL:
      issue.message = "unexpected '?'";
      break;
    case mu::ecEMPTY_EXPRESSION:
      issue.message = "empty expression";
      pos = 0;
      break;
    case mu::ecEXPRESSION_TOO_LONG:
      issue.message = "expression is too long (at most " + std::to_string(mu::MaxLenExpression) +
                      " characters)";
      pos = 0;
      break;
    case mu::ecIDENTIFIER_TOO_LONG:
      issue.message = "identifier is too long";
      break;
    case mu::ecINVALID_CHARACTERS_FOUND: {
      issue.message = "invalid (non-printable) character";
      auto bad = std::find_if(text.begin(), text.end(), [](char c) {
        return !std::isprint(static_cast<unsigned char>(c)) && c != ' ';
      });
      pos = static_cast<std::size_t>(bad - text.begin());
      break;
    }
    default:
      issue.message = e.GetMsg();
      break;
  }
  issue.position = std::min(pos, text.size());
  return issue;
}

[[noreturn]] void throwIssue(const ExpressionIssue& issue) {
  throw Error(ErrorCode::InvalidInput, issue.describe());
}

// What muParser would accept but is not a formula: an assignment ("x=3" stores 3 in x and is
// 3, so a quad over x is silently wrong; also += -= *= /=) and a control character (a NUL
// ends the text muParser sees, hiding the rest). Checked before muParser sees the text.
std::optional<ExpressionIssue> nonExpressionIssue(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\0') return ExpressionIssue{text, i, "NUL character (\\0) in expression"};
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "\\x%02x", c);
      return ExpressionIssue{text, i, std::string("control character ") + code + " in expression"};
    }
    if (c != '=') continue;
    const char prev = i > 0 ? text[i - 1] : '\0';
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (next == '=' || prev == '=' || prev == '<' || prev == '>' || prev == '!') continue;  // == <=
    const bool compound = prev == '+' || prev == '-' || prev == '*' || prev == '/';
    const std::size_t at = compound ? i - 1 : i;
    return ExpressionIssue{text, at,
                           "assignment '" + text.substr(at, compound ? 2 : 1) +
                               "' is not allowed in an expression (to compare, use '==')"};
  }
  return std::nullopt;
}

// Parses and evaluates once (muParser reports errors only on the first Eval), then insists on a
// single result: "x, y" is two expressions.
std::optional<ExpressionIssue> compile(mu::Parser& parser, const std::string& text) {
  if (auto issue = nonExpressionIssue(text)) return issue;
  try {
    parser.SetExpr(text);
    parser.Eval();
  } catch (const mu::ParserError& e) {
    return issueFrom(e, text);
  }
  if (parser.GetNumResults() != 1) {
    ExpressionIssue issue{text, topLevelComma(text),
                          "expected a single expression, found " +
                              std::to_string(parser.GetNumResults()) + " separated by ','"};
    return issue;
  }
  return std::nullopt;
}

// Defines every unknown identifier on the fly, so only syntax can fail; records the names in
// order of first appearance.
struct AnyVariable {
  std::deque<double> storage;  // deque: addresses stay valid as it grows
  std::vector<std::string> names;

  static double* create(const char* name, void* self) {
    auto* s = static_cast<AnyVariable*>(self);
    s->names.emplace_back(name);
    return &s->storage.emplace_back(0.0);
  }
};

bool isImplicitConstant(std::string_view name) { return name == "pi" || name == "e"; }

}  // namespace expr_detail

using expr_detail::AnyVariable;
using expr_detail::compile;
using expr_detail::isImplicitConstant;

std::string ExpressionIssue::describe() const {
  // Long text is shown as a window around the position (a 1 MB expression must not come back as
  // 1 MB of message and 1 MB of caret line).
  constexpr std::size_t kBefore = 60, kAfter = 60;
  const std::size_t at = std::min(position, expression.size());
  const std::size_t from = at > kBefore ? at - kBefore : 0;
  const std::size_t to = std::min(expression.size(), at + kAfter);
  std::string shown = expression.substr(from, to - from);
  // Keep the caret aligned and the terminal safe: a tab or newline would shift the text above it,
  // other control bytes would act on the terminal.
  for (char& c : shown) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    else if (u < 0x20 || u == 0x7F)
      c = '?';
  }
  const std::string lead = from > 0 ? "..." : "";
  const std::string tail = to < expression.size() ? "..." : "";
  std::string head = message + " at position " + std::to_string(position) + " in '" + lead;
  const std::size_t column = head.size() + (at - from);
  std::string out = head + shown + tail + "'";
  if (from > 0 || to < expression.size())
    out += " (" + std::to_string(expression.size()) + " characters)";
  return out + "\n" + std::string(column, ' ') + "^";
}

std::optional<ExpressionIssue> checkExpressionSyntax(const std::string& text) {
  AnyVariable any;
  mu::Parser parser;
  parser.SetVarFactory(&AnyVariable::create, &any);
  return compile(parser, text);
}

std::vector<std::string> expressionIdentifiers(const std::string& text) {
  AnyVariable any;
  mu::Parser parser;
  parser.SetVarFactory(&AnyVariable::create, &any);
  compile(parser, text);  // on a syntax error, the names found before it
  std::vector<std::string> out;
  for (auto& name : any.names)
    if (!isImplicitConstant(name)) out.push_back(std::move(name));
  return out;
}

}  // namespace sciagents::core
