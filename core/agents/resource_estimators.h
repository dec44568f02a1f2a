// Resource estimators of the built-in tasks (see core/agent/resource_estimate.h), each defined
// next to its task and listed in core/agent/resource_estimate.cpp.
#pragma once

#include "core/agent/resource_estimate.h"

namespace sciagents::core::agents {

namespace ode {
ResourceEstimate estimatePoisson(const AgentRegistry&, const TaskContext& ctx);  // task_poisson.cpp
ResourceEstimate estimateHeat(const AgentRegistry&, const TaskContext& ctx);     // task_heat.cpp
ResourceEstimate estimateWave(const AgentRegistry&, const TaskContext& ctx);     // task_wave.cpp
ResourceEstimate estimateIvp(const AgentRegistry&, const TaskContext& ctx);      // task_ivp.cpp
}  // namespace ode

namespace la {  // linear_algebra/la_estimate.cpp
ResourceEstimate estimateMatrix(const AgentRegistry&, const TaskContext& ctx);
// solve, least_squares, eigen, svd, decompose, condition: dense factorizations of A.
ResourceEstimate estimateDenseA(const AgentRegistry&, const TaskContext& ctx);
}  // namespace la

namespace uq {  // uq/uq_estimate.cpp
ResourceEstimate estimateMonteCarlo(const AgentRegistry&, const TaskContext& ctx);
ResourceEstimate estimateSobol(const AgentRegistry&, const TaskContext& ctx);
ResourceEstimate estimateLhs(const AgentRegistry&, const TaskContext& ctx);
}  // namespace uq

namespace integ {  // integration/task_monte_carlo.cpp
ResourceEstimate estimateMonteCarlo(const AgentRegistry&, const TaskContext& ctx);
}  // namespace integ

namespace profiler {  // performance_profiler/profile_estimate.cpp
ResourceEstimate estimateProfile(const AgentRegistry& registry, const TaskContext& ctx);
}  // namespace profiler

}  // namespace sciagents::core::agents
