// The parser front end of expressions: muParser compiles the text, and every problem comes back as
// an ExpressionIssue naming the position (unknown names, assignments, control characters, two
// results). Internal to core/expr; the public forms are Expression's constructor,
// checkExpressionSyntax and expressionIdentifiers (expression.h).
#pragma once

#include "core/expr/expression.h"

#include <muParser.h>

#include <optional>
#include <string>
#include <string_view>

namespace sciagents::core::expr_detail {

// Letters, digits and '_', not starting with a digit.
bool isIdentifier(std::string_view s);

// The issue behind a muParser error, positioned in the user's text.
ExpressionIssue issueFrom(const mu::ParserError& e, const std::string& text);

// Throws Error(InvalidInput) with issue.describe().
[[noreturn]] void throwIssue(const ExpressionIssue& issue);

// Sets and compiles `text` in `parser` (evaluating once: muParser reports errors only then);
// the issue when it is not exactly one valid expression.
std::optional<ExpressionIssue> compile(mu::Parser& parser, const std::string& text);

}  // namespace sciagents::core::expr_detail
