// uq.lhs: Latin hypercube designs with an optional maximin improvement and space-filling measures;
// evaluates a model at the design when one is given.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::uq {

namespace {

double minDistance(const Matrix& u) {
  double best = std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < u.rows(); ++i)
    for (Eigen::Index j = i + 1; j < u.rows(); ++j)
      best = std::min(best, (u.row(i) - u.row(j)).squaredNorm());
  return std::sqrt(best);
}

// Centred L2 discrepancy (Hickernell 1998) of points in the unit cube; smaller is more uniform.
double centredL2(const Matrix& u) {
  const auto n = static_cast<double>(u.rows());
  const Eigen::Index d = u.cols();
  double s1 = 0, s2 = 0;
  for (Eigen::Index i = 0; i < u.rows(); ++i) {
    double p = 1;
    for (Eigen::Index k = 0; k < d; ++k) {
      const double a = std::abs(u(i, k) - 0.5);
      p *= 1 + 0.5 * a - 0.5 * a * a;
    }
    s1 += p;
    for (Eigen::Index j = 0; j < u.rows(); ++j) {
      double q = 1;
      for (Eigen::Index k = 0; k < d; ++k)
        q *= 1 + 0.5 * std::abs(u(i, k) - 0.5) + 0.5 * std::abs(u(j, k) - 0.5) -
             0.5 * std::abs(u(i, k) - u(j, k));
      s2 += q;
    }
  }
  return std::sqrt(
      std::max(0.0, std::pow(13.0 / 12.0, static_cast<double>(d)) - 2.0 / n * s1 + s2 / (n * n)));
}

// Maximin by the best of `candidates` designs, then greedy swaps of two rows' entries in one column
// (which keeps the Latin property) that enlarge the minimum distance; every choice is seeded.
Matrix maximin(std::uint64_t seed, Eigen::Index n, Eigen::Index d, int candidates, int iterations,
               TaskContext& ctx, int& accepted) {
  Matrix best = latinHypercube(seed, 10, n, d);
  double best_d = minDistance(best);
  for (int c = 1; c < candidates; ++c) {
    Matrix u = latinHypercube(seed, 10 + static_cast<std::uint64_t>(c), n, d);
    const double m = minDistance(u);
    if (m > best_d) best = std::move(u), best_d = m;
    ctx.checkCancelled();
  }
  const Stream s(seed, 9);
  accepted = 0;
  for (int it = 0; it < iterations && n > 1; ++it) {
    const auto k = static_cast<std::uint64_t>(3 * it);
    const auto col = static_cast<Eigen::Index>(s.bits(k) % static_cast<std::uint64_t>(d));
    const auto a = static_cast<Eigen::Index>(s.bits(k + 1) % static_cast<std::uint64_t>(n));
    const auto b = static_cast<Eigen::Index>(s.bits(k + 2) % static_cast<std::uint64_t>(n));
    if (a == b) continue;
    std::swap(best(a, col), best(b, col));
    const double m = minDistance(best);
    if (m > best_d)
      best_d = m, ++accepted;
    else
      std::swap(best(a, col), best(b, col));
    if ((it & 31) == 31) {
      ctx.checkCancelled();
      ctx.progress(0.1 + 0.4 * it / iterations, "maximin search");
    }
  }
  return best;
}

void runLhs(TaskContext& ctx) {
  const InputSet in = readInputs(ctx);
  const std::uint64_t seed = taskSeed(ctx);
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  const std::string criterion = ctx.text("criterion");
  int accepted = 0;
  Matrix u;
  if (criterion == "maximin") {
    if (n > 5000)
      throw paramError("criterion",
                       "maximin needs O(n^2) distances per step; use criterion \"none\" "
                       "for n > 5000 (n = " +
                           std::to_string(n) + ")");
    u = maximin(seed, n, d, static_cast<int>(ctx.integer("candidates")),
                static_cast<int>(ctx.integer("iterations")), ctx, accepted);
    ctx.setMethod("lhs_maximin",
                  "best of " + std::to_string(ctx.integer("candidates")) +
                      " random Latin hypercubes by minimum pairwise distance, then " +
                      std::to_string(ctx.integer("iterations")) +
                      " seeded within-column swaps kept when they enlarge it");
  } else {
    u = latinHypercube(seed, 10, n, d);
    ctx.setMethod("lhs", "random Latin hypercube: one point per stratum of every input");
  }
  const Matrix x = in.fromUniform(u);
  ctx.output("design", x);
  ctx.output("unit_design", u);
  ctx.output("n", static_cast<std::int64_t>(n));
  if (n <= 5000) {
    ctx.output("min_distance", minDistance(u));
    ctx.output("cl2_discrepancy", centredL2(u));
  } else {
    ctx.warn("n > 5000: space-filling measures (O(n^2)) not computed");
  }
  List names;
  for (const auto& nm : in.names) names.emplace_back(nm);
  ctx.output("names", names);
  ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
  ctx.diagnostic("inputs", in.describe());
  ctx.diagnostic("maximin_swaps_accepted", accepted);
  ctx.diagnostic("space_filling",
                 "min_distance and cl2_discrepancy are measured on unit_design (the unit cube)");
  if (ctx.has("model")) {
    auto model = readModel(ctx, in, n);
    const Vector y = evaluateWithProgress(ctx, *model, x, 0.5, 1.0, "evaluating the model");
    ctx.output("values", y);
    ctx.output("mean", y.mean());
    ctx.output("variance",
               n > 1 ? (y.array() - y.mean()).square().sum() / static_cast<double>(n - 1) : 0.0);
    ctx.diagnostic("model", model->diagnostics());
    ctx.diagnostic("model_description", model->describe());
  }
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec lhsTask() {
  TaskSpec t;
  t.id = "lhs";
  t.summary =
      "Latin hypercube design (optionally maximin-improved) with space-filling measures; evaluates "
      "a model on it.";
  t.doc =
      "Each input's range is cut into n equally probable strata and every stratum gets exactly one "
      "point; the design "
      "is mapped through the inputs' quantile functions (Gaussian copula for `correlation`). "
      "`criterion: maximin` "
      "keeps the best of `candidates` designs by minimum pairwise distance and improves it by "
      "seeded within-column "
      "swaps. Reported measures on the unit-cube design: minimum pairwise distance (larger is "
      "better) and the "
      "centred L2 discrepancy (smaller is better). With a `model`, its values at the design are "
      "returned too "
      "(training data for surrogates).";
  t.params = {
      inputsParam(),
      ParamSpec::make("n", ParamType::Integer)
          .def(100)
          .range(2, 1e7)
          .describe("Number of design points."),
      ParamSpec::make("criterion", ParamType::Choice)
          .oneOf({"maximin", "none"})
          .def("maximin")
          .describe("maximin: improve the minimum pairwise distance; none: plain random LHS."),
      ParamSpec::make("candidates", ParamType::Integer)
          .def(10)
          .range(1, 10000)
          .describe("maximin: random designs to pick the best from."),
      ParamSpec::make("iterations", ParamType::Integer)
          .def(200)
          .range(0, 1e6)
          .describe("maximin: column-swap attempts after the candidate search."),
      seedParam(),
      correlationParam(),
      modelParam(false),
      constantsParam(),
  };
  t.outputs = {
      {"design", ValueKind::Matrix, "The design in input space, n x d."},
      {"unit_design", ValueKind::Matrix, "The design in the unit cube."},
      {"n", ValueKind::Integer, "Number of points."},
      {"min_distance", ValueKind::Scalar,
       "Minimum pairwise distance in the unit cube (n <= 5000)."},
      {"cl2_discrepancy", ValueKind::Scalar,
       "Centred L2 discrepancy in the unit cube (n <= 5000)."},
      {"names", ValueKind::List, "Input names (column order)."},
      {"values", ValueKind::Vector, "Model values at the design (with a model)."},
      {"mean", ValueKind::Scalar, "Mean of the model values (with a model)."},
      {"variance", ValueKind::Scalar, "Variance of the model values (with a model)."},
  };
  t.run = runLhs;
  return t;
}

}  // namespace sciagents::core::agents::uq
