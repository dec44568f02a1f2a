// ode_pde.ivp: shared parts of the one-step integrators (ivp_one_step.h).
#include "core/agents/ode_pde/ivp_one_step.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sciagents::core::agents::ode {

double rms(const Vector& v) {
  return v.size() ? std::sqrt(v.squaredNorm() / static_cast<double>(v.size())) : 0.0;
}

double initialStep(OdeFunctions& f, double t, const Vector& y, const Vector& f0, double dir,
                   int order, const Problem& p, double max_step) {
  const Vector scale = p.atol.array() + y.array().abs() * p.rtol;
  const double d0 = rms(y.cwiseQuotient(scale)), d1 = rms(f0.cwiseQuotient(scale));
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min({h0, std::abs(p.t1 - t), max_step});
  const Vector y1 = y + h0 * dir * f0;
  Vector f1(y.size());
  f.rhs(t + h0 * dir, y1.data(), f1.data());
  const double d2 = rms((f1 - f0).cwiseQuotient(scale)) / h0;
  const double h1 = (d1 <= 1e-15 && d2 <= 1e-15)
                        ? std::max(1e-6, h0 * 1e-3)
                        : std::pow(0.01 / std::max(d1, d2), 1.0 / (order + 1));
  const double h = std::min({100 * h0, h1, std::abs(p.t1 - t), max_step});
  return std::isfinite(h) && h > 0 ? h : h0;
}

namespace {

// Illinois (modified regula falsi) on a bracket; returns a time on the far side of the crossing.
template <class G>
double findRoot(G&& g, double lo, double hi, double glo, double ghi) {
  int side = 0;
  for (int it = 0; it < 200; ++it) {
    double c = (lo * ghi - hi * glo) / (ghi - glo);
    if (!(c > std::min(lo, hi) && c < std::max(lo, hi))) c = 0.5 * (lo + hi);
    const double gc = g(c);
    if (gc == 0) return c;
    if ((gc > 0) == (ghi > 0)) {
      hi = c, ghi = gc;
      if (side == -1) glo *= 0.5;
      side = -1;
    } else {
      lo = c, glo = gc;
      if (side == 1) ghi *= 0.5;
      side = 1;
    }
    if (std::abs(hi - lo) <=
        4 * std::numeric_limits<double>::epsilon() * std::max(std::abs(lo), std::abs(hi)) + 1e-300)
      break;
  }
  return hi;
}

bool crosses(double g0, double g1, double direction) {
  const bool up = g0 < 0 && g1 >= 0, down = g0 > 0 && g1 <= 0;
  return direction > 0 ? up : direction < 0 ? down : (up || down);
}

}  // namespace

StepEvents::StepEvents(const Problem& p, OdeFunctions& f, double t0, const Vector& y0)
    : m_p(p), m_f(f), m_gold(f.numEvents()), m_gnew(f.numEvents()) {
  if (any()) f.events(t0, y0.data(), m_gold.data());
}

std::optional<std::pair<double, Vector>> StepEvents::scan(double t, double tnew, const Vector& ynew,
                                                          const Output::Interp& interp,
                                                          Output& out) {
  if (!any()) return std::nullopt;
  m_f.events(tnew, ynew.data(), m_gnew.data());
  const double dir = m_p.direction();
  std::vector<std::pair<double, std::size_t>> roots;
  Vector yr(ynew.size());
  for (std::size_t k = 0; k < m_gold.size(); ++k) {
    if (!crosses(m_gold[k], m_gnew[k], m_p.events[k].direction)) continue;
    auto g = [&](double tt) {
      interp(tt, yr.data());
      return m_f.eventValue(k, tt, yr.data());
    };
    roots.emplace_back(findRoot(g, t, tnew, m_gold[k], m_gnew[k]), k);
  }
  std::sort(roots.begin(), roots.end(),
            [&](const auto& a, const auto& b) { return dir * a.first < dir * b.first; });
  for (const auto& [tr, k] : roots) {
    interp(tr, yr.data());
    out.event(k, tr, yr);
    if (m_p.events[k].terminal) return std::make_pair(tr, yr);
  }
  m_gold.swap(m_gnew);
  return std::nullopt;
}

}  // namespace sciagents::core::agents::ode
