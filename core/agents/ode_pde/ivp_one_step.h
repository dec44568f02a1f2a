// What the one-step integrators of ode_pde.ivp share (explicit Runge-Kutta, Radau IIA): the RMS
// norm, Hairer's starting step and the location of events inside an accepted step from its dense
// output.
#pragma once

#include "core/agents/ode_pde/ivp_problem.h"

#include <optional>
#include <utility>
#include <vector>

namespace sciagents::core::agents::ode {

double rms(const Vector& v);

// Hairer's starting step for a method of the given order (as SciPy's select_initial_step);
// f0 = f(t, y); costs one rhs evaluation.
double initialStep(OdeFunctions& f, double t, const Vector& y, const Vector& f0, double dir,
                   int order, const Problem& p, double max_step);

// Event functions across the accepted steps of a run.
class StepEvents {
 public:
  StepEvents(const Problem& p, OdeFunctions& f, double t0, const Vector& y0);
  bool any() const { return !m_gold.empty(); }
  // After the step from t to (tnew, ynew) whose dense output is `interp`: locates every event
  // crossing inside it (Illinois iteration on the dense output), records them in time order
  // (out.event) and returns the time and state of the first terminal one, if any.
  std::optional<std::pair<double, Vector>> scan(double t, double tnew, const Vector& ynew,
                                                const Output::Interp& interp, Output& out);

 private:
  const Problem& m_p;
  OdeFunctions& m_f;
  std::vector<double> m_gold, m_gnew;
};

}  // namespace sciagents::core::agents::ode
