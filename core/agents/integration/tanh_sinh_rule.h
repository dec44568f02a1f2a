// Tanh-sinh (double-exponential) quadrature on a finite interval, with an error estimate that uses
// the observed rate of convergence between levels.
#pragma once

#include "core/agent/task_context.h"

#include <cstddef>
#include <cstdint>
#include <functional>

namespace sciagents::core::agents::integ {

struct TanhSinhResult {
  double value = 0;
  double abserr = 0;
  double l1 = 0;  // integral of |f|
  std::int64_t neval = 0;
  int levels = 0;  // rows used (row 0 has step 1, row k step 2^-k)
  // The convergence model held over consecutive levels and abserr - truncation_tail <= tol * l1
  // (more levels cannot shrink the tail).
  bool converged = false;
  bool rate_estimate = false;  // the convergence model was established (see below)
  double truncation_tail = 0;  // part of abserr: mass between the ends and the closest nodes
  double closest_a = 0, closest_b = 0;  // distance of the closest evaluated node from a and from b
};

// Integrates f over [a, b] (finite, a < b) with the nodes x = c + d tanh(pi/2 sinh t), |t| <= 5,
// halving the step in t each level (Boost.Math's layout for double). Nodes that round onto an end
// are skipped, so f is never evaluated at a or b.
//
// Error: with d_k = |I_k - I_{k-1}| and the ratio r_k = d_k / d_{k-1}, the convergence model of a
// double-exponential rule (the differences shrink faster than geometrically, the error of I_k is
// below d_k) is accepted only when it holds over consecutive levels: r_{k-1} <= 0.1 and
// r_k <= min(0.1, r_{k-1}) (or d_k is at the rounding floor, 16 eps l1), so from level 3 on. One
// small ratio is no evidence: an oscillating or peaked integrand that the coarse levels do not
// resolve can make two levels agree by chance (seen 5-15 % off with abserr 1e-9 on
// (1 + c cos(w x + p))/sqrt(x)). The error is then d_k (which, with the model established, bounds
// the error of I_k by about 1/r), never below 4 eps l1. Integrands that converge only algebraically
// (kinks, jumps inside the range) or erratically never establish the model: the rule runs to
// max_level and reports converged = false with abserr = the last difference, so the caller
// cross-checks. abserr also holds the mass between each end and its closest node (|t| <= 5 stops
// ~1e-101 of the half-length from an end, and nodes that round onto an end are dropped):
// dist |f| / (1 - alpha) with the local power alpha from the two closest nodes - what limits
// x^-0.9 at 0 to ~7e-10. Stops at the first level where the model is established and the estimate
// is <= tol * l1, after max_level levels, or when the differences grow twice after level 4 (the
// previous level is returned, as Boost does). Throws Error(RunFailed) when f is not finite at a
// node.
// f is evaluated a row of nodes at a time: f(x, y, n) sets y[i] = f(x[i]).
TanhSinhResult tanhSinh(const std::function<void(const double*, double*, std::size_t)>& f, double a,
                        double b, double tol, const TaskContext* ctx = nullptr, int max_level = 10);

}  // namespace sciagents::core::agents::integ
