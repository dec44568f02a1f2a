// Builds tapes (core/expr/expression_tape.h) from compiled muParser parsers, and exact derivatives
// of them. Private to core/expr: only expression*.cpp include it.
#pragma once

#include "core/expr/expression_tape.h"

#include <muParser.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

namespace sciagents::core::tape {

// A graph of values (inputs, constants, operations) with common subexpressions shared: one or
// several parsed expressions over the same inputs, their derivatives, then a tape of the chosen
// outputs.
class Graph {
 public:
  explicit Graph(std::uint32_t inputs);
  // The value of `parser`'s final bytecode, whose variables point into `values` (variable k is
  // values[k], input k); nothing when the bytecode holds something a tape cannot represent
  // (string or bulk functions, functions without arguments, user callbacks it does not
  // recognise), or after derivative() was called.
  std::optional<std::uint32_t> add(const mu::Parser& parser, const std::vector<double>& values);
  // d value / d input k (symbolic forward differentiation over the graph; the new operations are
  // shared like any other). Rules: the usual ones; comparisons, sign and rint have derivative 0;
  // abs' is sign (0 at 0); min, max and ?: take the derivative of the branch they select.
  std::uint32_t derivative(std::uint32_t value, std::uint32_t input);
  // A tape computing `results` (registers of values no result needs are never allocated).
  Tape finish(const std::vector<std::uint32_t>& results) const;

 private:
  struct Node {
    enum Kind { Input, Const, Operation } kind;
    Op op = Op::Add;
    std::uint32_t a = 0, b = 0, c = 0;
    double value = 0;
    std::uint32_t index = 0;  // input number or constant number
  };
  static constexpr std::uint32_t kZero = 0xFFFFFFFFu;  // a structurally zero derivative

  std::uint32_t constant(double v);
  bool isConstant(std::uint32_t id, double v) const;
  std::uint32_t op(Op o, std::uint32_t a, std::uint32_t b = 0, std::uint32_t c = 0);
  static std::vector<std::uint32_t> operands(const Node& n);
  std::vector<Node> fusedForTape(const std::vector<std::uint32_t>& results) const;
  // Derivative arithmetic: kZero-aware, constant-folding for 0 and 1.
  std::uint32_t dAdd(std::uint32_t x, std::uint32_t y);
  std::uint32_t dSub(std::uint32_t x, std::uint32_t y);
  std::uint32_t dMul(std::uint32_t x, std::uint32_t y);
  std::uint32_t dDiv(std::uint32_t x, std::uint32_t y);
  std::uint32_t dNeg(std::uint32_t x);
  std::uint32_t dSelect(std::uint32_t c, std::uint32_t x, std::uint32_t y);
  std::uint32_t powConst(std::uint32_t x, double k);
  std::uint32_t derivativeOf(std::uint32_t i, const std::vector<std::uint32_t>& d);

  std::vector<Node> m_nodes;
  std::map<std::uint64_t, std::uint32_t> m_consts;
  std::map<std::tuple<int, std::uint32_t, std::uint32_t, std::uint32_t>, std::uint32_t> m_ops;
  std::map<std::uint32_t, std::vector<std::uint32_t>> m_derivs;  // input -> d node / d input
  std::uint32_t m_inputs = 0, m_nconst = 0;
  std::uint32_t m_primal = 0;  // nodes before it come from add(), set by the first derivative()
};

// The tape of one parser's expression (Graph::add then finish); empty when it has none.
Tape compileTape(const mu::Parser& parser, const std::vector<double>& values);

}  // namespace sciagents::core::tape
