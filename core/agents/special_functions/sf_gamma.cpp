// Gamma-function family: gamma, gammaln, digamma, beta, regularised incomplete gamma, binom,
// factorial.
#include "core/agents/special_functions/sf_policy.h"
#include "core/agents/special_functions/sf_registry.h"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/binomial.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/factorials.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace sciagents::core::agents::special {

namespace {
namespace bm = boost::math;

template <class P>
double gamma_(const double* a) {
  return bm::tgamma(a[0], P());
}
template <class P>
double gammaln_(const double* a) {
  return bm::lgamma(a[0], P());
}
template <class P>
double digamma_(const double* a) {
  return bm::digamma(a[0], P());
}
template <class P>
double beta_(const double* a) {
  return bm::beta(a[0], a[1], P());
}
template <class P>
double gammainc_(const double* a) {
  return bm::gamma_p(a[0], a[1], P());
}
template <class P>
double gammaincc_(const double* a) {
  return bm::gamma_q(a[0], a[1], P());
}

template <class P>
double binom_(const double* a) {
  const double n = a[0], k = a[1];
  const bool k_int = std::floor(k) == k, n_int = std::floor(n) == n;
  if (k_int && k < 0) return 0.0;
  if (k_int && n_int && n >= 0) {
    if (k > n) return 0.0;
    if (n <= 1e9)
      return bm::binomial_coefficient<double>(static_cast<unsigned>(n), static_cast<unsigned>(k),
                                              P());
  }
  if (k_int && k <= 1000) {  // product formula: any real n (SciPy does the same for integer k)
    double r = 1;
    for (int i = 1; i <= static_cast<int>(k); ++i) r *= (n - k + i) / i;
    return r;
  }
  // General case 1 / ((n+1) B(n-k+1, k+1)), defined when both beta arguments are positive.
  if (n - k + 1 <= 0 || k + 1 <= 0 || n + 1 == 0)
    throw std::domain_error("binom(n, k) with non-integer k needs n - k + 1 > 0 and k + 1 > 0");
  return 1.0 / ((n + 1) * bm::beta(n - k + 1, k + 1, P()));
}

template <class P>
double factorial_(const double* a) {
  const double n = a[0];
  if (n < 0) return 0.0;  // SciPy's convention (exact=False)
  if (std::floor(n) == n && n <= 170) return bm::factorial<double>(static_cast<unsigned>(n), P());
  return bm::tgamma(n + 1, P());
}

double gammaIdentity(const double* a) {  // Gamma(x+1) = x Gamma(x)
  const double x = a[0];
  return relDiff(bm::tgamma(x + 1, Fast()), x * bm::tgamma(x, Fast()));
}

}  // namespace

std::vector<SfEntry> gammaFamily() {
  return {
      {"gamma",
       {"x"},
       {},
       "Gamma function; poles at 0, -1, -2, ... give NaN with a warning",
       &gamma_<Fast>,
       &gamma_<Precise>,
       &gammaIdentity,
       "Gamma(x+1) = x Gamma(x)"},
      {"gammaln",
       {"x"},
       {},
       "log|Gamma(x)| (alias lgamma)",
       &gammaln_<Fast>,
       &gammaln_<Precise>,
       nullptr,
       {}},
      {"digamma",
       {"x"},
       {},
       "psi(x) = Gamma'(x)/Gamma(x) (alias psi)",
       &digamma_<Fast>,
       &digamma_<Precise>,
       nullptr,
       {}},
      {"beta",
       {"a", "b"},
       {},
       "B(a, b) = Gamma(a) Gamma(b) / Gamma(a+b)",
       &beta_<Fast>,
       &beta_<Precise>,
       nullptr,
       {}},
      {"gammainc",
       {"a", "x"},
       {},
       "regularised lower incomplete gamma P(a, x), a > 0, x >= 0",
       &gammainc_<Fast>,
       &gammainc_<Precise>,
       nullptr,
       {}},
      {"gammaincc",
       {"a", "x"},
       {},
       "regularised upper incomplete gamma Q(a, x) = 1 - P(a, x)",
       &gammaincc_<Fast>,
       &gammaincc_<Precise>,
       nullptr,
       {}},
      {"binom",
       {"n", "k"},
       {},
       "binomial coefficient, real n and k as SciPy (alias binomial)",
       &binom_<Fast>,
       &binom_<Precise>,
       nullptr,
       {}},
      {"factorial",
       {"n"},
       {},
       "n! = Gamma(n+1) (0 for n < 0, as SciPy with exact=False)",
       &factorial_<Fast>,
       &factorial_<Precise>,
       nullptr,
       {}},
  };
}

}  // namespace sciagents::core::agents::special
