// Feeds arbitrary bytes as an expression: the syntax check, the identifier scan and a compiled
// Expression over x, y, t. InvalidInput errors are the documented failure path; anything else
// (crash, sanitizer report, other exception) is a bug. For an expression that compiles to a tape
// it also checks the engines against each other at a few points: the scalar tape path (eval)
// against muParser's bytecode (evalReference) bit for bit when the text has no '^' (the tape
// writes (expr)^2..4 as products); the block path (evalMany) the same at every position of a
// batch, and bit for bit muParser's for arithmetic without functions; an ExpressionSet's shared
// tape equal to its items; and the exact derivatives built and evaluated without a crash.
#include "core/expr/expression.h"
#include "core/util/error.h"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace sciagents::core;

namespace {

bool same(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

// Only x, y, t, numbers and operators: no function, constant name or '^'.
bool plainArithmetic(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '^') return false;
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha) continue;
    const bool exponent = (c == 'e' || c == 'E') && i > 0 &&
                          ((text[i - 1] >= '0' && text[i - 1] <= '9') || text[i - 1] == '.');
    if (c != 'x' && c != 'y' && c != 't' && !exponent) return false;
  }
  return true;
}

void compareEngines(const Expression& e, const std::string& text) {
  constexpr std::size_t kPoints = 6;
  const double pts[kPoints][3] = {{0.5, -1.25, 2.0},   {0.0, -0.0, 1.0}, {-3.5, 7.25, 1e-300},
                                  {1e300, 2.5, -0.75}, {-1.0, 1.0, 0.3}, {100.0, -700.0, 3.14}};
  // Block layout: variable k at x[k * n + i], the points at positions 0..5 of a 9-point batch.
  constexpr std::size_t n = 9;
  std::vector<double> block(3 * n, 0.25), many(n);
  for (std::size_t i = 0; i < kPoints; ++i)
    for (std::size_t k = 0; k < 3; ++k) block[k * n + i + 2] = pts[i][k];
  e.evalMany(block.data(), n, many.data());
  const bool exact_scalar = text.find('^') == std::string::npos;
  const bool exact_block = plainArithmetic(text);
  for (std::size_t i = 0; i < kPoints; ++i) {
    const double one = e.eval(pts[i]);
    const double ref = e.evalReference(pts[i]);
    if (exact_scalar && !same(one, ref)) __builtin_trap();
    double single = 0;
    const double col[3] = {pts[i][0], pts[i][1], pts[i][2]};
    e.evalMany(col, 1, &single);  // one point alone: the same bits as inside the batch
    if (!same(single, many[i + 2])) __builtin_trap();
    if (exact_block && !same(many[i + 2], ref)) __builtin_trap();
  }
  const ExpressionSet set(std::vector<Expression>{e, Expression("x*y - t", {"x", "y", "t"}), e});
  double out[3];
  set.eval(pts[2], out);
  if (!same(out[0], e.eval(pts[2])) || !same(out[2], out[0]) ||
      !same(out[1], pts[2][0] * pts[2][1] - pts[2][2]))
    __builtin_trap();
  if (const auto d = ExpressionDerivatives::of(set, {0, 1, 2})) {
    double j[9];
    for (const auto& p : pts) d->eval(p, j);
  } else {
    __builtin_trap();  // every item has a tape
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;  // muParser rejects long expressions anyway; keep runs fast
  const std::string text(reinterpret_cast<const char*>(data), size);

  const auto issue = checkExpressionSyntax(text);
  if (issue) {
    if (issue->position > text.size() || issue->message.empty()) __builtin_trap();
    (void)issue->describe();
  }
  (void)expressionIdentifiers(text);

  try {
    const Expression e(text, {"x", "y", "t"});
    // Everything Expression accepts must pass the syntax-only check too (it accepts more names).
    if (issue) __builtin_trap();
    const double x[3] = {0.5, -1.25, 2.0};
    const double r = e.eval(x);
    const Expression copy = e;
    const double r2 = copy.eval(x);
    if (!same(r, r2)) __builtin_trap();
    if (std::strcmp(e.evalManyEngine(), "tape") == 0) compareEngines(e, text);
  } catch (const Error& err) {
    if (err.code() != ErrorCode::InvalidInput) __builtin_trap();
  }
  return 0;
}
