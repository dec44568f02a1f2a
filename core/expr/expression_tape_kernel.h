// The block evaluator behind runTape, as a template over an xsimd instruction set. Included only
// by the expression_tape_<isa>.cpp files, each compiled for its instruction set (without FMA and
// with -ffp-contract=off, so every instruction set gives the same bits). No std algorithms here:
// their instantiations would be shared with other files, and the linker could keep an AVX2 copy.
//
// SIMD math (xsimd) for the functions whose results stay within a few ulps of glibc's and whose
// special values agree with it (checked by tests/core/test_expression_tape.cpp over the corpus,
// random points and special values). pow runs std::pow per lane: its special cases (0^-1,
// (-8)^(1/3), 1^NaN, ...) and its accuracy are exactly muParser's that way; constant integer
// exponents are rewritten as products at compile time, as muParser does for a variable base.
#pragma once

#include "core/expr/expression_tape.h"

#include <xsimd/xsimd.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace sciagents::core::tape {
namespace {

template <class Arch>
struct Kernel {
  using B = xsimd::batch<double, Arch>;
  static constexpr std::size_t W = B::size;

  static void run(const Tape& t, const double* x, std::size_t stride, std::size_t n, double* out) {
    // Registers hold `block` lanes: kTapeBlock, or fewer for a short call (one point costs one
    // SIMD width, not a whole block); small scratch lives on the stack.
    const std::size_t block = n < kTapeBlock ? (n + W - 1) / W * W : kTapeBlock;
    const std::size_t need = static_cast<std::size_t>(t.registers) * block;
    constexpr std::size_t kLocal = 2048;
    alignas(64) double local[kLocal];
    std::vector<double, xsimd::aligned_allocator<double, 64>> heap(need > kLocal ? need : 0);
    double* r = need > kLocal ? heap.data() : local;
    for (std::size_t k = 0; k < t.constants.size(); ++k)
      for (std::size_t i = 0; i < block; ++i) r[(t.inputs + k) * block + i] = t.constants[k];
    for (std::size_t start = 0; start < n; start += block) {
      const std::size_t m = n - start < block ? n - start : block;
      const std::size_t lanes = (m + W - 1) / W * W;  // padded lanes: zeros, results dropped
      for (std::size_t k = 0; k < t.inputs; ++k) {
        double* dst = r + k * block;
        const double* src = x + k * stride + start;
        for (std::size_t i = 0; i < m; ++i) dst[i] = src[i];
        for (std::size_t i = m; i < lanes; ++i) dst[i] = 0.0;
      }
      for (const Instr& in : t.code) step(in, r, block, lanes);
      const double* res = r + static_cast<std::size_t>(t.result) * block;
      for (std::size_t i = 0; i < m; ++i) out[start + i] = res[i];
    }
  }

  static B load(const double* p) { return B::load_aligned(p); }

  template <class F>
  static void unary(double* d, const double* a, std::size_t lanes, F f) {
    for (std::size_t i = 0; i < lanes; i += W) f(load(a + i)).store_aligned(d + i);
  }
  template <class F>
  static void binary(double* d, const double* a, const double* b, std::size_t lanes, F f) {
    for (std::size_t i = 0; i < lanes; i += W) f(load(a + i), load(b + i)).store_aligned(d + i);
  }
  template <class F>
  static void lanewise1(double* d, const double* a, std::size_t lanes, F f) {
    for (std::size_t i = 0; i < lanes; ++i) d[i] = f(a[i]);
  }

  // f(u) in SIMD, except the lanes where `libm` is set, which get g (the C library, as muParser)
  // of their own value. Those lanes are replaced by `safe` in the SIMD call, so the batch never
  // takes a slower branch chosen for all lanes at once: a lane's value depends on itself alone.
  template <class F, class G>
  static B guarded(B u, xsimd::batch_bool<double, Arch> libm, B safe, F f, G g) {
    if (!xsimd::any(libm)) return f(u);
    alignas(64) double in[W], mask[W], res[W];
    u.store_aligned(in);
    xsimd::select(libm, B(1.0), B(0.0)).store_aligned(mask);
    f(xsimd::select(libm, safe, u)).store_aligned(res);
    for (std::size_t j = 0; j < W; ++j)
      if (mask[j] != 0) res[j] = g(in[j]);
    return B::load_aligned(res);
  }
  // xsimd's argument reduction picks its method from the largest lane (a lane's bits would depend
  // on its neighbours), and its methods up to 20 pi agree with each other except right at pi/4:
  // lanes beyond 60 or within 1e-13 of pi/4 go to libm.
  template <class F, class G>
  static B trig(B u, F f, G g) {
    const B v = xsimd::abs(u);
    const auto libm = !(v <= B(60.0)) || (xsimd::abs(v - B(0.78539816339744828)) < B(1e-13));
    return guarded(u, libm, B(0.5), f, g);
  }
  // Subnormal arguments and results, overflow: xsimd's log is wrong for subnormal x, its exp
  // flushes subnormal results to zero and overflows early (near 709.6).
  static B ln(B u) {
    return guarded(
        u, (u > B(0.0)) && (u < B(2.2250738585072014e-308)), B(1.0),
        [](B w) { return xsimd::log(w); }, [](double v) { return std::log(v); });
  }
  static B log10(B u) {
    return guarded(
        u, (u > B(0.0)) && (u < B(2.2250738585072014e-308)), B(1.0),
        [](B w) { return xsimd::log10(w); }, [](double v) { return std::log10(v); });
  }
  // NaN lanes too: xsimd's exp converts its reduced argument to an integer, undefined behaviour
  // for NaN and the infinities (found by tests/fuzz/fuzz_expression.cpp under UBSan).
  static B exp(B u) {
    return guarded(
        u, !((u >= B(-708.25)) && (u <= B(709.0))), B(0.0), [](B w) { return xsimd::exp(w); },
        [](double v) { return std::exp(v); });
  }
  // sinh, cosh and tanh call xsimd's exp inside: infinite, NaN and huge lanes (where all three are
  // +-inf or +-1 anyway, or within a few ulps of the C library) go to libm.
  template <class F, class G>
  static B hyperbolic(B u, F f, G g) {
    return guarded(u, !(xsimd::abs(u) <= B(700.0)), B(0.0), f, g);
  }
  static B sinh(B u) {
    return hyperbolic(
        u, [](B w) { return xsimd::sinh(w); }, [](double v) { return std::sinh(v); });
  }
  static B cosh(B u) {
    return hyperbolic(
        u, [](B w) { return xsimd::cosh(w); }, [](double v) { return std::cosh(v); });
  }
  static B tanh(B u) {
    return hyperbolic(
        u, [](B w) { return xsimd::tanh(w); }, [](double v) { return std::tanh(v); });
  }

  static B log2(B u) { return ln(u) / B(std::log(2.0)); }  // muParser: log(v) / log(2)
  static B sin(B u) {
    return trig(
        u, [](B w) { return xsimd::sin(w); }, [](double v) { return std::sin(v); });
  }
  static B cos(B u) {
    return trig(
        u, [](B w) { return xsimd::cos(w); }, [](double v) { return std::cos(v); });
  }
  static B tan(B u) {
    return trig(
        u, [](B w) { return xsimd::tan(w); }, [](double v) { return std::tan(v); });
  }
  // muParser's own formulas for these three (not the C library's asinh & co.).
  static B asinh(B u) { return ln(u + xsimd::sqrt(u * u + B(1.0))); }
  static B acosh(B u) { return ln(u + xsimd::sqrt(u * u - B(1.0))); }
  static B atanh(B u) { return B(0.5) * ln((B(1.0) + u) / (B(1.0) - u)); }

  static B flag(xsimd::batch_bool<double, Arch> c) { return xsimd::select(c, B(1.0), B(0.0)); }
  static B notFlag(xsimd::batch_bool<double, Arch> c) { return xsimd::select(c, B(0.0), B(1.0)); }

  static void step(const Instr& in, double* r, std::size_t block, std::size_t lanes) {
    double* d = r + static_cast<std::size_t>(in.dst) * block;
    const double* a = r + static_cast<std::size_t>(in.a) * block;
    const double* b = r + static_cast<std::size_t>(in.b) * block;
    const double* c = r + static_cast<std::size_t>(in.c) * block;
    switch (in.op) {
      case Op::Add:
        binary(d, a, b, lanes, [](B u, B v) { return u + v; });
        break;
      case Op::Sub:
        binary(d, a, b, lanes, [](B u, B v) { return u - v; });
        break;
      case Op::Mul:
        binary(d, a, b, lanes, [](B u, B v) { return u * v; });
        break;
      case Op::Div:
        binary(d, a, b, lanes, [](B u, B v) { return u / v; });
        break;
      case Op::Pow:
        for (std::size_t i = 0; i < lanes; ++i) d[i] = std::pow(a[i], b[i]);
        break;
      case Op::Lt:
        binary(d, a, b, lanes, [](B u, B v) { return flag(u < v); });
        break;
      case Op::Le:
        binary(d, a, b, lanes, [](B u, B v) { return flag(u <= v); });
        break;
      case Op::Gt:
        binary(d, a, b, lanes, [](B u, B v) { return flag(u > v); });
        break;
      case Op::Ge:
        binary(d, a, b, lanes, [](B u, B v) { return flag(u >= v); });
        break;
      case Op::Eq:
        binary(d, a, b, lanes, [](B u, B v) { return flag(u == v); });
        break;
      // "Not equal" is spelled "not ==": with NaN it is true, as in C++ (xsimd's != may be the
      // ordered comparison, false with NaN, on some instruction sets).
      case Op::Ne:
        binary(d, a, b, lanes, [](B u, B v) { return notFlag(u == v); });
        break;
      case Op::And:
        binary(d, a, b, lanes, [](B u, B v) { return notFlag((u == B(0.0)) || (v == B(0.0))); });
        break;
      case Op::Or:
        binary(d, a, b, lanes, [](B u, B v) { return notFlag((u == B(0.0)) && (v == B(0.0))); });
        break;
      case Op::Min:  // std::min(u, v): v < u ? v : u
        binary(d, a, b, lanes, [](B u, B v) { return xsimd::select(v < u, v, u); });
        break;
      case Op::Max:  // std::max(u, v): u < v ? v : u
        binary(d, a, b, lanes, [](B u, B v) { return xsimd::select(u < v, v, u); });
        break;
      case Op::Select:
        for (std::size_t i = 0; i < lanes; i += W)
          xsimd::select(load(a + i) == B(0.0), load(c + i), load(b + i)).store_aligned(d + i);
        break;
      case Op::MulAdd:
        for (std::size_t i = 0; i < lanes; i += W)
          (load(a + i) * load(b + i) + load(c + i)).store_aligned(d + i);
        break;
      case Op::Neg:
        unary(d, a, lanes, [](B u) { return -u; });
        break;
      case Op::Abs:  // muParser's v >= 0 ? v : -v (abs(-0) is -0, the sign of NaN flips)
        unary(d, a, lanes, [](B u) { return xsimd::select(u >= B(0.0), u, -u); });
        break;
      case Op::Sign:
        unary(d, a, lanes, [](B u) {
          return xsimd::select(u < B(0.0), B(-1.0), xsimd::select(u > B(0.0), B(1.0), B(0.0)));
        });
        break;
      case Op::Rint:
        unary(d, a, lanes, [](B u) { return xsimd::floor(u + B(0.5)); });
        break;
      case Op::Sqrt:
        unary(d, a, lanes, [](B u) { return xsimd::sqrt(u); });
        break;
      case Op::Exp:
        unary(d, a, lanes, [](B u) { return exp(u); });
        break;
      case Op::Ln:
        unary(d, a, lanes, [](B u) { return ln(u); });
        break;
      case Op::Log2:
        unary(d, a, lanes, [](B u) { return log2(u); });
        break;
      case Op::Log10:
        unary(d, a, lanes, [](B u) { return log10(u); });
        break;
      case Op::Sin:
        unary(d, a, lanes, [](B u) { return sin(u); });
        break;
      case Op::Cos:
        unary(d, a, lanes, [](B u) { return cos(u); });
        break;
      case Op::Tan:
        unary(d, a, lanes, [](B u) { return tan(u); });
        break;
      case Op::Asin:
        unary(d, a, lanes, [](B u) { return xsimd::asin(u); });
        break;
      case Op::Acos:
        unary(d, a, lanes, [](B u) { return xsimd::acos(u); });
        break;
      case Op::Atan:
        unary(d, a, lanes, [](B u) { return xsimd::atan(u); });
        break;
      case Op::Sinh:
        unary(d, a, lanes, [](B u) { return sinh(u); });
        break;
      case Op::Cosh:
        unary(d, a, lanes, [](B u) { return cosh(u); });
        break;
      case Op::Tanh:
        unary(d, a, lanes, [](B u) { return tanh(u); });
        break;
      case Op::Asinh:
        unary(d, a, lanes, [](B u) { return asinh(u); });
        break;
      case Op::Acosh:
        unary(d, a, lanes, [](B u) { return acosh(u); });
        break;
      case Op::Atanh:
        unary(d, a, lanes, [](B u) { return atanh(u); });
        break;
      case Op::Atan2:
        binary(d, a, b, lanes, [](B u, B v) { return xsimd::atan2(u, v); });
        break;
    }
  }

  // One point (runTapeScalar): plain double arithmetic (the same IEEE operations as the SIMD
  // lanes) and the C library's functions with muParser's own formulas (MathImpl; the callbacks
  // were matched against them bit for bit at compile time), so a value is muParser's Eval bit for
  // bit except (expr)^2..4 of a non-variable base (products, within an ulp of pow); the block
  // kernel's SIMD math differs from it by the few ulps it differs from muParser.
  static void scalar(const Tape& t, const double* x, double* r, double* out) {
    for (std::uint32_t k = 0; k < t.inputs; ++k) r[k] = x[k];
    for (const Instr& in : t.code) {
      const double a = r[in.a];
      double v = 0;
      switch (in.op) {
        case Op::Add:
          v = a + r[in.b];
          break;
        case Op::Sub:
          v = a - r[in.b];
          break;
        case Op::Mul:
          v = a * r[in.b];
          break;
        case Op::Div:
          v = a / r[in.b];
          break;
        case Op::Pow:
          v = std::pow(a, r[in.b]);
          break;
        case Op::Lt:
          v = a < r[in.b] ? 1.0 : 0.0;
          break;
        case Op::Le:
          v = a <= r[in.b] ? 1.0 : 0.0;
          break;
        case Op::Gt:
          v = a > r[in.b] ? 1.0 : 0.0;
          break;
        case Op::Ge:
          v = a >= r[in.b] ? 1.0 : 0.0;
          break;
        case Op::Eq:
          v = a == r[in.b] ? 1.0 : 0.0;
          break;
        case Op::Ne:
          v = a == r[in.b] ? 0.0 : 1.0;
          break;
        case Op::And:
          v = a == 0.0 || r[in.b] == 0.0 ? 0.0 : 1.0;
          break;
        case Op::Or:
          v = a == 0.0 && r[in.b] == 0.0 ? 0.0 : 1.0;
          break;
        case Op::Min:
          v = r[in.b] < a ? r[in.b] : a;
          break;
        case Op::Max:
          v = a < r[in.b] ? r[in.b] : a;
          break;
        case Op::Select:
          v = a == 0.0 ? r[in.c] : r[in.b];
          break;
        case Op::MulAdd:
          v = a * r[in.b] + r[in.c];
          break;
        case Op::Neg:
          v = -a;
          break;
        case Op::Abs:
          v = a >= 0.0 ? a : -a;
          break;
        case Op::Sign:
          v = a < 0.0 ? -1.0 : a > 0.0 ? 1.0 : 0.0;
          break;
        case Op::Rint:
          v = std::floor(a + 0.5);
          break;
        case Op::Sqrt:
          v = std::sqrt(a);
          break;
        case Op::Exp:
          v = std::exp(a);
          break;
        case Op::Ln:
          v = std::log(a);
          break;
        case Op::Log2:
          v = std::log(a) / std::log(2.0);
          break;
        case Op::Log10:
          v = std::log10(a);
          break;
        case Op::Sin:
          v = std::sin(a);
          break;
        case Op::Cos:
          v = std::cos(a);
          break;
        case Op::Tan:
          v = std::tan(a);
          break;
        case Op::Asin:
          v = std::asin(a);
          break;
        case Op::Acos:
          v = std::acos(a);
          break;
        case Op::Atan:
          v = std::atan(a);
          break;
        case Op::Sinh:
          v = std::sinh(a);
          break;
        case Op::Cosh:
          v = std::cosh(a);
          break;
        case Op::Tanh:
          v = std::tanh(a);
          break;
        case Op::Asinh:
          v = std::log(a + std::sqrt(a * a + 1));
          break;
        case Op::Acosh:
          v = std::log(a + std::sqrt(a * a - 1));
          break;
        case Op::Atanh:
          v = 0.5 * std::log((1 + a) / (1 - a));
          break;
        case Op::Atan2:
          v = std::atan2(a, r[in.b]);
          break;
      }
      r[in.dst] = v;
    }
    for (std::size_t k = 0; k < t.results.size(); ++k) out[k] = r[t.results[k]];
  }
};

}  // namespace
}  // namespace sciagents::core::tape
