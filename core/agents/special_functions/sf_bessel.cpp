// Bessel and Airy functions.
#include "core/agents/special_functions/sf_policy.h"
#include "core/agents/special_functions/sf_registry.h"

#include <boost/math/special_functions/airy.hpp>
#include <boost/math/special_functions/bessel.hpp>

namespace sciagents::core::agents::special {

namespace {
namespace bm = boost::math;

template <class P>
double jv_(const double* a) {
  if (std::floor(a[0]) == a[0] && std::abs(a[0]) < 1e6)
    return bm::cyl_bessel_j(static_cast<int>(a[0]), a[1], P());
  return bm::cyl_bessel_j(a[0], a[1], P());
}
template <class P>
double j0_(const double* a) {
  return bm::cyl_bessel_j(0, a[0], P());
}
template <class P>
double j1_(const double* a) {
  return bm::cyl_bessel_j(1, a[0], P());
}
template <class P>
double yv_(const double* a) {
  return bm::cyl_neumann(a[0], a[1], P());
}
template <class P>
double y0_(const double* a) {
  return bm::cyl_neumann(0, a[0], P());
}
template <class P>
double y1_(const double* a) {
  return bm::cyl_neumann(1, a[0], P());
}
template <class P>
double iv_(const double* a) {
  return bm::cyl_bessel_i(a[0], a[1], P());
}
template <class P>
double kv_(const double* a) {
  return bm::cyl_bessel_k(a[0], a[1], P());
}
template <class P>
double sjn_(const double* a) {
  const int n = requireInt(a[0], "n");
  if (n < 0) throw std::domain_error("n must be >= 0");
  const double s = a[1] < 0 && (n % 2) ? -1.0 : 1.0;  // j_n(-x) = (-1)^n j_n(x)
  return s * bm::sph_bessel(static_cast<unsigned>(n), std::abs(a[1]), P());
}
template <class P>
double syn_(const double* a) {
  const int n = requireInt(a[0], "n");
  if (n < 0) throw std::domain_error("n must be >= 0");
  const double s = a[1] < 0 && (n % 2 == 0) ? -1.0 : 1.0;  // y_n(-x) = (-1)^(n+1) y_n(x)
  return s * bm::sph_neumann(static_cast<unsigned>(n), std::abs(a[1]), P());
}
template <class P>
double ai_(const double* a) {
  return bm::airy_ai(a[0], P());
}
template <class P>
double bi_(const double* a) {
  return bm::airy_bi(a[0], P());
}
template <class P>
double aip_(const double* a) {
  return bm::airy_ai_prime(a[0], P());
}
template <class P>
double bip_(const double* a) {
  return bm::airy_bi_prime(a[0], P());
}

double jvIdentity(const double* a) {  // J_{v-1}(x) + J_{v+1}(x) = (2v/x) J_v(x)
  const double v = a[0], x = a[1];
  if (x == 0) return 0.0;
  const double lo[2] = {v - 1, x}, hi[2] = {v + 1, x};
  const double l = jv_<Fast>(lo), r = jv_<Fast>(hi), m = jv_<Fast>(a);
  const double scale = std::max({std::abs(l), std::abs(r), std::abs(2 * v / x * m), 1e-300});
  return std::abs(l + r - 2 * v / x * m) / scale;
}

}  // namespace

std::vector<SfEntry> besselFamily() {
  return {
      {"jv",
       {"v", "x"},
       {},
       "Bessel function of the first kind J_v(x)",
       &jv_<Fast>,
       &jv_<Precise>,
       &jvIdentity,
       "J_{v-1}(x) + J_{v+1}(x) = (2v/x) J_v(x)"},
      {"j0", {"x"}, {}, "J_0(x)", &j0_<Fast>, &j0_<Precise>, nullptr, {}},
      {"j1", {"x"}, {}, "J_1(x)", &j1_<Fast>, &j1_<Precise>, nullptr, {}},
      {"yv",
       {"v", "x"},
       {},
       "Bessel function of the second kind Y_v(x), x > 0 (alias cyl_neumann)",
       &yv_<Fast>,
       &yv_<Precise>,
       nullptr,
       {}},
      {"y0", {"x"}, {}, "Y_0(x)", &y0_<Fast>, &y0_<Precise>, nullptr, {}},
      {"y1", {"x"}, {}, "Y_1(x)", &y1_<Fast>, &y1_<Precise>, nullptr, {}},
      {"iv",
       {"v", "x"},
       {},
       "modified Bessel function of the first kind I_v(x)",
       &iv_<Fast>,
       &iv_<Precise>,
       nullptr,
       {}},
      {"kv",
       {"v", "x"},
       {},
       "modified Bessel function of the second kind K_v(x), x > 0",
       &kv_<Fast>,
       &kv_<Precise>,
       nullptr,
       {}},
      {"spherical_jn",
       {"n", "x"},
       {},
       "spherical Bessel j_n(x), integer n >= 0",
       &sjn_<Fast>,
       &sjn_<Precise>,
       nullptr,
       {}},
      {"spherical_yn",
       {"n", "x"},
       {},
       "spherical Bessel y_n(x), integer n >= 0",
       &syn_<Fast>,
       &syn_<Precise>,
       nullptr,
       {}},
      {"airy_ai",
       {"x"},
       {},
       "Airy Ai(x) (scipy.special.airy(x)[0])",
       &ai_<Fast>,
       &ai_<Precise>,
       nullptr,
       {}},
      {"airy_aip",
       {"x"},
       {},
       "Airy Ai'(x) (scipy.special.airy(x)[1])",
       &aip_<Fast>,
       &aip_<Precise>,
       nullptr,
       {}},
      {"airy_bi",
       {"x"},
       {},
       "Airy Bi(x) (scipy.special.airy(x)[2])",
       &bi_<Fast>,
       &bi_<Precise>,
       nullptr,
       {}},
      {"airy_bip",
       {"x"},
       {},
       "Airy Bi'(x) (scipy.special.airy(x)[3])",
       &bip_<Fast>,
       &bip_<Precise>,
       nullptr,
       {}},
  };
}

}  // namespace sciagents::core::agents::special
