// 1-D quadrature engines shared by integration.quad (run and validate) and 1-D cubature.
#pragma once

#include "core/agent/task_context.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sciagents::core::agents::integ {

using Integrand = std::function<double(double)>;
// f at n points at once, y[i] = f(x[i]): the same values as Integrand, cheaper per point (an
// expression walks its bytecode once per batch, see Expression::evalMany).
using BatchIntegrand = std::function<void(const double* x, double* y, std::size_t n)>;

struct QuadOptions {
  double epsabs = 1.49e-8;
  double epsrel = 1.49e-8;
  int limit = 50;                    // gauss_kronrod: max number of subintervals
  std::vector<double> points;        // interior break points (finite ranges only)
  const TaskContext* ctx = nullptr;  // for cancellation (may be null)
  BatchIntegrand many;  // optional, the integrand's batch form: tanh_sinh evaluates by rows with it
};

struct QuadResult {
  double value = 0;
  double abserr = 0;
  double l1 = 0;  // integral of |f| estimate (condition of the sum)
  std::int64_t neval = 0;
  std::int64_t intervals = 0;  // gauss_kronrod subintervals / DE refinement levels
  bool converged = false;      // the method's own stopping test was met
  bool rate_estimate = false;  // tanh_sinh: the convergence model held over consecutive levels on
                               // every piece (see tanh_sinh_rule.h); converged implies it
  double end_tail = 0;  // tanh_sinh (finite range): part of abserr, mass beyond the closest nodes
  double closest_a = 0, closest_b = 0;  // tanh_sinh (finite range): closest node to a and to b
};

// Target of the stopping rule: max(epsabs, epsrel |value|).
double quadTarget(const QuadOptions& o, double value);

// method: gauss_kronrod (globally adaptive GK21, QUADPACK-style bisection of the worst interval;
// infinite ranges by x = a + t/(1-t) or t/(1-t^2)), tanh_sinh, exp_sinh (one infinite end),
// sinh_sinh ((-inf, inf)). Throws Error(RunFailed) when the integrand is non-finite where sampled.
QuadResult integrate1d(const std::string& method, const Integrand& f, double a, double b,
                       const QuadOptions& o);

// Probes f near the ends (see quad's select hook). Returns the method and the reason.
struct EndpointProbe {
  bool singular_a = false, singular_b = false;
  std::string note_a, note_b;
};
EndpointProbe probeEndpoints(const Integrand& f, double a, double b);
EndpointProbe probeEndpoints(const BatchIntegrand& f, double a,
                             double b);  // one batch of 11 points

}  // namespace sciagents::core::agents::integ
