// Global methods on a box: differential evolution (SciPy's best1bin, Latin-hypercube start,
// dithered mutation, immediate updating), multistart L-BFGS-B, and NLopt's DIRECT-L / CRS2 / ISRES.
#include "core/agents/optimization/global_internal.h"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>

namespace sciagents::core::agents::opt {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double safeValue(Objective& obj, const Vector& x) {
  const double f = obj.value(x);
  return std::isfinite(f) ? f : kInf;
}

// Latin hypercube in the unit cube: one point per stratum along every axis.
Matrix latinHypercube(Eigen::Index m, Eigen::Index n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Matrix p(m, n);
  std::vector<Eigen::Index> perm(static_cast<std::size_t>(m));
  for (Eigen::Index j = 0; j < n; ++j) {
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    for (Eigen::Index i = 0; i < m; ++i)
      p(i, j) = (static_cast<double>(perm[static_cast<std::size_t>(i)]) + u(rng)) /
                static_cast<double>(m);
  }
  return p;
}

struct NlData {
  Objective* obj;
  nlopt_opt opt;
  std::exception_ptr error;
  std::optional<Diverged> diverged;
  long calls = 0;
  long maxcalls = 1;
  double best = kInf;
};

double nlCb(unsigned n, const double* x, double*, void* p) {
  auto* d = static_cast<NlData*>(p);
  try {
    const double f = safeValue(*d->obj, Eigen::Map<const Vector>(x, n));
    ++d->calls;
    if (f < d->best) {
      d->best = f;
      d->obj->emit(d->calls, f, -1.0,
                   static_cast<double>(d->calls) / static_cast<double>(d->maxcalls));
    }
    return std::isfinite(f) ? f : std::numeric_limits<double>::max();
  } catch (const Diverged& e) {
    d->diverged = e;
  } catch (...) {
    d->error = std::current_exception();
  }
  nlopt_force_stop(d->opt);
  return 0.0;
}
}  // namespace

GlobalResult differentialEvolution(Objective& obj, const Bounds& b, const GlobalOptions& o) {
  const Eigen::Index n = b.lo.size();
  const Eigen::Index m = std::max<Eigen::Index>(5, o.popsize * n);
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const Vector width = b.hi - b.lo;
  Matrix pop = latinHypercube(m, n, rng);  // unit-cube coordinates, as SciPy
  auto scaled = [&](const Vector& unit) -> Vector { return b.lo + unit.cwiseProduct(width); };
  Matrix start(m, n);
  for (Eigen::Index i = 0; i < m; ++i) start.row(i) = scaled(pop.row(i).transpose()).transpose();
  Vector energy =
      obj.values(start);  // one batch: a step-model objective runs the members in parallel
  for (Eigen::Index i = 0; i < m; ++i)
    if (!std::isfinite(energy[i])) energy[i] = kInf;
  Eigen::Index best;
  energy.minCoeff(&best);
  GlobalResult r;
  long gen = 0;
  for (; gen < o.maxiter; ++gen) {
    const double f_mut = 0.5 + 0.5 * u(rng);  // dithering in [0.5, 1)
    for (Eigen::Index i = 0; i < m; ++i) {
      Eigen::Index r0, r1;
      do r0 = static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(m));
      while (r0 == i);
      do r1 = static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(m));
      while (r1 == i || r1 == r0);
      Vector trial = pop.row(i).transpose();
      const Eigen::Index fill = static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(n));
      for (Eigen::Index j = 0; j < n; ++j) {
        if (j == fill || u(rng) < o.recombination) {
          double v = pop(best, j) + f_mut * (pop(r0, j) - pop(r1, j));
          if (v < 0.0 || v > 1.0) v = u(rng);  // out of the box: resample uniformly (SciPy)
          trial[j] = v;
        }
      }
      const double e = safeValue(obj, scaled(trial));
      if (e <= energy[i]) {
        energy[i] = e;
        pop.row(i) = trial.transpose();
        if (e <= energy[best]) best = i;
      }
    }
    obj.emit(gen, energy[best], -1.0,
             static_cast<double>(gen + 1) / static_cast<double>(o.maxiter));
    const bool all_finite = energy.allFinite();
    if (all_finite) {
      const double mean = energy.mean();
      const double sd = std::sqrt((energy.array() - mean).square().mean());
      if (sd <= o.atol + o.tol * std::abs(mean)) {
        r.success = true;
        r.message = "population energies converged (std " + num(sd) + " <= atol + tol |mean|)";
        ++gen;
        break;
      }
    }
  }
  if (!r.success) {
    r.maxiter = true;
    r.message = "maximum number of generations (" + std::to_string(o.maxiter) + ") reached";
  }
  r.x = scaled(pop.row(best).transpose());
  r.f = energy[best];
  r.nit = gen;
  return r;
}

GlobalResult multistart(Objective& obj, const Bounds& b, const GlobalOptions& o) {
  const Eigen::Index n = b.lo.size();
  std::mt19937_64 rng(o.seed);
  const Eigen::Index starts = std::max<Eigen::Index>(2, o.popsize);
  const Matrix unit = latinHypercube(starts, n, rng);
  LocalOptions lo;
  lo.method = "l-bfgs-b";
  lo.tol = 1e-10;
  lo.bounds = b;
  GlobalResult r;
  r.f = kInf;
  for (Eigen::Index s = 0; s < starts; ++s) {
    const Vector x0 = b.lo + unit.row(s).transpose().cwiseProduct(b.hi - b.lo);
    if (!std::isfinite(obj.value(x0))) continue;
    const LocalResult l = runLocal(obj, x0, lo);
    if (l.f < r.f) {
      r.f = l.f;
      r.x = l.x;
    }
    obj.emit(s, r.f, -1.0, static_cast<double>(s + 1) / static_cast<double>(starts));
  }
  if (!std::isfinite(r.f))
    throw Error(ErrorCode::RunFailed, "the objective is not finite at any of the start points");
  r.nit = starts;
  r.success = true;
  r.message = "best of " + std::to_string(starts) + " L-BFGS-B runs from Latin-hypercube starts";
  return r;
}

GlobalResult nloptGlobal(Objective& obj, const Bounds& b, const GlobalOptions& o) {
  const nlopt_algorithm alg = o.method == "gn_direct_l"  ? NLOPT_GN_DIRECT_L
                              : o.method == "gn_crs2_lm" ? NLOPT_GN_CRS2_LM
                                                         : NLOPT_GN_ISRES;
  const auto n = static_cast<unsigned>(b.lo.size());
  std::unique_ptr<std::remove_pointer_t<nlopt_opt>, decltype(&nlopt_destroy)> opt(
      nlopt_create(alg, n), &nlopt_destroy);
  // NLopt's generator is process-global in Debian's build (no TLS): stochastic runs are serialised
  // so that concurrent steps stay deterministic for their seed.
  static std::mutex rng_mutex;
  std::unique_lock<std::mutex> lock(rng_mutex, std::defer_lock);
  if (alg != NLOPT_GN_DIRECT_L) lock.lock();
  nlopt_srand(o.seed);
  NlData d{&obj, opt.get(), {}, {}, 0, 1, kInf};
  const long maxeval = o.maxiter_given ? o.maxiter : 2000L * static_cast<long>(n);
  d.maxcalls = maxeval;
  nlopt_set_min_objective(opt.get(), nlCb, &d);
  nlopt_set_lower_bounds(opt.get(), b.lo.data());
  nlopt_set_upper_bounds(opt.get(), b.hi.data());
  nlopt_set_maxeval(opt.get(), static_cast<int>(std::min<long>(maxeval, 2000000000L)));
  if (alg != NLOPT_GN_DIRECT_L)
    nlopt_set_population(opt.get(), static_cast<unsigned>(o.popsize * n));
  Vector x = 0.5 * (b.lo + b.hi);
  double f = 0.0;
  const nlopt_result res = nlopt_optimize(opt.get(), x.data(), &f);
  if (d.error) std::rethrow_exception(d.error);
  if (d.diverged) throw *d.diverged;
  GlobalResult r;
  r.x = x;
  r.f = f;
  r.nit = d.calls;
  r.success = res > 0;  // maxeval is the normal stop of these methods
  r.message = "NLopt global search stopped after " + std::to_string(d.calls) +
              " evaluations (status " + std::to_string(static_cast<int>(res)) + ")";
  return r;
}

}  // namespace sciagents::core::agents::opt
