// A compiled expression for evaluation over blocks of points: a flat tape of register operations
// (inputs, constants, arithmetic, comparisons, muParser's built-in functions, if-then-else as a
// select), common subexpressions shared, run with SIMD arithmetic and SIMD math (xsimd) over
// blocks of kTapeBlock points.
//
// A point's value never depends on its position in a block or on the number of points: every
// point, the tail included, goes through the same SIMD code (the tail is padded), so results are
// identical for any chunking and thread count. The values agree with muParser's scalar path
// (Expression::eval) to within a few ulps; operations whose SIMD version would differ more, or
// whose special values (NaN, inf, signed zeros) would differ, run libm per lane (see
// expression_tape_kernel.h). Built by compileTape() in expression.cpp from muParser's bytecode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sciagents::core::tape {

enum class Op : std::uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,
  And,
  Or,
  Min,
  Max,     // muParser's std::min/std::max argument order (NaN handling follows it)
  Select,  // a != 0 ? b : c (the ternary operator; both branches are evaluated)
  Neg,
  Abs,
  Sign,
  Rint,
  Sqrt,
  Exp,
  Ln,
  Log2,
  Log10,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Sinh,
  Cosh,
  Tanh,
  Asinh,
  Acosh,
  Atanh,
  Atan2,
  MulAdd,  // a * b + c, rounded twice (never fused into an FMA): made by the tape compiler from a
           // product whose only use is a sum (one dispatch instead of two, the same bits)
};

// dst = op(a, b, c). Registers [0, inputs) hold the variables, then the constants, then
// temporaries (reused once dead).
struct Instr {
  Op op;
  std::uint32_t dst, a, b, c;
};

constexpr std::size_t kTapeBlock = 128;  // points per block (registers are kTapeBlock doubles)

struct Tape {
  std::uint32_t inputs = 0;
  std::vector<double> constants;  // registers inputs .. inputs + constants.size() - 1
  std::uint32_t registers = 0;
  std::vector<Instr> code;
  std::uint32_t result = 0;            // runTape's value: results[0]
  std::vector<std::uint32_t> results;  // every output's register (runTapeScalar)
  bool empty() const { return registers == 0; }
};

// Evaluates the tape at n points; x[k * stride + i] is variable k at point i, out[i] the value.
// Thread-safe (all scratch is local). out may alias x.
void runTape(const Tape& t, const double* x, std::size_t stride, std::size_t n, double* out);

// The scalar path: evaluates the tape at one point. `r` holds t.registers doubles prepared once by
// loadConstants (the constant registers are never written by the code); out[k] receives the value
// of t.results[k]. Plain double arithmetic and the C library's math functions with muParser's own
// formulas: muParser's Eval bit for bit (but (expr)^2..4 of a non-variable base, products within
// an ulp of pow), so within runTape's few ulps of runTape.
void loadConstants(const Tape& t, double* r);
void runTapeScalar(const Tape& t, const double* x, double* r, double* out);

// Which kernel runTape uses on this machine ("avx2" or "sse2"/the compiler's default).
const char* tapeKernelName();

// The kernels (one per instruction set), exposed for tests that compare them bit for bit.
using TapeKernel = void (*)(const Tape&, const double*, std::size_t, std::size_t, double*);
TapeKernel tapeKernelDefault();
TapeKernel tapeKernelAvx2();  // nullptr when not built or not supported by this CPU
using TapeScalarKernel = void (*)(const Tape&, const double*, double*, double*);
TapeScalarKernel tapeScalarKernel();  // runTapeScalar's (built with -ffp-contract=off)

}  // namespace sciagents::core::tape
