// Per-job resource checks done before a job is accepted: PDE grid size estimates.
#pragma once

#include "core/workflow/workflow.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::server {

struct LimitViolation {
  std::string step;
  std::string param;
  std::string message;
};

// Grid points of each PDE step (ode_pde.poisson/heat/wave: n^dim interior points, over every sweep
// value of n or dim); the first step above max_points is reported. Linked (non-literal) values are
// not estimated.
std::optional<LimitViolation> checkGridLimits(const core::Workflow& w,
                                              const core::AgentRegistry& registry,
                                              std::int64_t max_points);

}  // namespace sciagents::server
