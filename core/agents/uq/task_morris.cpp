// uq.morris: elementary-effects screening (Morris 1991, with Campolongo et al.'s mu*): r
// one-at-a-time trajectories on a p-level grid of quantiles, one elementary effect per input and
// trajectory, and their mean, mean of absolute values and standard deviation.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sciagents::core::agents::uq {

namespace {

struct MorrisDesign {
  Matrix u;  // r(d+1) x d grid points in (0,1): trajectory t is rows t(d+1)..
  std::vector<Eigen::Index> moved;  // row k > 0 of a trajectory: the input it moved (else -1)
};

// Trajectory t: a base point with every input at a random level of {0..p-1}, then each input in a
// random order jumps p/2 levels (up from the lower half, down from the upper half). Level k is the
// quantile (k + 1/2)/p, so unbounded distributions are never asked for a 0 or 1 quantile.
MorrisDesign morrisDesign(std::uint64_t seed, Eigen::Index r, Eigen::Index d, Eigen::Index p) {
  MorrisDesign m;
  m.u.resize(r * (d + 1), d);
  m.moved.assign(static_cast<std::size_t>(r * (d + 1)), -1);
  const auto level = [p](Eigen::Index k) {
    return (static_cast<double>(k) + 0.5) / static_cast<double>(p);
  };
  for (Eigen::Index t = 0; t < r; ++t) {
    const Stream s(seed, 10 + static_cast<std::uint64_t>(t));
    std::uint64_t draw = 0;
    const auto below = [&](Eigen::Index n) {  // uniform in 0..n-1
      return static_cast<Eigen::Index>((s.bits(draw++) >> 33) % static_cast<std::uint64_t>(n));
    };
    std::vector<Eigen::Index> levels(static_cast<std::size_t>(d)), order(levels.size());
    for (auto& l : levels) l = below(p);
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    for (std::size_t i = order.size(); i > 1; --i)  // Fisher-Yates
      std::swap(order[i - 1], order[static_cast<std::size_t>(below(static_cast<Eigen::Index>(i)))]);
    const Eigen::Index base = t * (d + 1);
    for (Eigen::Index j = 0; j < d; ++j) m.u(base, j) = level(levels[static_cast<std::size_t>(j)]);
    for (Eigen::Index k = 0; k < d; ++k) {
      const Eigen::Index j = order[static_cast<std::size_t>(k)];
      auto& l = levels[static_cast<std::size_t>(j)];
      l += l < p / 2 ? p / 2 : -(p / 2);
      m.u.row(base + k + 1) = m.u.row(base + k);
      m.u(base + k + 1, j) = level(l);
      m.moved[static_cast<std::size_t>(base + k + 1)] = j;
    }
  }
  return m;
}

void runMorris(TaskContext& ctx) {
  const InputSet in = readInputs(ctx, false);
  const auto d = static_cast<Eigen::Index>(in.size());
  const Eigen::Index r = ctx.integer("trajectories"), p = ctx.integer("levels");
  if (p % 2 != 0)
    throw paramError("levels", "must be even (a jump is p/2 levels), got " + std::to_string(p));
  const std::uint64_t seed = taskSeed(ctx);
  const auto nboot = static_cast<int>(ctx.integer("bootstrap"));
  const double conf = ctx.number("confidence");
  auto model = readModel(ctx, in, r * (d + 1));
  ctx.setMethod("morris_oat",
                "Morris one-at-a-time trajectories on a " + std::to_string(p) +
                    "-level grid of quantiles (k + 1/2)/p, jumps of p/2 levels; mu* (mean |EE|) "
                    "ranks the inputs, sigma flags interactions or non-linearity; cost r(d+1)");

  const MorrisDesign design = morrisDesign(seed, r, d, p);
  const Matrix x = in.fromUniform(design.u);
  const Vector y = evaluateWithProgress(ctx, *model, x, 0.0, 0.9, "evaluating the trajectories");

  // EE_j = (f(x') - f(x)) / du, du = +-1/2 the step in quantile level (the unit cube, as in
  // Morris's and SALib's definition), so effects of inputs in different units compare: a linear
  // term a x_j of a uniform input on [lo, hi] has EE_j = a (hi - lo) exactly.
  Matrix effects(r, d);
  for (Eigen::Index t = 0; t < r; ++t)
    for (Eigen::Index k = 1; k <= d; ++k) {
      const Eigen::Index row = t * (d + 1) + k;
      const Eigen::Index j = design.moved[static_cast<std::size_t>(row)];
      const double du = design.u(row, j) - design.u(row - 1, j);
      effects(t, j) = (y[row] - y[row - 1]) / du;
    }
  const auto stats = [&](const Matrix& ee, Vector& mu, Vector& mu_star, Vector& sigma) {
    mu = ee.colwise().mean().transpose();
    mu_star = ee.cwiseAbs().colwise().mean().transpose();
    sigma.resize(d);
    for (Eigen::Index j = 0; j < d; ++j)
      sigma[j] = ee.rows() > 1 ? std::sqrt((ee.col(j).array() - mu[j]).square().sum() /
                                           static_cast<double>(ee.rows() - 1))
                               : NAN;
  };
  Vector mu, mu_star, sigma;
  stats(effects, mu, mu_star, sigma);

  // Bootstrap over trajectories for mu*'s interval (half-width z x sd, as SALib).
  Vector mu_star_conf = Vector::Constant(d, NAN);
  if (nboot >= 2 && r >= 2) {
    Matrix boot(nboot, d);
    for (int b = 0; b < nboot; ++b) {
      const Stream s(seed, 5000 + static_cast<std::uint64_t>(b));
      Matrix ee(r, d);
      for (Eigen::Index t = 0; t < r; ++t)
        ee.row(t) = effects.row(static_cast<Eigen::Index>(
            ((s.bits(static_cast<std::uint64_t>(t)) >> 32) * static_cast<std::uint64_t>(r)) >> 32));
      boot.row(b) = ee.cwiseAbs().colwise().mean();
    }
    const double z = normalQuantile(0.5 + conf / 2);
    for (Eigen::Index j = 0; j < d; ++j) {
      const double m = boot.col(j).mean();
      mu_star_conf[j] =
          z * std::sqrt((boot.col(j).array() - m).square().sum() / std::max(1, nboot - 1));
    }
  }
  ctx.checkCancelled();

  List names, ranking;
  for (const auto& nm : in.names) names.emplace_back(nm);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(d));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return mu_star[a] > mu_star[b]; });
  for (auto j : order) ranking.emplace_back(in.names[static_cast<std::size_t>(j)]);
  ctx.output("mu", mu);
  ctx.output("mu_star", mu_star);
  ctx.output("sigma", sigma);
  ctx.output("mu_star_conf", mu_star_conf);
  ctx.output("names", names);
  ctx.output("ranking", ranking);
  ctx.output("effects", effects);
  ctx.output("design", x);
  ctx.output("y", y);
  ctx.output("evaluations", static_cast<std::int64_t>(r * (d + 1)));
  reportModel(ctx, *model, in, seed);
  ctx.diagnostic("trajectories", static_cast<std::int64_t>(r));
  ctx.diagnostic("levels", static_cast<std::int64_t>(p));
  ctx.diagnostic("bootstrap", nboot);
  ctx.diagnostic("confidence_level", conf);
  ctx.progress(1.0, "done");
  if (r < 10)
    ctx.warn("only " + std::to_string(r) +
             " trajectories: mu* and sigma are rough (10 to 50 is usual)");
}

}  // namespace

TaskSpec morrisTask() {
  TaskSpec t;
  t.id = "morris";
  t.summary =
      "Morris elementary-effects screening: which inputs matter (mu*), and which act "
      "non-linearly or through interactions (sigma), for r(d+1) model runs.";
  t.doc =
      "r one-at-a-time trajectories (Morris 1991). Each starts at a random point of a p-level "
      "grid (level k is the quantile (k + 1/2)/p of every input's distribution, so unbounded "
      "inputs work) and moves every input once, in random order, by p/2 levels. The elementary "
      "effect of input j on trajectory t is EE = (f(x') - f(x)) / du with du the step in "
      "quantile level (the unit cube of Morris's and SALib's definition; a jump is du = 1/2), so "
      "inputs in different units compare: a linear term a x_j of a uniform input on [lo, hi] "
      "has EE = a (hi - lo). mu = mean EE, mu_star = "
      "mean |EE| (Campolongo et al. 2007, the screening measure), sigma = standard deviation of "
      "EE (large: non-linear or interacting). mu_star_conf is the bootstrap half-width over "
      "trajectories (z x sd, SALib's convention). Use it to drop unimportant inputs before a "
      "Sobol study, which costs N(d+2).";
  t.params = {
      modelParam(),
      inputsParam(),
      ParamSpec::make("trajectories", ParamType::Integer)
          .def(20)
          .range(2, 1e6)
          .describe("Number of trajectories r; the model runs r(d+1) times."),
      ParamSpec::make("levels", ParamType::Integer)
          .def(4)
          .range(2, 1000)
          .describe("Grid levels p (even); a jump moves an input by p/2 levels."),
      seedParam(),
      ParamSpec::make("bootstrap", ParamType::Integer)
          .def(200)
          .range(0, 100000)
          .describe("Bootstrap replicates for mu_star_conf (0: none)."),
      confidenceParam(),
      constantsParam(),
  };
  t.outputs = {
      {"mu", ValueKind::Vector, "Mean elementary effect per input (signed)."},
      {"mu_star", ValueKind::Vector, "Mean absolute elementary effect: the importance measure."},
      {"sigma", ValueKind::Vector, "Standard deviation of the elementary effects."},
      {"mu_star_conf", ValueKind::Vector, "Bootstrap half-width of mu_star's interval."},
      {"names", ValueKind::List, "Input names, the order of the vectors."},
      {"ranking", ValueKind::List, "Input names by decreasing mu_star."},
      {"effects", ValueKind::Matrix, "Elementary effects, one row per trajectory."},
      {"design", ValueKind::Matrix,
       "The points evaluated, r(d+1) rows: trajectory t is rows t(d+1) .. t(d+1)+d."},
      {"y", ValueKind::Vector, "Model values at the design points."},
      {"evaluations", ValueKind::Integer, "Model evaluations, r(d+1)."},
  };
  t.run = runMorris;
  return t;
}

}  // namespace sciagents::core::agents::uq
