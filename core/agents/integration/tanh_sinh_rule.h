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
  bool converged =
      false;  // abserr - truncation_tail <= tol * l1 (more levels cannot shrink the tail)
  bool rate_estimate =
      false;  // abserr comes from the convergence rate (see below), not |I_k - I_k-1|
  double truncation_tail = 0;  // part of abserr: mass between the ends and the closest nodes
  double closest_a = 0, closest_b = 0;  // distance of the closest evaluated node from a and from b
};

// Integrates f over [a, b] (finite, a < b) with the nodes x = c + d tanh(pi/2 sinh t), |t| <= 5,
// halving the step in t each level (Boost.Math's layout for double). Nodes that round onto an end
// are skipped, so f is never evaluated at a or b.
//
// Error: with d_k = |I_k - I_{k-1}|, the plain estimate of I_k's error is d_k (it really bounds the
// error of I_{k-1}; this is what Boost reports). When the differences shrink fast - the ratio
// r = d_k / d_{k-1} (and the same ratio for the integral of |f|, so that a chance agreement of an
// oscillating integrand does not count) is <= 1e-3 from level 2 on, or <= 0.1 and not larger than
// the previous ratio (itself <= 0.1) from level 3 on - the remaining error is bounded by the
// geometric tail d_k r / (1 - r). Double-exponential rules converge faster than geometrically in
// the level (the error roughly squares per level for integrands analytic inside the range), so the
// tail is an upper bound there; integrands that converge only algebraically (kinks inside the
// range) show ratios near 2^-p, erratic ones ratios that do not settle, and both keep d_k. Never
// below 4 eps l1. abserr also holds the mass between each end and its closest node (|t| <= 5 stops
// ~1e-101 of the half-length from an end, and nodes that round onto an end are dropped): dist |f| /
// (1 - alpha) with the local power alpha from the two closest nodes - what limits x^-0.9 at 0 to
// ~7e-10. Stops when the estimate is <= tol * l1, or after max_level levels, or when the
// differences grow twice after level 4 (the previous level is returned, as Boost does). Throws
// Error(RunFailed) when f is not finite at a node.
// f is evaluated a row of nodes at a time: f(x, y, n) sets y[i] = f(x[i]).
TanhSinhResult tanhSinh(const std::function<void(const double*, double*, std::size_t)>& f, double a,
                        double b, double tol, const TaskContext* ctx = nullptr, int max_level = 10);

}  // namespace sciagents::core::agents::integ
