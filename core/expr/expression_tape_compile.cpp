// muParser bytecode (reverse Polish, after muParser's constant folding) -> tape: a symbolic stack
// walk that numbers values (equal operations on equal operands share one value, e.g. sin(x1)
// twice in the Ishigami function), then gives temporaries registers that are reused once dead.
// Each bytecode token becomes the operations muParser performs for it, in the same order (x*a + b
// for cmVARMUL, x*x*x for cmVARPOW3, the 0 + a + b ... of sum), so arithmetic is bit for bit
// muParser's. Functions are recognised by calling muParser's callback on probe values and
// comparing with the scalar reference bit for bit, not by name.
#include "core/expr/expression_tape_compile.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

namespace sciagents::core::tape {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kProbes[] = {-kInf,
                              -1e300,
                              -710.0,
                              -3.7,
                              -2.5,
                              -1.0,
                              -0.75,
                              -0.5,
                              -1e-10,
                              -0.0,
                              0.0,
                              4.9e-324,
                              1e-300,
                              1e-10,
                              0.3,
                              0.5,
                              0.49999999999999994,
                              0.9,
                              1.0,
                              1.5,
                              2.0,
                              2.5,
                              7.25,
                              100.0,
                              709.0,
                              710.0,
                              1e300,
                              kInf,
                              std::numeric_limits<double>::quiet_NaN()};

bool same(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

struct Unary {
  Op op;
  double (*ref)(double);
};

// Scalar definitions as muParser 2.3 writes them (MathImpl); the tape kernel computes the same
// functions with SIMD.
const Unary kUnary[] = {
    {Op::Neg, [](double v) { return -v; }},
    {Op::Sin, [](double v) { return std::sin(v); }},
    {Op::Cos, [](double v) { return std::cos(v); }},
    {Op::Tan, [](double v) { return std::tan(v); }},
    {Op::Asin, [](double v) { return std::asin(v); }},
    {Op::Acos, [](double v) { return std::acos(v); }},
    {Op::Atan, [](double v) { return std::atan(v); }},
    {Op::Sinh, [](double v) { return std::sinh(v); }},
    {Op::Cosh, [](double v) { return std::cosh(v); }},
    {Op::Tanh, [](double v) { return std::tanh(v); }},
    {Op::Asinh, [](double v) { return std::log(v + std::sqrt(v * v + 1)); }},
    {Op::Acosh, [](double v) { return std::log(v + std::sqrt(v * v - 1)); }},
    {Op::Atanh, [](double v) { return 0.5 * std::log((1 + v) / (1 - v)); }},
    {Op::Log2, [](double v) { return std::log(v) / std::log(2.0); }},
    {Op::Log10, [](double v) { return std::log10(v); }},
    {Op::Ln, [](double v) { return std::log(v); }},
    {Op::Exp, [](double v) { return std::exp(v); }},
    {Op::Sqrt, [](double v) { return std::sqrt(v); }},
    {Op::Abs, [](double v) { return v >= 0 ? v : -v; }},
    {Op::Sign, [](double v) { return v < 0   ? -1.0
                                     : v > 0 ? 1.0
                                             : 0.0; }},
    {Op::Rint, [](double v) { return std::floor(v + 0.5); }},
};

std::optional<Op> unaryOp(const mu::generic_callable_type& cb) {
  if (cb._pUserData != nullptr) return std::nullopt;
  for (const Unary& u : kUnary) {
    bool ok = true;
    for (double v : kProbes) {
      double lib = 0;
      try {
        lib = cb.call_fun<1>(v);
      } catch (...) {  // e.g. a muParser built with math exceptions: keep its callback
        return std::nullopt;
      }
      if (!same(lib, u.ref(v))) {
        ok = false;
        break;
      }
    }
    if (ok) return u.op;
  }
  return std::nullopt;
}

bool isAtan2(const mu::generic_callable_type& cb) {
  if (cb._pUserData != nullptr) return false;
  for (double a : kProbes)
    for (double b : {-2.0, -0.0, 0.0, 0.5, 3.0, kInf}) try {
        if (!same(cb.call_fun<2>(a, b), std::atan2(a, b))) return false;
      } catch (...) {
        return false;
      }
  return true;
}

enum class Variadic { Sum, Avg, Min, Max };

// Scalar emulation of the tape's expansion of each variadic function.
double variadicRef(Variadic f, const double* v, int n) {
  double acc = f == Variadic::Sum || f == Variadic::Avg ? 0.0 : v[0];
  for (int i = 0; i < n; ++i) {
    if (f == Variadic::Sum || f == Variadic::Avg)
      acc = acc + v[i];
    else if (f == Variadic::Min)
      acc = v[i] < acc ? v[i] : acc;
    else
      acc = acc < v[i] ? v[i] : acc;
  }
  return f == Variadic::Avg ? acc / static_cast<double>(n) : acc;
}

std::optional<Variadic> variadicOp(const mu::generic_callable_type& cb) {
  if (cb._pUserData != nullptr) return std::nullopt;
  double args[4];
  for (Variadic f : {Variadic::Sum, Variadic::Avg, Variadic::Min, Variadic::Max}) {
    bool ok = true;
    for (int m = 1; m <= 4 && ok; ++m)
      for (std::size_t p = 0; p + 3 < std::size(kProbes) && ok; ++p) {
        for (int j = 0; j < m; ++j)
          args[j] = kProbes[(p + 7 * static_cast<std::size_t>(j)) % std::size(kProbes)];
        try {
          ok = same(cb.call_multfun(args, m), variadicRef(f, args, m));
        } catch (...) {
          return std::nullopt;
        }
      }
    if (ok) return f;
  }
  return std::nullopt;
}

}  // namespace

Graph::Graph(std::uint32_t inputs) : m_inputs(inputs) {
  for (std::uint32_t k = 0; k < inputs; ++k)
    m_nodes.push_back({Node::Input, Op::Add, 0, 0, 0, 0, k});
}

std::uint32_t Graph::constant(double v) {
  const auto key = std::bit_cast<std::uint64_t>(v);
  if (auto it = m_consts.find(key); it != m_consts.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(m_nodes.size());
  m_nodes.push_back({Node::Const, Op::Add, 0, 0, 0, v, m_nconst++});
  m_consts.emplace(key, id);
  return id;
}

bool Graph::isConstant(std::uint32_t id, double v) const {
  return id != kZero && m_nodes[id].kind == Node::Const &&
         std::bit_cast<std::uint64_t>(m_nodes[id].value) == std::bit_cast<std::uint64_t>(v);
}

std::uint32_t Graph::op(Op o, std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  const auto key = std::make_tuple(static_cast<int>(o), a, b, c);
  if (auto it = m_ops.find(key); it != m_ops.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(m_nodes.size());
  m_nodes.push_back({Node::Operation, o, a, b, c, 0, 0});
  m_ops.emplace(key, id);
  return id;
}

std::vector<std::uint32_t> Graph::operands(const Node& n) {
  if (n.op == Op::Select || n.op == Op::MulAdd) return {n.a, n.b, n.c};
  if (n.op >= Op::Neg && n.op <= Op::Atanh) return {n.a};
  return {n.a, n.b};
}

// Registers: inputs, constants, then temporaries; an operand's register is freed after its last
// use (lane-wise kernels may write the register they read), a result's never.
// A product whose only use is a sum becomes one MulAdd (the same two roundings, one dispatch):
// muParser's cmVARMUL (x * a + 0) and every "c * x + ..." of a linear combination.
std::vector<Graph::Node> Graph::fusedForTape(const std::vector<std::uint32_t>& results) const {
  std::vector<Node> nodes = m_nodes;
  std::vector<std::uint32_t> uses(nodes.size(), 0);
  std::vector<bool> live(nodes.size(), false);
  for (std::uint32_t r : results) {
    live[r] = true;
    uses[r] += 2;  // a result is kept in its register: never fused away
  }
  for (std::size_t i = nodes.size(); i-- > 0;) {
    if (!live[i] || nodes[i].kind != Node::Operation) continue;
    for (std::uint32_t o : operands(nodes[i])) {
      live[o] = true;
      ++uses[o];
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    if (!live[i] || n.kind != Node::Operation || n.op != Op::Add) continue;
    for (const auto& [product, other] : {std::pair{n.a, n.b}, std::pair{n.b, n.a}}) {
      const Node& m = nodes[product];
      if (m.kind != Node::Operation || m.op != Op::Mul || uses[product] != 1) continue;
      n = {Node::Operation, Op::MulAdd, m.a, m.b, other, 0, 0};  // (a*b) + other == other + a*b
      break;
    }
  }
  return nodes;
}

Tape Graph::finish(const std::vector<std::uint32_t>& results) const {
  const std::vector<Node> nodes = fusedForTape(results);
  Tape t;
  t.inputs = m_inputs;
  t.constants.resize(m_nconst);
  constexpr std::uint32_t kKeep = 0xFFFFFFFFu;
  std::vector<std::uint32_t> reg(nodes.size()), last(nodes.size(), 0);
  std::vector<bool> live(nodes.size(), false);
  for (std::uint32_t r : results) {
    live[r] = true;
    last[r] = kKeep;
  }
  for (std::size_t i = nodes.size(); i-- > 0;) {  // keep only what the results need
    const Node& n = nodes[i];
    if (!live[i] || n.kind != Node::Operation) continue;
    for (std::uint32_t o : operands(n)) {
      live[o] = true;
      if (last[o] == 0) last[o] = static_cast<std::uint32_t>(i);
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.kind == Node::Input) reg[i] = n.index;
    if (n.kind == Node::Const) {
      reg[i] = m_inputs + n.index;
      t.constants[n.index] = n.value;
    }
  }
  std::uint32_t next = m_inputs + m_nconst;
  std::vector<std::uint32_t> free;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.kind != Node::Operation || !live[i]) continue;
    const auto ops = operands(n);
    for (std::size_t j = 0; j < ops.size(); ++j) {
      const std::uint32_t o = ops[j];
      const bool repeated = (j > 0 && ops[j - 1] == o) || (j > 1 && ops[j - 2] == o);
      if (nodes[o].kind == Node::Operation && last[o] == i && !repeated) free.push_back(reg[o]);
    }
    if (free.empty()) {
      reg[i] = next++;
    } else {
      reg[i] = free.back();
      free.pop_back();
    }
    t.code.push_back({n.op, reg[i], reg[n.a], reg[n.b], reg[n.c]});
  }
  t.registers = next;
  for (std::uint32_t r : results) t.results.push_back(reg[r]);
  t.result = t.results.empty() ? 0 : t.results.front();
  return t;
}

std::optional<std::uint32_t> Graph::add(const mu::Parser& parser,
                                        const std::vector<double>& values) {
  const mu::ParserByteCode& code = parser.GetByteCode();
  if (code.GetSize() == 0) return {};
  if (values.size() != m_inputs || m_primal != 0) return {};  // no add() after derivative()
  Graph& b = *this;
  std::vector<std::uint32_t> stack;
  std::vector<std::uint32_t> conditions;                       // cmIF seen, awaiting cmELSE
  std::vector<std::pair<std::uint32_t, std::uint32_t>> thens;  // (condition, then-value)
  auto pop = [&](std::uint32_t& v) {
    if (stack.empty()) return false;
    v = stack.back();
    stack.pop_back();
    return true;
  };
  auto var = [&](const double* p, std::uint32_t& out) {
    for (std::size_t k = 0; k < values.size(); ++k)
      if (p == &values[k]) {
        out = static_cast<std::uint32_t>(k);
        return true;
      }
    return false;
  };
  for (const mu::SToken* t = code.GetBase(); t->Cmd != mu::cmEND; ++t) {
    std::uint32_t x = 0, y = 0;
    switch (t->Cmd) {
      case mu::cmVAL:
        stack.push_back(b.constant(t->Val.data2));
        break;
      case mu::cmVAR:
        if (!var(t->Val.ptr, x)) return {};
        stack.push_back(x);
        break;
      case mu::cmVARMUL:  // x * a + b
        if (!var(t->Val.ptr, x)) return {};
        stack.push_back(
            b.op(Op::Add, b.op(Op::Mul, x, b.constant(t->Val.data)), b.constant(t->Val.data2)));
        break;
      case mu::cmVARPOW2:
      case mu::cmVARPOW3:
      case mu::cmVARPOW4: {
        if (!var(t->Val.ptr, x)) return {};
        std::uint32_t p = b.op(Op::Mul, x, x);
        if (t->Cmd != mu::cmVARPOW2) p = b.op(Op::Mul, p, x);
        if (t->Cmd == mu::cmVARPOW4) p = b.op(Op::Mul, p, x);
        stack.push_back(p);
        break;
      }
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
      case mu::cmLOR: {
        if (!pop(y) || !pop(x)) return {};
        Op o = Op::Add;
        switch (t->Cmd) {
          case mu::cmLE:
            o = Op::Le;
            break;
          case mu::cmGE:
            o = Op::Ge;
            break;
          case mu::cmNEQ:
            o = Op::Ne;
            break;
          case mu::cmEQ:
            o = Op::Eq;
            break;
          case mu::cmLT:
            o = Op::Lt;
            break;
          case mu::cmGT:
            o = Op::Gt;
            break;
          case mu::cmADD:
            o = Op::Add;
            break;
          case mu::cmSUB:
            o = Op::Sub;
            break;
          case mu::cmMUL:
            o = Op::Mul;
            break;
          case mu::cmDIV:
            o = Op::Div;
            break;
          case mu::cmPOW:
            o = Op::Pow;
            break;
          case mu::cmLAND:
            o = Op::And;
            break;
          default:
            o = Op::Or;
            break;
        }
        // base^2, ^3, ^4 with a constant exponent: products, as muParser does for a variable base
        // (within an ulp of pow, and the hot x^2 of a model needs no pow call).
        if (o == Op::Pow) {
          std::uint32_t p = x;
          for (double k : {2.0, 3.0, 4.0})
            if (b.isConstant(y, k)) {
              p = b.op(Op::Mul, x, x);
              if (k >= 3) p = b.op(Op::Mul, p, x);
              if (k >= 4) p = b.op(Op::Mul, p, x);
            }
          if (p != x) {
            stack.push_back(p);
            break;
          }
        }
        stack.push_back(b.op(o, x, y));
        break;
      }
      case mu::cmIF:
        if (!pop(x)) return {};
        conditions.push_back(x);
        break;
      case mu::cmELSE:
        if (!pop(x) || conditions.empty()) return {};
        thens.emplace_back(conditions.back(), x);
        conditions.pop_back();
        break;
      case mu::cmENDIF:
        if (!pop(y) || thens.empty()) return {};
        stack.push_back(b.op(Op::Select, thens.back().first, thens.back().second, y));
        thens.pop_back();
        break;
      case mu::cmFUNC: {
        const mu::generic_callable_type& cb = t->Fun.cb;
        const int argc = t->Fun.argc;
        if (argc == 1) {
          const auto o = unaryOp(cb);
          if (!o || !pop(x)) return {};
          stack.push_back(b.op(*o, x));
        } else if (argc == 2) {
          if (!isAtan2(cb) || !pop(y) || !pop(x)) return {};
          stack.push_back(b.op(Op::Atan2, x, y));
        } else if (argc < 0) {
          const auto n = static_cast<std::size_t>(-argc);
          const auto f = variadicOp(cb);
          if (!f || stack.size() < n) return {};
          const std::vector<std::uint32_t> args(stack.end() - static_cast<std::ptrdiff_t>(n),
                                                stack.end());
          stack.resize(stack.size() - n);
          std::uint32_t acc =
              *f == Variadic::Sum || *f == Variadic::Avg ? b.constant(0.0) : args[0];
          for (std::size_t i = 0; i < n; ++i) {
            if (*f == Variadic::Sum || *f == Variadic::Avg)
              acc = b.op(Op::Add, acc, args[i]);
            else if (i > 0)
              acc = b.op(*f == Variadic::Min ? Op::Min : Op::Max, acc, args[i]);
          }
          if (*f == Variadic::Avg) acc = b.op(Op::Div, acc, b.constant(static_cast<double>(n)));
          stack.push_back(acc);
        } else {
          return {};  // no arguments (e.g. a random number) or three and more: muParser's path
        }
        break;
      }
      default:
        return {};  // strings, bulk functions, user operators: muParser's scalar path
    }
  }
  if (stack.size() != 1 || !conditions.empty() || !thens.empty()) return {};
  return stack.back();
}

Tape compileTape(const mu::Parser& parser, const std::vector<double>& values) {
  Graph g(static_cast<std::uint32_t>(values.size()));
  const auto root = g.add(parser, values);
  return root ? g.finish({*root}) : Tape{};
}

}  // namespace sciagents::core::tape
