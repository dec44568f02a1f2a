#include "core/expr/expression.h"

#include "core/expr/expression_tape_compile.h"
#include "core/util/error.h"

#include <muParser.h>

#include <algorithm>
#include <limits>
#include <cmath>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstdio>
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

// Built-in one-argument functions run inline (no call into the library per point) once shown to
// give muParser's callback's results bit for bit on probe values.
enum class Inline : unsigned char { None, Sqrt, Log, Exp };

double inlineCall(Inline f, double v) {
  switch (f) {
    case Inline::Sqrt: return std::sqrt(v);
    case Inline::Log: return std::log(v);
    case Inline::Exp: return std::exp(v);
    case Inline::None: break;
  }
  return v;
}

// Which Inline the callback `cb` (one argument) is: the parser's own sqrt, ln/log or exp, and the
// same results as the inline version on awkward and ordinary values.
Inline inlineFor(const mu::Parser& parser, const mu::generic_callable_type& cb) {
  if (cb._pUserData != nullptr) return Inline::None;
  const auto addr = std::bit_cast<std::uintptr_t>(cb._pRawFun);
  const auto& functions = parser.GetFunDef();
  for (auto [name, f] : {std::pair{"sqrt", Inline::Sqrt}, std::pair{"ln", Inline::Log},
                         std::pair{"log", Inline::Log}, std::pair{"exp", Inline::Exp}}) {
    const auto it = functions.find(name);
    if (it == functions.end() || std::bit_cast<std::uintptr_t>(it->second.GetAddr()) != addr) continue;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    for (double v : {-kInf, -2.5, -0.0, 0.0, 4.9e-324, 1e-300, 1e-10, 0.3, 0.5, 1.0, 2.0, 7.25, 709.0, 710.0, 1e300,
                     kInf, std::numeric_limits<double>::quiet_NaN()}) {
      double lib = 0;
      try {
        lib = cb.call_fun<1>(v);
      } catch (...) {  // a build of muParser with math exceptions: keep its callback
        return Inline::None;
      }
      const double own = inlineCall(f, v);
      if (std::bit_cast<std::uint64_t>(lib) != std::bit_cast<std::uint64_t>(own) && !(std::isnan(lib) && std::isnan(own)))
        return Inline::None;
    }
    return f;
  }
  return Inline::None;
}

// muParser's final bytecode (reverse Polish, after its constant folding) replayed over a batch of
// points: every token runs over the whole batch before the next, so the dispatch is paid once per
// batch instead of once per point. Each token does exactly what ParserBase::ParseCmdCodeBulk does
// for one point (same operations in the same order, muParser's own function pointers or the
// checked inline equivalents above), so the results are bit for bit those of Parser::Eval. Bytecode with anything else (if-then-else,
// string or bulk functions, functions without arguments such as rnd, whose call order would
// change) is not replayed; evalMany then evaluates point by point.
struct BatchOp {
  mu::ECmdCode cmd = mu::cmUNKNOWN;
  Inline inl = Inline::None;  // cmFUNC with one argument
  std::size_t var = 0;  // cmVAR, cmVARMUL, cmVARPOW2..4: index into the variables
  double mul = 0, add = 0;  // cmVAL: add; cmVARMUL: x * mul + add
  mu::generic_callable_type fn{};
  int argc = 0;  // cmFUNC: > 0 fixed arguments, < 0 -(variadic argument count)
};

constexpr std::size_t kBatchDepth = 16;  // deepest evaluation stack replayed in batches
constexpr std::size_t kBatchChunk = 64;  // points per pass (stack: kBatchDepth * kBatchChunk doubles)
constexpr int kMaxVariadic = 32;

// The batch program of a compiled parser, or an empty one when the bytecode cannot be replayed.
std::vector<BatchOp> batchProgram(const mu::Parser& parser, const std::vector<double>& values) {
  std::vector<BatchOp> ops;
  const mu::ParserByteCode& code = parser.GetByteCode();
  if (code.GetSize() == 0) return {};
  std::size_t depth = 0;
  auto varIndex = [&](const double* p, std::size_t& out) {
    for (std::size_t k = 0; k < values.size(); ++k)
      if (p == &values[k]) {
        out = k;
        return true;
      }
    return false;
  };
  for (const mu::SToken* t = code.GetBase(); t->Cmd != mu::cmEND; ++t) {
    BatchOp op;
    op.cmd = t->Cmd;
    switch (t->Cmd) {
      case mu::cmLE: case mu::cmGE: case mu::cmNEQ: case mu::cmEQ: case mu::cmLT: case mu::cmGT:
      case mu::cmADD: case mu::cmSUB: case mu::cmMUL: case mu::cmDIV: case mu::cmPOW:
      case mu::cmLAND: case mu::cmLOR:
        if (depth < 2) return {};
        --depth;
        break;
      case mu::cmVAR: case mu::cmVARPOW2: case mu::cmVARPOW3: case mu::cmVARPOW4:
        if (!varIndex(t->Val.ptr, op.var)) return {};
        ++depth;
        break;
      case mu::cmVARMUL:
        if (!varIndex(t->Val.ptr, op.var)) return {};
        op.mul = t->Val.data, op.add = t->Val.data2;
        ++depth;
        break;
      case mu::cmVAL:
        op.add = t->Val.data2;
        ++depth;
        break;
      case mu::cmFUNC: {
        op.fn = t->Fun.cb, op.argc = t->Fun.argc;
        if (op.argc == 1) op.inl = inlineFor(parser, op.fn);
        const int n = op.argc > 0 ? op.argc : -op.argc;
        if (op.argc == 0 || op.argc > 3 || n > kMaxVariadic || depth < static_cast<std::size_t>(n)) return {};
        depth -= static_cast<std::size_t>(n - 1);
        break;
      }
      default:
        return {};
    }
    if (depth > kBatchDepth) return {};
    ops.push_back(op);
  }
  if (depth != 1) return {};
  return ops;
}

// Runs `ops` over points [0, n) with n <= kBatchChunk; x[k * stride + i] is variable k at point i.
// The result ends in stack slot 1, which is `out` itself unless out overlaps the input.
void runBatch(const std::vector<BatchOp>& ops, const double* x, std::size_t stride, std::size_t nvars,
              std::size_t n, double* out) {
  double local[kBatchDepth + 1][kBatchChunk];  // slot 0 unused, as in muParser
  double* stack[kBatchDepth + 1];
  for (std::size_t k = 0; k <= kBatchDepth; ++k) stack[k] = local[k];
  const auto at = [](const double* p) { return reinterpret_cast<std::uintptr_t>(p); };
  const bool overlap = nvars > 0 && at(out) < at(x + (nvars - 1) * stride + n) && at(x) < at(out + n);
  if (!overlap) stack[1] = out;
  std::size_t s = 0;
  for (const BatchOp& op : ops) {
    switch (op.cmd) {
#define SCIAGENTS_BATCH_BINARY(code, expr)           \
  case mu::code: {                                   \
    --s;                                             \
    double* a = stack[s];                            \
    const double* b = stack[s + 1];                  \
    for (std::size_t i = 0; i < n; ++i) a[i] = expr; \
    break;                                           \
  }
      SCIAGENTS_BATCH_BINARY(cmLE, a[i] <= b[i])
      SCIAGENTS_BATCH_BINARY(cmGE, a[i] >= b[i])
      SCIAGENTS_BATCH_BINARY(cmNEQ, a[i] != b[i])
      SCIAGENTS_BATCH_BINARY(cmEQ, a[i] == b[i])
      SCIAGENTS_BATCH_BINARY(cmLT, a[i] < b[i])
      SCIAGENTS_BATCH_BINARY(cmGT, a[i] > b[i])
      SCIAGENTS_BATCH_BINARY(cmADD, a[i] + b[i])
      SCIAGENTS_BATCH_BINARY(cmSUB, a[i] - b[i])
      SCIAGENTS_BATCH_BINARY(cmMUL, a[i] * b[i])
      SCIAGENTS_BATCH_BINARY(cmDIV, a[i] / b[i])
      SCIAGENTS_BATCH_BINARY(cmPOW, mu::MathImpl<double>::Pow(a[i], b[i]))
      SCIAGENTS_BATCH_BINARY(cmLAND, a[i] && b[i])
      SCIAGENTS_BATCH_BINARY(cmLOR, a[i] || b[i])
#undef SCIAGENTS_BATCH_BINARY
      case mu::cmVAR: {
        const double* v = x + op.var * stride;
        double* a = stack[++s];
        for (std::size_t i = 0; i < n; ++i) a[i] = v[i];
        break;
      }
      case mu::cmVAL: {
        double* a = stack[++s];
        for (std::size_t i = 0; i < n; ++i) a[i] = op.add;
        break;
      }
      case mu::cmVARMUL: {
        const double* v = x + op.var * stride;
        double* a = stack[++s];
        for (std::size_t i = 0; i < n; ++i) a[i] = v[i] * op.mul + op.add;
        break;
      }
      case mu::cmVARPOW2: case mu::cmVARPOW3: case mu::cmVARPOW4: {
        const double* v = x + op.var * stride;
        double* a = stack[++s];
        if (op.cmd == mu::cmVARPOW2)
          for (std::size_t i = 0; i < n; ++i) a[i] = v[i] * v[i];
        else if (op.cmd == mu::cmVARPOW3)
          for (std::size_t i = 0; i < n; ++i) a[i] = v[i] * v[i] * v[i];
        else
          for (std::size_t i = 0; i < n; ++i) a[i] = v[i] * v[i] * v[i] * v[i];
        break;
      }
      case mu::cmFUNC: {
        if (op.inl == Inline::Sqrt) {
          double* a = stack[s];
          for (std::size_t i = 0; i < n; ++i) a[i] = std::sqrt(a[i]);
        } else if (op.inl == Inline::Log) {
          double* a = stack[s];
          for (std::size_t i = 0; i < n; ++i) a[i] = std::log(a[i]);
        } else if (op.inl == Inline::Exp) {
          double* a = stack[s];
          for (std::size_t i = 0; i < n; ++i) a[i] = std::exp(a[i]);
        } else if (op.argc == 1) {
          double* a = stack[s];
          for (std::size_t i = 0; i < n; ++i) a[i] = op.fn.call_fun<1>(a[i]);
        } else if (op.argc == 2) {
          --s;
          double* a = stack[s];
          const double* b = stack[s + 1];
          for (std::size_t i = 0; i < n; ++i) a[i] = op.fn.call_fun<2>(a[i], b[i]);
        } else if (op.argc == 3) {
          s -= 2;
          double* a = stack[s];
          const double* b = stack[s + 1];
          const double* c = stack[s + 2];
          for (std::size_t i = 0; i < n; ++i) a[i] = op.fn.call_fun<3>(a[i], b[i], c[i]);
        } else {  // variadic (sum, min, max, avg): the arguments are the top -argc slots
          const int m = -op.argc;
          s -= static_cast<std::size_t>(m - 1);
          double args[kMaxVariadic];
          for (std::size_t i = 0; i < n; ++i) {
            for (int j = 0; j < m; ++j) args[j] = stack[s + static_cast<std::size_t>(j)][i];
            stack[s][i] = op.fn.call_multfun(args, m);
          }
        }
        break;
      }
      default:
        break;  // not in a built program
    }
  }
  if (overlap)
    for (std::size_t i = 0; i < n; ++i) out[i] = stack[1][i];
}

}  // namespace

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
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    else if (u < 0x20 || u == 0x7F) c = '?';
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

struct Expression::Impl {
  std::string text;
  std::vector<std::string> variables;
  Constants constants;
  std::vector<double> values;  // muParser holds pointers into this buffer
  mu::Parser parser;
  tape::Tape tape;             // empty: evalMany replays `batch`
  std::vector<double> regs;    // the tape's registers for eval (constants loaded)
  std::vector<BatchOp> batch;  // empty too: evalMany goes point by point

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
    tape = tape::compileTape(parser, values);
    if (tape.empty()) {
      batch = batchProgram(parser, values);
    } else {
      regs.assign(tape.registers, 0.0);
      tape::loadConstants(tape, regs.data());
    }
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
  if (!m_impl->tape.empty()) {
    double out = 0;
    tape::runTapeScalar(m_impl->tape, x, m_impl->regs.data(), &out);
    return out;
  }
  return evalReference(x);
}

double Expression::evalReference(const double* x) const {
  // A plain loop: std::copy becomes a memmove call, which costs more than the one or two values.
  double* v = m_impl->values.data();
  for (std::size_t k = 0, n = m_impl->values.size(); k < n; ++k) v[k] = x[k];
  try {
    return m_impl->parser.Eval();
  } catch (const mu::ParserError& e) {
    throw Error(ErrorCode::RunFailed, issueFrom(e, m_impl->text).describe());
  }
}

void Expression::evalMany(const double* x, std::size_t n, double* out) const {
  evalMany(x, n, n, out);
}

void Expression::evalMany(const double* x, std::size_t n, std::size_t stride, double* out) const {
  if (!m_impl->tape.empty()) {
    tape::runTape(m_impl->tape, x, stride, n, out);
    return;
  }
  if (!m_impl->batch.empty()) {
    for (std::size_t i = 0; i < n; i += kBatchChunk)
      runBatch(m_impl->batch, x + i, stride, m_impl->values.size(), std::min(kBatchChunk, n - i), out + i);
    return;
  }
  const std::size_t nv = m_impl->values.size();
  if (nv == 1) {
    for (std::size_t i = 0; i < n; ++i) out[i] = eval(x + i);
    return;
  }
  std::vector<double> point(nv);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < nv; ++k) point[k] = x[k * stride + i];
    out[i] = eval(point.data());
  }
}

const char* Expression::evalManyEngine() const {
  return !m_impl->tape.empty() ? "tape" : !m_impl->batch.empty() ? "bytecode" : "scalar";
}

const std::string& Expression::text() const { return m_impl->text; }
const std::vector<std::string>& Expression::variables() const { return m_impl->variables; }

ExpressionSet::ExpressionSet(const std::vector<std::string>& texts,
                             std::vector<std::string> variables, const Constants& constants)
    : m_variables(variables) {
  m_items.reserve(texts.size());
  for (const auto& t : texts) m_items.emplace_back(t, variables, constants);
  buildTape();
}

ExpressionSet::ExpressionSet(std::vector<Expression> items) : m_items(std::move(items)) {
  if (!m_items.empty()) m_variables = m_items.front().variables();
  for (const Expression& e : m_items)
    if (e.variables() != m_variables)
      throw std::invalid_argument("expression set: '" + e.text() +
                                  "' has other variables than '" + m_items.front().text() + "'");
  buildTape();
}

void ExpressionSet::buildTape() {
  tape::Graph g(static_cast<std::uint32_t>(m_variables.size()));
  std::vector<std::uint32_t> roots;
  for (const Expression& e : m_items) {
    if (e.m_impl->tape.empty()) return;
    const auto root = g.add(e.m_impl->parser, e.m_impl->values);
    if (!root) return;
    roots.push_back(*root);
  }
  auto t = std::make_shared<tape::Tape>(g.finish(roots));
  m_regs.assign(t->registers, 0.0);
  tape::loadConstants(*t, m_regs.data());
  m_tape = std::move(t);
}

void ExpressionSet::eval(std::span<const double> x, std::span<double> out) const {
  if (out.size() != m_items.size())
    throw std::invalid_argument("expression set has " + std::to_string(m_items.size()) +
                                " expressions, output has room for " + std::to_string(out.size()));
  if (x.size() != m_variables.size() && !m_items.empty())
    throw std::invalid_argument("expression set takes " + std::to_string(m_variables.size()) +
                                " values, got " + std::to_string(x.size()));
  eval(x.data(), out.data());
}

void ExpressionSet::eval(const double* x, double* out) const {
  if (m_tape) {
    tape::runTapeScalar(*m_tape, x, m_regs.data(), out);
    return;
  }
  for (std::size_t i = 0; i < m_items.size(); ++i) out[i] = m_items[i].eval(x);
}

std::optional<ExpressionDerivatives> ExpressionDerivatives::build(
    const std::vector<const Expression*>& items, const std::vector<std::size_t>& wrt) {
  const std::size_t nv = items.empty() ? 0 : items.front()->variables().size();
  for (std::size_t k : wrt)
    if (k >= nv)
      throw std::invalid_argument("derivative with respect to variable " + std::to_string(k) +
                                  " of " + std::to_string(nv));
  tape::Graph g(static_cast<std::uint32_t>(nv));
  std::vector<std::uint32_t> roots;
  for (const Expression* e : items) {
    if (e->m_impl->tape.empty()) return std::nullopt;
    const auto root = g.add(e->m_impl->parser, e->m_impl->values);
    if (!root) return std::nullopt;
    roots.push_back(*root);
  }
  std::vector<std::uint32_t> outs;
  outs.reserve(roots.size() * wrt.size());
  for (std::uint32_t r : roots)
    for (std::size_t k : wrt) outs.push_back(g.derivative(r, static_cast<std::uint32_t>(k)));
  ExpressionDerivatives d;
  d.m_rows = roots.size();
  d.m_cols = wrt.size();
  auto t = std::make_shared<tape::Tape>(g.finish(outs));
  d.m_regs.assign(t->registers, 0.0);
  tape::loadConstants(*t, d.m_regs.data());
  d.m_tape = std::move(t);
  return d;
}

std::optional<ExpressionDerivatives> ExpressionDerivatives::of(const Expression& e,
                                                               std::vector<std::size_t> wrt) {
  return build({&e}, wrt);
}

std::optional<ExpressionDerivatives> ExpressionDerivatives::of(const ExpressionSet& s,
                                                               std::vector<std::size_t> wrt) {
  std::vector<const Expression*> items;
  for (const Expression& e : s.m_items) items.push_back(&e);
  return build(items, wrt);
}

void ExpressionDerivatives::eval(const double* x, double* out) const {
  if (m_rows * m_cols == 0) return;
  tape::runTapeScalar(*m_tape, x, m_regs.data(), out);
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
