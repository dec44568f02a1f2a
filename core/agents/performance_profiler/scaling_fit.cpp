#include "core/agents/performance_profiler/scaling_fit.h"

#include <cmath>

namespace sciagents::core::agents::profiler {

ScalingFit fitPowerLaw(const Vector& sizes, const Vector& costs) {
  const Eigen::Index n = sizes.size();
  const Eigen::ArrayXd x = sizes.array().log(), y = costs.array().log();
  const double mx = x.mean(), my = y.mean();
  const double sxx = (x - mx).square().sum(), sxy = ((x - mx) * (y - my)).sum(),
               syy = (y - my).square().sum();
  ScalingFit f;
  f.exponent = sxy / sxx;
  f.prefactor = std::exp(my - f.exponent * mx);
  const double ss_res = ((y - my) - f.exponent * (x - mx)).square().sum();
  f.r_squared = syy > 0 ? 1.0 - ss_res / syy : 1.0;
  f.exponent_stderr = n > 2 ? std::sqrt(ss_res / static_cast<double>(n - 2) / sxx) : NAN;
  return f;
}

}  // namespace sciagents::core::agents::profiler
