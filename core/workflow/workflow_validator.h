// Schema-level validation of a parsed workflow: unknown agent/task/param, planned tasks, wrong
// types, out-of-range values, bad expressions, links to missing steps/outputs, cycles, bad sweeps.
#pragma once

#include "core/workflow/workflow.h"

#include <string>
#include <vector>

namespace sciagents::core {

class AgentRegistry;

struct ValidationIssue {
  std::string step;   // step id ("" for workflow-level problems)
  std::string param;  // parameter name or dotted path ("" when not about a parameter)
  std::string message;
  std::string describe() const;  // "step 'fit', param 'x0': expected ..."
};

// Returns every problem found (empty = valid). Never throws for bad input.
std::vector<ValidationIssue> validateWorkflow(const Workflow& workflow,
                                              const AgentRegistry& registry);

}  // namespace sciagents::core
