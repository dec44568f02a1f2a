// Math expressions over named variables and constants (muParser syntax), compiled once and
// evaluated many times.
//
// Thread safety: an Expression/ExpressionSet must be used by one thread at a time (muParser mutates
// internal state in Eval). Copying makes an independent instance, safe to hand to another thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sciagents::core {

namespace tape {
struct Tape;
}

using Constants = std::map<std::string, double, std::less<>>;

// Where an expression is wrong: 0-based character position in the user's text (clamped to its
// length).
struct ExpressionIssue {
  std::string expression;
  std::size_t position = 0;
  std::string message;  // e.g. "unknown variable 'q'", "missing parenthesis"
  // "<message> at position <p> in '<expression>'" plus a caret line pointing at the position.
  std::string describe() const;
};

// Throws Error(InvalidInput) whose message is ExpressionIssue::describe(); callers add the param.
class Expression {
 public:
  // `variables` are bound by position to the values passed to eval(); `constants` are fixed.
  // Every identifier must be a variable, a constant or a built-in function/constant (_pi, _e, and
  // also pi and e unless a variable or constant of that name is given); anything else is rejected
  // here, at compile time, not at the first evaluation. Also rejected: invalid or duplicate
  // variable names, a name that is both variable and constant, and "a, b" (two results).
  Expression(std::string text, std::vector<std::string> variables, const Constants& constants = {});
  Expression(const Expression& other);
  Expression& operator=(const Expression& other);
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  // One point: runs the compiled tape's scalar path when the expression has a tape (the same bits
  // as evalMany for that point, within a few ulps of muParser), else muParser's bytecode.
  double eval(std::span<const double> x) const;  // x.size() == variables().size()
  double eval(const double* x) const;
  // muParser's bytecode at one point, whatever eval runs: the reference the tape is tested against.
  double evalReference(const double* x) const;
  // Evaluates at n points at once: the value of variable k at point i is x[k * n + i] (for one
  // variable simply the n values); out[i] receives the result; out may be x itself.
  // Runs the compiled tape (core/expr/expression_tape.h: SIMD over blocks of points) when the
  // expression compiles to one, which every built-in function and operator does: values within a
  // few ulps of eval() (bit for bit for arithmetic and comparisons; NaN and infinities where eval()
  // gives them), and a point's value never depends on n, its position or the thread. Otherwise
  // muParser's bytecode is replayed per batch, bit for bit eval().
  void evalMany(const double* x, std::size_t n, double* out) const;
  // The same with variable k at x[k * stride + i] (stride >= n): a block of rows of a column-major
  // matrix with `stride` rows.
  void evalMany(const double* x, std::size_t n, std::size_t stride, double* out) const;
  // "tape" (compiled; evalMany may then be called from several threads at once), "bytecode" or
  // "scalar" (muParser, one thread at a time): which path evalMany takes for this expression.
  const char* evalManyEngine() const;
  double operator()(std::span<const double> x) const { return eval(x); }

  const std::string& text() const;
  const std::vector<std::string>& variables() const;

 private:
  friend class ExpressionSet;
  friend class ExpressionDerivatives;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Several expressions sharing the same variables, e.g. the right-hand side of an ODE system.
// When every expression has a tape, eval runs one tape with all the outputs (subexpressions
// common to several expressions computed once): the same values as each Expression::eval.
class ExpressionSet {
 public:
  ExpressionSet(const std::vector<std::string>& texts, std::vector<std::string> variables,
                const Constants& constants = {});
  // From compiled expressions (callers that report errors per expression); all must have the
  // same variables.
  explicit ExpressionSet(std::vector<Expression> items);
  std::size_t size() const { return m_items.size(); }
  void eval(std::span<const double> x, std::span<double> out) const;  // out.size() == size()
  void eval(const double* x, double* out) const;  // x: every variable, out: size() values
  const Expression& operator[](std::size_t i) const { return m_items[i]; }
  const std::vector<std::string>& variables() const { return m_variables; }
  bool compiled() const { return m_tape != nullptr; }  // eval runs the shared tape

 private:
  friend class ExpressionDerivatives;
  void buildTape();
  std::vector<Expression> m_items;
  std::vector<std::string> m_variables;
  std::shared_ptr<const tape::Tape> m_tape;  // null: each expression evaluates itself
  mutable std::vector<double> m_regs;        // the tape's registers (one thread at a time)
};

// Exact first derivatives d f_i / d x_j of compiled expressions with respect to chosen variables
// (symbolic differentiation of the tape: core/expr/expression_tape_compile.h, Graph::derivative
// for the rules), as one tape evaluated by the scalar path. One thread at a time per instance;
// copies are independent.
class ExpressionDerivatives {
 public:
  // `wrt` are positions in the expressions' variables. Nothing when an expression has no tape
  // (evalManyEngine() != "tape"): callers fall back to difference quotients.
  static std::optional<ExpressionDerivatives> of(const Expression& e, std::vector<std::size_t> wrt);
  static std::optional<ExpressionDerivatives> of(const ExpressionSet& s,
                                                 std::vector<std::size_t> wrt);
  std::size_t rows() const { return m_rows; }
  std::size_t cols() const { return m_cols; }
  // x holds every variable; out[i * cols() + j] = d f_i / d variables[wrt[j]] (row-major).
  void eval(const double* x, double* out) const;

 private:
  ExpressionDerivatives() = default;
  static std::optional<ExpressionDerivatives> build(const std::vector<const Expression*>& items,
                                                    const std::vector<std::size_t>& wrt);
  std::size_t m_rows = 0, m_cols = 0;
  std::shared_ptr<const tape::Tape> m_tape;
  mutable std::vector<double> m_regs;
};

// Syntax-only check without knowing the variables (every identifier is accepted): used by workflow
// validation. Returns the issue, or nothing when the expression parses.
std::optional<ExpressionIssue> checkExpressionSyntax(const std::string& text);

// Identifiers (variables/constants) an expression uses, in order of first appearance. Built-in
// functions and constants (_pi, _e, pi, e) are not listed. For text with a syntax error, the
// identifiers found before the error.
std::vector<std::string> expressionIdentifiers(const std::string& text);

}  // namespace sciagents::core
