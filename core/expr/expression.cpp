// Expressions compiled once and evaluated many times (expression.h): the muParser-compiled form
// behind a scalar tape for one point and a SIMD tape for blocks (expression_tape.h), the muParser
// bytecode batch as fallback (expression_bytecode.h), sets of expressions sharing one tape, and
// exact derivatives. The parser front end and its messages: expression_parse.cpp.
#include "core/expr/expression.h"

#include "core/expr/expression_bytecode.h"
#include "core/expr/expression_parse.h"
#include "core/expr/expression_tape_compile.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string_view>

namespace sciagents::core {

using expr_detail::BatchOp;
using expr_detail::batchProgram;
using expr_detail::compile;
using expr_detail::isIdentifier;
using expr_detail::issueFrom;
using expr_detail::kBatchChunk;
using expr_detail::runBatch;
using expr_detail::throwIssue;

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
      runBatch(m_impl->batch, x + i, stride, m_impl->values.size(), std::min(kBatchChunk, n - i),
               out + i);
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
      throw std::invalid_argument("expression set: '" + e.text() + "' has other variables than '" +
                                  m_items.front().text() + "'");
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

}  // namespace sciagents::core
