#include "core/agents/planned_agents.h"

#include "core/agent/agent_registry.h"

namespace sciagents::core {

namespace {
struct PlannedAgent {
  const char* id;
  const char* name;
  const char* family;
  const char* summary;
  std::vector<std::pair<const char*, const char*>> tasks;
};

const std::vector<PlannedAgent>& plannedAgents() {
  static const std::vector<PlannedAgent> list = {
      {"ode_pde",
       "ODE and PDE solvers",
       "Solvers",
       "Initial and boundary value problems, heat, wave and Poisson equations.",
       {{"ivp", "Initial value problem y' = f(t, y) (rk45, dop853, bdf, adams, auto)."},
        {"bvp", "Two-point boundary value problem."},
        {"heat", "Heat equation by the method of lines."},
        {"wave", "Wave equation by the method of lines."},
        {"poisson", "Poisson equation -∇²u = f in 2D/3D by finite differences."}}},
      {"linear_algebra",
       "Linear algebra",
       "Solvers",
       "Dense and sparse linear systems, eigenproblems, decompositions.",
       {{"solve", "Solve A x = b."},
        {"least_squares", "Minimise ||A x - b||."},
        {"eigen", "Eigenvalues and eigenvectors."},
        {"svd", "Singular value decomposition."},
        {"decompose", "LU, QR or Cholesky factors."},
        {"condition", "Condition number."}}},
      {"optimization",
       "Optimization",
       "Solvers",
       "Local and global minimisation, roots and curve fitting.",
       {{"minimize", "Local minimisation with bounds and constraints."},
        {"global_minimize", "Global minimisation on a box."},
        {"root", "Roots of scalar equations and systems."},
        {"curve_fit", "Nonlinear least-squares fit with covariance."}}},
      {"integration",
       "Integration",
       "Solvers",
       "Adaptive quadrature, cubature and Monte Carlo integration.",
       {{"quad", "1-D adaptive quadrature."},
        {"cubature", "n-D adaptive cubature."},
        {"monte_carlo", "MC/QMC integration with error."}}},
      {"special_functions",
       "Special functions",
       "Solvers",
       "Special functions over arrays and FFTs.",
       {{"evaluate", "Evaluate a special function over broadcast arrays."},
        {"fft", "Fast Fourier transforms."}}},
      {"problem_analyzer",
       "Problem analyzer",
       "Assistants",
       "Classifies a problem (stiffness, structure, conditioning).",
       {{"analyze", "Analyse a problem and report its class."}}},
      {"algorithm_selector",
       "Algorithm selector",
       "Assistants",
       "Chooses a method and its parameters with a rationale.",
       {{"select", "Select a method for a problem."}}},
      {"executor_validator",
       "Executor and validator",
       "Assistants",
       "Independent checks of results.",
       {{"validate", "Independently check a step's result."},
        {"convergence", "Observed order under refinement."}}},
      {"workflow_orchestration",
       "Workflow orchestration",
       "Engine",
       "The engine itself: parallel DAG execution, sweeps, content-addressed caching, provenance, "
       "backends.",
       {{"run", "Run a nested workflow as one step."}}},
  };
  return list;
}
}  // namespace

void registerPlannedAgents(AgentRegistry& registry) {
  for (const auto& p : plannedAgents()) {
    AgentSpec a;
    a.id = p.id;
    a.name = p.name;
    a.family = p.family;
    a.version = "0";
    a.summary = p.summary;
    for (const auto& [id, summary] : p.tasks) {
      TaskSpec t;
      t.id = id;
      t.summary = summary;
      a.tasks.push_back(std::move(t));
    }
    registry.add(std::move(a));
  }
}

}  // namespace sciagents::core
