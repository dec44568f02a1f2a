// Expression messages in Studio. The live check of the names an ODE step's right-hand sides use,
// before Run and with Run's message: ode_pde.ivp compiles each rhs[i] over t, the states and the
// constants (core/agents/ode_pde/ivp_problem.cpp), so a name that is none of these fails the run;
// the property form shows the same message while the user types. And the "^" line of an
// expression message (core::ExpressionIssue::describe) moved under the character it points at
// once prefixes ("step 'a', param 'rhs': rhs[1] (dv/dt): ") stand before the text.
#pragma once

#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <string>

namespace sciagents::ui {

// The problem with `value` as param `param` of `step` ("rhs[1] (dv/dt): unknown variable 'w' at
// position 1 in '-w*x'" plus the caret line and the names it may use), or "" when every name is
// known or the step declares no states.
QString expressionNameProblem(const core::Step& step, const std::string& param,
                              const nlohmann::json& value);

// `message` with every caret line ("   ^ …") under the line above it re-indented so that the "^"
// stands under the character "at position N in '…'" names (for a monospace font). Other text is
// returned unchanged.
QString alignCaret(const QString& message);

}  // namespace sciagents::ui
