// Graph::derivative: exact first derivatives by symbolic forward differentiation over the value
// graph. Every node's derivative with respect to an input is built once (kZero when it does not
// depend on it, so unrelated branches cost nothing), sharing subexpressions with the values
// themselves (d exp(u) = exp(u) du reuses the exp node, d sqrt(u) divides by the sqrt node).
#include "core/expr/expression_tape_compile.h"

#include <cmath>
#include <numbers>
#include <utility>

namespace sciagents::core::tape {

std::uint32_t Graph::dAdd(std::uint32_t x, std::uint32_t y) {
  if (x == kZero) return y;
  if (y == kZero) return x;
  return op(Op::Add, std::min(x, y), std::max(x, y));  // commutative: one node for x+y and y+x
}

std::uint32_t Graph::dSub(std::uint32_t x, std::uint32_t y) {
  if (y == kZero) return x;
  if (x == kZero) return dNeg(y);
  return op(Op::Sub, x, y);
}

std::uint32_t Graph::dMul(std::uint32_t x, std::uint32_t y) {
  if (x == kZero || y == kZero || isConstant(x, 0.0) || isConstant(y, 0.0)) return kZero;
  if (isConstant(x, 1.0)) return y;
  if (isConstant(y, 1.0)) return x;
  if (m_nodes[x].kind == Node::Const && m_nodes[y].kind == Node::Const)
    return constant(m_nodes[x].value * m_nodes[y].value);
  return op(Op::Mul, std::min(x, y), std::max(x, y));
}

std::uint32_t Graph::dDiv(std::uint32_t x, std::uint32_t y) {
  if (x == kZero) return kZero;
  if (isConstant(y, 1.0)) return x;
  return op(Op::Div, x, y);
}

std::uint32_t Graph::dNeg(std::uint32_t x) {
  if (x == kZero) return kZero;
  if (m_nodes[x].kind == Node::Const) return constant(-m_nodes[x].value);
  if (m_nodes[x].kind == Node::Operation && m_nodes[x].op == Op::Neg) return m_nodes[x].a;
  return op(Op::Neg, x);
}

std::uint32_t Graph::dSelect(std::uint32_t c, std::uint32_t x, std::uint32_t y) {
  if (x == kZero && y == kZero) return kZero;
  if (x == y) return x;
  return op(Op::Select, c, x == kZero ? constant(0.0) : x, y == kZero ? constant(0.0) : y);
}

// x^k for a constant k: products for 2, 3 and 4 (as the compiler writes them), else pow.
std::uint32_t Graph::powConst(std::uint32_t x, double k) {
  if (k == 1.0) return x;
  if (k == 2.0 || k == 3.0 || k == 4.0) {
    std::uint32_t p = op(Op::Mul, x, x);
    if (k >= 3.0) p = op(Op::Mul, p, x);
    if (k >= 4.0) p = op(Op::Mul, p, x);
    return p;
  }
  return op(Op::Pow, x, constant(k));
}

// d node i, given the derivatives d of every earlier node.
std::uint32_t Graph::derivativeOf(std::uint32_t i, const std::vector<std::uint32_t>& d) {
  const Node n = m_nodes[i];  // a copy: building nodes below may grow m_nodes
  const std::uint32_t a = n.a, b = n.b;
  const std::uint32_t da = d[a],
                      db = (n.op == Op::Select || !(n.op >= Op::Neg && n.op <= Op::Atanh)) ? d[b]
                                                                                           : kZero;
  const auto one = [&] { return constant(1.0); };
  const auto sq = [&](std::uint32_t x) { return op(Op::Mul, x, x); };
  switch (n.op) {
    case Op::Add:
      return dAdd(da, db);
    case Op::Sub:
      return dSub(da, db);
    case Op::Mul:
      return dAdd(dMul(da, b), dMul(a, db));
    case Op::Div:  // (da - (a/b) db) / b
      return dDiv(dSub(da, dMul(i, db)), b);
    case Op::Pow: {
      std::uint32_t out = kZero;
      if (da != kZero) {  // b a^(b-1) da
        const std::uint32_t lower = m_nodes[b].kind == Node::Const
                                        ? powConst(a, m_nodes[b].value - 1.0)
                                        : op(Op::Pow, a, op(Op::Sub, b, one()));
        out = dMul(dMul(b, lower), da);
      }
      if (db != kZero) out = dAdd(out, dMul(dMul(i, op(Op::Ln, a)), db));  // a^b ln(a) db
      return out;
    }
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne:
    case Op::And:
    case Op::Or:
    case Op::Sign:
    case Op::Rint:
      return kZero;
    case Op::Min:  // b < a ? b : a
      return dSelect(op(Op::Lt, b, a), db, da);
    case Op::Max:  // a < b ? b : a
      return dSelect(op(Op::Lt, a, b), db, da);
    case Op::Select:
      return dSelect(a, db, d[n.c]);
    case Op::Neg:
      return dNeg(da);
    case Op::Abs:
      return dMul(op(Op::Sign, a), da);
    case Op::Sqrt:
      return dDiv(dMul(constant(0.5), da), i);
    case Op::Exp:
      return dMul(i, da);
    case Op::Ln:
      return dDiv(da, a);
    case Op::Log2:
      return dDiv(da, dMul(a, constant(std::numbers::ln2)));
    case Op::Log10:
      return dDiv(da, dMul(a, constant(std::numbers::ln10)));
    case Op::Sin:
      return dMul(op(Op::Cos, a), da);
    case Op::Cos:
      return dNeg(dMul(op(Op::Sin, a), da));
    case Op::Tan:
      return dMul(dAdd(one(), sq(i)), da);
    case Op::Asin:
      return dDiv(da, op(Op::Sqrt, op(Op::Sub, one(), sq(a))));
    case Op::Acos:
      return dNeg(dDiv(da, op(Op::Sqrt, op(Op::Sub, one(), sq(a)))));
    case Op::Atan:
      return dDiv(da, dAdd(one(), sq(a)));
    case Op::Sinh:
      return dMul(op(Op::Cosh, a), da);
    case Op::Cosh:
      return dMul(op(Op::Sinh, a), da);
    case Op::Tanh:
      return dMul(op(Op::Sub, one(), sq(i)), da);
    case Op::Asinh:
      return dDiv(da, op(Op::Sqrt, dAdd(sq(a), one())));
    case Op::Acosh:
      return dDiv(da, op(Op::Sqrt, op(Op::Sub, sq(a), one())));
    case Op::Atanh:
      return dDiv(da, op(Op::Sub, one(), sq(a)));
    case Op::Atan2:  // atan2(a, b): (b da - a db) / (a^2 + b^2)
      return dDiv(dSub(dMul(b, da), dMul(a, db)), dAdd(sq(a), sq(b)));
    case Op::MulAdd:  // only in finished tapes (fusedForTape), never a graph node
      break;
  }
  return kZero;
}

std::uint32_t Graph::derivative(std::uint32_t value, std::uint32_t input) {
  if (m_primal == 0) m_primal = static_cast<std::uint32_t>(m_nodes.size());
  // d[i] = d node i / d input, filled in node order (operands come before their users) up to
  // `value`; nodes made by differentiation (from m_primal on) are not differentiated again. The
  // map's vector stays in place while derivativeOf adds nodes.
  std::vector<std::uint32_t>& d = m_derivs[input];
  const auto known = static_cast<std::uint32_t>(d.size());
  if (value >= known) {
    d.resize(static_cast<std::size_t>(value) + 1, kZero);
    for (std::uint32_t i = known; i <= value; ++i) {
      const Node::Kind kind = m_nodes[i].kind;
      if (kind == Node::Input)
        d[i] = m_nodes[i].index == input ? constant(1.0) : kZero;
      else if (kind == Node::Const || i >= m_primal)
        d[i] = kZero;
      else
        d[i] = derivativeOf(i, d);
    }
  }
  return d[value] == kZero ? constant(0.0) : d[value];
}

}  // namespace sciagents::core::tape
