// Error functions, exponential integrals, Lambert W and the Riemann zeta function.
#include "core/agents/special_functions/sf_policy.h"
#include "core/agents/special_functions/sf_registry.h"

#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/expint.hpp>
#include <boost/math/special_functions/lambert_w.hpp>
#include <boost/math/special_functions/zeta.hpp>

#include <limits>

namespace sciagents::core::agents::special {

namespace {
namespace bm = boost::math;
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class P>
double erf_(const double* a) {
  return bm::erf(a[0], P());
}
template <class P>
double erfc_(const double* a) {
  return bm::erfc(a[0], P());
}
template <class P>
double erfinv_(const double* a) {
  return bm::erf_inv(a[0], P());
}
template <class P>
double erfcinv_(const double* a) {
  return bm::erfc_inv(a[0], P());
}
// Pitfall: Boost's one-argument expint(x) is Ei(x); expint(n, x) is E_n(x).
template <class P>
double expi_(const double* a) {
  return a[0] == 0 ? -kInf : bm::expint(a[0], P());
}
template <class P>
double expn_(const double* a) {
  const int n = requireInt(a[0], "n");
  if (n < 0) throw std::domain_error("n must be >= 0");
  if (a[1] == 0) return n <= 1 ? kInf : 1.0 / (n - 1);
  if (n == 0) return a[1] < 0 ? throw std::domain_error("x must be >= 0") : std::exp(-a[1]) / a[1];
  return bm::expint(static_cast<unsigned>(n), a[1], P());
}
template <class P>
double exp1_(const double* a) {
  return a[0] == 0 ? kInf : bm::expint(1u, a[0], P());
}
template <class P>
double lambertw_(const double* a) {
  const int k = requireInt(a[1], "k");
  if (k == 0) return bm::lambert_w0(a[0], P());
  if (k == -1) return a[0] == 0 ? -kInf : bm::lambert_wm1(a[0], P());
  throw std::domain_error("only the real branches k = 0 and k = -1 are available");
}
template <class P>
double zeta_(const double* a) {
  return a[0] == 1 ? kInf : bm::zeta(a[0], P());
}

double erfIdentity(const double* a) {  // erf(x) + erfc(x) = 1
  return std::abs(bm::erf(a[0], Fast()) + bm::erfc(a[0], Fast()) - 1.0);
}
double lambertIdentity(const double* a) {  // W e^W = x
  const double w = lambertw_<Fast>(a);
  return std::isfinite(w) ? relDiff(w * std::exp(w), a[0]) : 0.0;
}

}  // namespace

std::vector<SfEntry> expFamily() {
  return {
      {"erf",
       {"x"},
       {},
       "error function",
       &erf_<Fast>,
       &erf_<Precise>,
       &erfIdentity,
       "erf(x) + erfc(x) = 1"},
      {"erfc",
       {"x"},
       {},
       "complementary error function 1 - erf(x)",
       &erfc_<Fast>,
       &erfc_<Precise>,
       &erfIdentity,
       "erf(x) + erfc(x) = 1"},
      {"erfinv",
       {"y"},
       {},
       "inverse of erf, -1 < y < 1",
       &erfinv_<Fast>,
       &erfinv_<Precise>,
       nullptr,
       {}},
      {"erfcinv",
       {"y"},
       {},
       "inverse of erfc, 0 < y < 2",
       &erfcinv_<Fast>,
       &erfcinv_<Precise>,
       nullptr,
       {}},
      {"expi",
       {"x"},
       {},
       "exponential integral Ei(x) (principal value for x > 0)",
       &expi_<Fast>,
       &expi_<Precise>,
       nullptr,
       {}},
      {"expn",
       {"n", "x"},
       {},
       "generalised exponential integral E_n(x) = int_1^inf e^{-xt} / t^n dt",
       &expn_<Fast>,
       &expn_<Precise>,
       nullptr,
       {}},
      {"exp1", {"x"}, {}, "E_1(x) = expn(1, x)", &exp1_<Fast>, &exp1_<Precise>, nullptr, {}},
      {"lambertw",
       {"x", "k"},
       {0.0},
       "Lambert W, real branches k = 0 (W0, x >= -1/e) and k = -1 (-1/e <= x < 0)",
       &lambertw_<Fast>,
       &lambertw_<Precise>,
       &lambertIdentity,
       "W(x) exp(W(x)) = x"},
      {"zeta",
       {"x"},
       {},
       "Riemann zeta (analytic continuation for x < 1, like scipy.special.riemann_zeta)",
       &zeta_<Fast>,
       &zeta_<Precise>,
       nullptr,
       {}},
  };
}

}  // namespace sciagents::core::agents::special
