// Orthogonal polynomials (integer degree), SciPy's eval_* names.
#include "core/agents/special_functions/sf_policy.h"
#include "core/agents/special_functions/sf_registry.h"

#include <boost/math/special_functions/chebyshev.hpp>
#include <boost/math/special_functions/hermite.hpp>
#include <boost/math/special_functions/laguerre.hpp>
#include <boost/math/special_functions/legendre.hpp>

namespace sciagents::core::agents::special {

namespace {
namespace bm = boost::math;

unsigned degree(double n) {
  const int k = requireInt(n, "n");
  if (k < 0) throw std::domain_error("n must be >= 0");
  return static_cast<unsigned>(k);
}

template <class P>
double legendre_(const double* a) {
  return bm::legendre_p(static_cast<int>(degree(a[0])), a[1], P());
}
// P_v^m(x) with the Condon-Shortley phase (-1)^m, as scipy.special.lpmv.
template <class P>
double lpmv_(const double* a) {
  const int m = requireInt(a[0], "m"), v = requireInt(a[1], "v");
  return bm::legendre_p(v, m, a[2], P());
}
template <class P>
double hermite_(const double* a) {
  return bm::hermite(degree(a[0]), a[1], P());
}
template <class P>
double laguerre_(const double* a) {
  return bm::laguerre(degree(a[0]), a[1], P());
}
template <class P>
double chebyt_(const double* a) {
  return bm::chebyshev_t(degree(a[0]), a[1], P());
}
template <class P>
double chebyu_(const double* a) {
  return bm::chebyshev_u(degree(a[0]), a[1], P());
}

double legendreIdentity(const double* a) {  // (n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1}
  const double n = a[0], x = a[1];
  if (n < 1) return 0.0;
  const double lo[2] = {n - 1, x}, hi[2] = {n + 1, x};
  const double pl = legendre_<Fast>(lo), pm = legendre_<Fast>(a), ph = legendre_<Fast>(hi);
  const double scale = std::max({std::abs((n + 1) * ph), std::abs((2 * n + 1) * x * pm), 1e-300});
  return std::abs((n + 1) * ph - (2 * n + 1) * x * pm + n * pl) / scale;
}

}  // namespace

std::vector<SfEntry> polyFamily() {
  return {
      {"eval_legendre",
       {"n", "x"},
       {},
       "Legendre polynomial P_n(x) (alias legendre)",
       &legendre_<Fast>,
       &legendre_<Precise>,
       &legendreIdentity,
       "(n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1}"},
      {"lpmv",
       {"m", "v", "x"},
       {},
       "associated Legendre P_v^m(x), integer m, v, with the Condon-Shortley phase "
       "(alias assoc_legendre)",
       &lpmv_<Fast>,
       &lpmv_<Precise>,
       nullptr,
       {}},
      {"eval_hermite",
       {"n", "x"},
       {},
       "physicists' Hermite polynomial H_n(x) (alias hermite)",
       &hermite_<Fast>,
       &hermite_<Precise>,
       nullptr,
       {}},
      {"eval_laguerre",
       {"n", "x"},
       {},
       "Laguerre polynomial L_n(x) (alias laguerre)",
       &laguerre_<Fast>,
       &laguerre_<Precise>,
       nullptr,
       {}},
      {"eval_chebyt",
       {"n", "x"},
       {},
       "Chebyshev polynomial of the first kind T_n(x) (alias chebyshev_t)",
       &chebyt_<Fast>,
       &chebyt_<Precise>,
       nullptr,
       {}},
      {"eval_chebyu",
       {"n", "x"},
       {},
       "Chebyshev polynomial of the second kind U_n(x) (alias chebyshev_u)",
       &chebyu_<Fast>,
       &chebyu_<Precise>,
       nullptr,
       {}},
  };
}

}  // namespace sciagents::core::agents::special
