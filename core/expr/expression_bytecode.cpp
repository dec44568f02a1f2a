// muParser's bytecode replayed over batches of points (expression_bytecode.h).
#include "core/expr/expression_bytecode.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace sciagents::core::expr_detail {

double inlineCall(Inline f, double v) {
  switch (f) {
    case Inline::Sqrt:
      return std::sqrt(v);
    case Inline::Log:
      return std::log(v);
    case Inline::Exp:
      return std::exp(v);
    case Inline::None:
      break;
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
    if (it == functions.end() || std::bit_cast<std::uintptr_t>(it->second.GetAddr()) != addr)
      continue;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    for (double v : {-kInf, -2.5, -0.0, 0.0, 4.9e-324, 1e-300, 1e-10, 0.3, 0.5, 1.0, 2.0, 7.25,
                     709.0, 710.0, 1e300, kInf, std::numeric_limits<double>::quiet_NaN()}) {
      double lib = 0;
      try {
        lib = cb.call_fun<1>(v);
      } catch (...) {  // a build of muParser with math exceptions: keep its callback
        return Inline::None;
      }
      const double own = inlineCall(f, v);
      if (std::bit_cast<std::uint64_t>(lib) != std::bit_cast<std::uint64_t>(own) &&
          !(std::isnan(lib) && std::isnan(own)))
        return Inline::None;
    }
    return f;
  }
  return Inline::None;
}

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
      case mu::cmLE:
      case mu::cmGE:
      case mu::cmNEQ:
      case mu::cmEQ:
      case mu::cmLT:
      case mu::cmGT:
      case mu::cmADD:
      case mu::cmSUB:
      case mu::cmMUL:
      case mu::cmDIV:
      case mu::cmPOW:
      case mu::cmLAND:
      case mu::cmLOR:
        if (depth < 2) return {};
        --depth;
        break;
      case mu::cmVAR:
      case mu::cmVARPOW2:
      case mu::cmVARPOW3:
      case mu::cmVARPOW4:
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
        if (op.argc == 0 || op.argc > 3 || n > kMaxVariadic || depth < static_cast<std::size_t>(n))
          return {};
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
void runBatch(const std::vector<BatchOp>& ops, const double* x, std::size_t stride,
              std::size_t nvars, std::size_t n, double* out) {
  double local[kBatchDepth + 1][kBatchChunk];  // slot 0 unused, as in muParser
  double* stack[kBatchDepth + 1];
  for (std::size_t k = 0; k <= kBatchDepth; ++k) stack[k] = local[k];
  const auto at = [](const double* p) { return reinterpret_cast<std::uintptr_t>(p); };
  const bool overlap =
      nvars > 0 && at(out) < at(x + (nvars - 1) * stride + n) && at(x) < at(out + n);
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
      case mu::cmVARPOW2:
      case mu::cmVARPOW3:
      case mu::cmVARPOW4: {
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

}  // namespace sciagents::core::expr_detail
