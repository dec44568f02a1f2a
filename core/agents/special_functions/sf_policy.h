// Boost.Math policies shared by the special-function families (include only in their .cpp files).
#pragma once

#include <boost/math/policies/policy.hpp>

#include <cmath>

namespace sciagents::core::agents::special {

namespace bmp = boost::math::policies;
// Run: plain double arithmetic (Boost's documented errors are a few ulps), overflow -> +-inf as
// SciPy; domain/pole/evaluation errors throw and are turned into NaN + a warning (or a failed
// step).
using Fast = bmp::policy<bmp::promote_float<false>, bmp::promote_double<false>,
                         bmp::overflow_error<bmp::ignore_error>>;
// Validate: the same functions evaluated in long double internally.
using Precise = bmp::policy<bmp::promote_double<true>, bmp::overflow_error<bmp::ignore_error>>;

inline double relDiff(double a, double b) {
  const double s = std::max({std::abs(a), std::abs(b), 1e-300});
  return std::abs(a - b) / s;
}

}  // namespace sciagents::core::agents::special
