// Feeds arbitrary bytes as an expression: the syntax check, the identifier scan and a compiled
// Expression over x, y, t. InvalidInput errors are the documented failure path; anything else
// (crash, sanitizer report, other exception) is a bug.
#include "core/expr/expression.h"
#include "core/util/error.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

using namespace sciagents::core;

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
    if (!(r == r2 || (std::isnan(r) && std::isnan(r2)))) __builtin_trap();
  } catch (const Error& err) {
    if (err.code() != ErrorCode::InvalidInput) __builtin_trap();
  }
  return 0;
}
