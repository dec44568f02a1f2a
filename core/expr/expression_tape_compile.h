// Builds a tape (core/expr/expression_tape.h) from a compiled muParser parser. Private to
// core/expr: only expression.cpp includes it.
#pragma once

#include "core/expr/expression_tape.h"

#include <muParser.h>

#include <vector>

namespace sciagents::core::tape {

// The tape of `parser`'s final bytecode, whose variables point into `values` (variable k is
// values[k]); an empty tape when the bytecode holds something the tape cannot represent (string
// or bulk functions, functions without arguments, user callbacks it does not recognise): the
// caller then keeps muParser's scalar path for that expression.
Tape compileTape(const mu::Parser& parser, const std::vector<double>& values);

}  // namespace sciagents::core::tape
