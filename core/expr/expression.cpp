#include "core/expr/expression.h"

#include "core/util/error.h"

#include <muParser.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <numbers>
#include <stdexcept>
#include <string_view>

namespace sciagents::core {

namespace {

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
      issue.message = "expression is too long (" + std::to_string(text.size()) + " characters)";
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

// Parses and evaluates once (muParser reports errors only on the first Eval), then insists on a
// single result: "x, y" is two expressions.
std::optional<ExpressionIssue> compile(mu::Parser& parser, const std::string& text) {
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

}  // namespace

std::string ExpressionIssue::describe() const {
  std::string shown = expression;
  // Keep the caret aligned: a tab or newline would shift the text above it.
  for (char& c : shown)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  std::string head = message + " at position " + std::to_string(position) + " in '";
  const std::size_t column = head.size() + std::min(position, shown.size());
  return head + shown + "'\n" + std::string(column, ' ') + "^";
}

struct Expression::Impl {
  std::string text;
  std::vector<std::string> variables;
  Constants constants;
  std::vector<double> values;  // muParser holds pointers into this buffer
  mu::Parser parser;

  Impl(std::string t, std::vector<std::string> vars, Constants c)
      : text(std::move(t)), variables(std::move(vars)), constants(std::move(c)) {
    values.assign(variables.size(), 0.0);
    // Rejects names muParser would reject, with a message about the name instead of its internals.
    auto define = [&](const std::string& name, const char* what, auto&& fn) {
      if (!isIdentifier(name))
        throw Error(ErrorCode::InvalidInput, std::string("invalid ") + what + " name '" + name +
                                                 "' (use letters, digits and '_', not starting "
                                                 "with a digit)");
      try {
        fn();
      } catch (const mu::ParserError& e) {
        throw Error(ErrorCode::InvalidInput,
                    std::string("cannot define ") + what + " '" + name + "': " + e.GetMsg());
      }
    };
    const auto& functions = parser.GetFunDef();
    for (std::size_t i = 0; i < variables.size(); ++i) {
      const std::string& name = variables[i];
      if (std::find(variables.begin(), variables.begin() + static_cast<std::ptrdiff_t>(i), name) !=
          variables.begin() + static_cast<std::ptrdiff_t>(i))
        throw Error(ErrorCode::InvalidInput, "duplicate variable '" + name + "'");
      if (constants.count(name))
        throw Error(ErrorCode::InvalidInput,
                    "'" + name + "' is given both as a variable and as a constant");
      if (functions.count(name))
        throw Error(ErrorCode::InvalidInput,
                    "variable '" + name + "' has the name of a built-in function");
      define(name, "variable", [&] { parser.DefineVar(name, &values[i]); });
    }
    for (const auto& constant : constants) {
      const std::string& name = constant.first;
      const double value = constant.second;
      if (functions.count(name))
        throw Error(ErrorCode::InvalidInput,
                    "constant '" + name + "' has the name of a built-in function");
      define(name, "constant", [&] { parser.DefineConst(name, value); });
    }
    // Scientists write pi and e; muParser spells them _pi and _e. A user's own name wins.
    for (auto [name, value] : {std::pair<const char*, double>{"pi", std::numbers::pi},
                               std::pair<const char*, double>{"e", std::numbers::e}}) {
      if (std::find(variables.begin(), variables.end(), name) == variables.end() &&
          !constants.count(name))
        parser.DefineConst(name, value);
    }
    if (auto issue = compile(parser, text)) throwIssue(*issue);
  }
};

Expression::Expression(std::string text, std::vector<std::string> variables,
                       const Constants& constants)
    : m_impl(std::make_unique<Impl>(std::move(text), std::move(variables), constants)) {}

// A copied mu::Parser keeps pointers into the source's buffer; rebuilding binds our own.
Expression::Expression(const Expression& other)
    : m_impl(std::make_unique<Impl>(other.m_impl->text, other.m_impl->variables,
                                    other.m_impl->constants)) {}

Expression& Expression::operator=(const Expression& other) {
  if (this != &other)
    m_impl = std::make_unique<Impl>(other.m_impl->text, other.m_impl->variables,
                                    other.m_impl->constants);
  return *this;
}

Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

double Expression::eval(std::span<const double> x) const {
  if (x.size() != m_impl->values.size())
    throw std::invalid_argument("expression '" + m_impl->text + "' takes " +
                                std::to_string(m_impl->values.size()) + " values, got " +
                                std::to_string(x.size()));
  return eval(x.data());
}

double Expression::eval(const double* x) const {
  std::copy(x, x + m_impl->values.size(), m_impl->values.begin());
  try {
    return m_impl->parser.Eval();
  } catch (const mu::ParserError& e) {
    throw Error(ErrorCode::RunFailed, issueFrom(e, m_impl->text).describe());
  }
}

const std::string& Expression::text() const { return m_impl->text; }
const std::vector<std::string>& Expression::variables() const { return m_impl->variables; }

ExpressionSet::ExpressionSet(const std::vector<std::string>& texts,
                             std::vector<std::string> variables, const Constants& constants) {
  m_items.reserve(texts.size());
  for (const auto& t : texts) m_items.emplace_back(t, variables, constants);
}

void ExpressionSet::eval(std::span<const double> x, std::span<double> out) const {
  if (out.size() != m_items.size())
    throw std::invalid_argument("expression set has " + std::to_string(m_items.size()) +
                                " expressions, output has room for " + std::to_string(out.size()));
  for (std::size_t i = 0; i < m_items.size(); ++i) out[i] = m_items[i].eval(x);
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
