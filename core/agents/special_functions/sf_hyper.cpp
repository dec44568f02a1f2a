// Complete/incomplete elliptic integrals (SciPy's parameter m = k^2) and hypergeometric functions.
#include "core/agents/special_functions/sf_policy.h"
#include "core/agents/special_functions/sf_registry.h"

#include <boost/math/special_functions/ellint_1.hpp>
#include <boost/math/special_functions/ellint_2.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_1F1.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

#include <limits>
#include <vector>

namespace sciagents::core::agents::special {

namespace {
namespace bm = boost::math;

// Boost takes the modulus k, SciPy the parameter m = k^2. m < 0 uses the imaginary-modulus
// transformation K(m) = K(m/(m-1)) / sqrt(1-m), E(m) = sqrt(1-m) E(m/(m-1)).
template <class P>
double ellipk_(const double* a) {
  const double m = a[0];
  if (m == 1) return std::numeric_limits<double>::infinity();
  if (m > 1) throw std::domain_error("ellipk(m) needs m <= 1 (SciPy's parameter m = k^2)");
  if (m < 0) return bm::ellint_1(std::sqrt(m / (m - 1)), P()) / std::sqrt(1 - m);
  return bm::ellint_1(std::sqrt(m), P());
}
template <class P>
double ellipe_(const double* a) {
  const double m = a[0];
  if (m > 1) throw std::domain_error("ellipe(m) needs m <= 1 (SciPy's parameter m = k^2)");
  if (m < 0) return bm::ellint_2(std::sqrt(m / (m - 1)), P()) * std::sqrt(1 - m);
  return bm::ellint_2(std::sqrt(m), P());
}
template <class P>
double ellipkinc_(const double* a) {
  if (a[1] < 0 || a[1] > 1) throw std::domain_error("ellipkinc(phi, m) needs 0 <= m <= 1");
  return bm::ellint_1(std::sqrt(a[1]), a[0], P());
}
template <class P>
double ellipeinc_(const double* a) {
  if (a[1] < 0 || a[1] > 1) throw std::domain_error("ellipeinc(phi, m) needs 0 <= m <= 1");
  return bm::ellint_2(std::sqrt(a[1]), a[0], P());
}
template <class P>
double hyp1f1_(const double* a) {
  return bm::hypergeometric_1F1(a[0], a[1], a[2], P());
}

template <class P>
double series2f1(double a, double b, double c, double z) {
  // Both parameter lists must have the same sequence type.
  const std::vector<double> num{a, b}, den{c};
  return bm::hypergeometric_pFq(num, den, z, static_cast<double*>(nullptr), P());
}
template <class P>
double hyp2f1_(const double* a) {
  const double pa = a[0], pb = a[1], c = a[2], z = a[3];
  if (z == 1) {  // Gauss's theorem
    if (c - pa - pb <= 0) throw std::domain_error("hyp2f1 at z = 1 diverges unless c - a - b > 0");
    return bm::tgamma(c, P()) * bm::tgamma(c - pa - pb, P()) /
           (bm::tgamma(c - pa, P()) * bm::tgamma(c - pb, P()));
  }
  if (z > 1) throw std::domain_error("hyp2f1 is complex for real z > 1");
  // Pfaff: 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)) maps z < -1/2 into [1/3, 1).
  if (z < -0.5) return std::pow(1 - z, -pa) * series2f1<P>(pa, c - pb, c, z / (z - 1));
  return series2f1<P>(pa, pb, c, z);
}

}  // namespace

std::vector<SfEntry> hyperFamily() {
  return {
      {"ellipk",
       {"m"},
       {},
       "complete elliptic integral of the first kind K(m), parameter m = k^2 (SciPy), m <= 1",
       &ellipk_<Fast>,
       &ellipk_<Precise>,
       nullptr,
       {}},
      {"ellipe",
       {"m"},
       {},
       "complete elliptic integral of the second kind E(m), parameter m = k^2, m <= 1",
       &ellipe_<Fast>,
       &ellipe_<Precise>,
       nullptr,
       {}},
      {"ellipkinc",
       {"phi", "m"},
       {},
       "incomplete elliptic integral F(phi | m), 0 <= m <= 1",
       &ellipkinc_<Fast>,
       &ellipkinc_<Precise>,
       nullptr,
       {}},
      {"ellipeinc",
       {"phi", "m"},
       {},
       "incomplete elliptic integral E(phi | m), 0 <= m <= 1",
       &ellipeinc_<Fast>,
       &ellipeinc_<Precise>,
       nullptr,
       {}},
      {"hyp1f1",
       {"a", "b", "x"},
       {},
       "confluent hypergeometric 1F1(a; b; x)",
       &hyp1f1_<Fast>,
       &hyp1f1_<Precise>,
       nullptr,
       {}},
      {"hyp2f1",
       {"a", "b", "c", "x"},
       {},
       "Gauss hypergeometric 2F1(a, b; c; x), real x <= 1",
       &hyp2f1_<Fast>,
       &hyp2f1_<Precise>,
       nullptr,
       {}},
  };
}

}  // namespace sciagents::core::agents::special
