// Adaptive n-D cubature on a box: Genz-Malik degree-7 rule with an embedded degree-5 rule.
#pragma once

#include "core/agent/task_context.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace sciagents::core::agents::integ {

using IntegrandN = std::function<double(const double*)>;

struct CubatureResult {
  double value = 0, abserr = 0;
  std::int64_t neval = 0, regions = 0;
  bool converged = false;
};

// Integrates f over the box [lo_i, hi_i] (finite, d >= 2) until sum |I7 - I5| <= max(epsabs,
// epsrel |I|) or about maxeval evaluations. Bisects the worst region along the axis with the
// largest fourth difference. Throws Error(RunFailed) on a non-finite integrand value.
CubatureResult genzMalik(const IntegrandN& f, const std::vector<double>& lo,
                         const std::vector<double>& hi, double epsabs, double epsrel,
                         std::int64_t maxeval, TaskContext* ctx);

}  // namespace sciagents::core::agents::integ
