// muParser's bytecode replayed over batches of points: Expression::evalMany's fallback for the
// expressions the tape (expression_tape.h) cannot represent. Internal to core/expr.
#pragma once

#include <muParser.h>

#include <cstddef>
#include <vector>

namespace sciagents::core::expr_detail {

// Built-in one-argument functions run inline (no call into the library per point) once shown to
// give muParser's callback's results bit for bit on probe values.
enum class Inline : unsigned char { None, Sqrt, Log, Exp };

// muParser's final bytecode (reverse Polish, after its constant folding) replayed over a batch of
// points: every token runs over the whole batch before the next, so the dispatch is paid once per
// batch instead of once per point. Each token does exactly what ParserBase::ParseCmdCodeBulk does
// for one point (same operations in the same order, muParser's own function pointers or the
// checked inline equivalents above), so the results are bit for bit those of Parser::Eval. Bytecode
// with anything else (if-then-else, string or bulk functions, functions without arguments such as
// rnd, whose call order would change) is not replayed; evalMany then evaluates point by point.
struct BatchOp {
  mu::ECmdCode cmd = mu::cmUNKNOWN;
  Inline inl = Inline::None;  // cmFUNC with one argument
  std::size_t var = 0;        // cmVAR, cmVARMUL, cmVARPOW2..4: index into the variables
  double mul = 0, add = 0;    // cmVAL: add; cmVARMUL: x * mul + add
  mu::generic_callable_type fn{};
  int argc = 0;  // cmFUNC: > 0 fixed arguments, < 0 -(variadic argument count)
};

constexpr std::size_t kBatchDepth = 16;  // deepest evaluation stack replayed in batches
constexpr std::size_t kBatchChunk =
    64;  // points per pass (stack: kBatchDepth * kBatchChunk doubles)
constexpr int kMaxVariadic = 32;

// The batch program of a compiled parser, or an empty one when the bytecode cannot be replayed.
std::vector<BatchOp> batchProgram(const mu::Parser& parser, const std::vector<double>& values);

// Runs `ops` over points [0, n) with n <= kBatchChunk; x[k * stride + i] is variable k at point i.
void runBatch(const std::vector<BatchOp>& ops, const double* x, std::size_t stride,
              std::size_t nvars, std::size_t n, double* out);

}  // namespace sciagents::core::expr_detail
