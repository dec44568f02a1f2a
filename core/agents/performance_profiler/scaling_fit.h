// Power-law fit cost = C * size^p by least squares on log-log axes, with the standard error of p
// (from the residual variance, n - 2 degrees of freedom) and R^2.
#pragma once

#include "core/value/value.h"

namespace sciagents::core::agents::profiler {

struct ScalingFit {
  double exponent = 0.0;
  double exponent_stderr = 0.0;  // NaN with only two sizes
  double prefactor = 0.0;        // C
  double r_squared = 0.0;
};

// sizes and costs must be positive and of equal length >= 2, sizes not all equal.
ScalingFit fitPowerLaw(const Vector& sizes, const Vector& costs);

}  // namespace sciagents::core::agents::profiler
