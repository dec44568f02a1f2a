// uq.sobol: variance-based sensitivity indices (first order S1 and total ST) by Saltelli sampling
// on a randomised Sobol sequence with the Saltelli (2010) S1 and Jansen ST estimators, and
// bootstrap confidence intervals.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/runtime/parallel_blocks.h"
#include "core/util/error.h"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::uq {

namespace {

struct Estimate {
  Vector s1, st;
  double mean = 0, var = 0;
};

// f: N x (d+2) model values, columns [f_A, f_B, f_AB^1, ..., f_AB^d]. A bootstrap replicate is
// given by how often it drew each row (`counts`), so every sum is a sequential, vectorisable
// weighted dot product instead of a random gather; nullptr uses every row once.
Estimate estimate(const Matrix& f, const Vector* counts) {
  const Eigen::Index n = f.rows(), d = f.cols() - 2;
  const Vector ones = counts ? Vector() : Vector::Ones(n);
  const Vector& c = counts ? *counts : ones;
  const auto fa = f.col(0), fb = f.col(1);
  Estimate e;
  e.s1.resize(d);
  e.st.resize(d);
  const double m = 2.0 * static_cast<double>(n);
  e.mean = c.dot(fa + fb) / m;
  e.var = (c.dot(fa.cwiseAbs2() + fb.cwiseAbs2()) - m * e.mean * e.mean) / (m - 1);
  const Vector cb = c.cwiseProduct(fb);
  for (Eigen::Index i = 0; i < d; ++i) {
    const auto fab = f.col(2 + i);
    e.s1[i] = cb.dot(fab - fa) / (static_cast<double>(n) * e.var);
    e.st[i] = c.dot((fa - fab).cwiseAbs2()) / (2.0 * static_cast<double>(n) * e.var);
  }
  return e;
}

// For the Convergence chart: the indices estimated on the first m rows of the design, m = n/64,
// n/32, ..., n (a prefix of a Sobol sequence of power-of-two length is itself a balanced design),
// as metrics "S1 <input>" and "ST <input>" against m; with more than 8 inputs only "sum S1".
// Nothing when nobody listens (a study's samples, benchmarks).
void reportConvergence(TaskContext& ctx, const Matrix& f, const std::vector<std::string>& names) {
  if (!ctx.observer()) return;
  const Eigen::Index n = f.rows(), d = f.cols() - 2;
  for (Eigen::Index m = std::min(n, std::max<Eigen::Index>(8, n / 64));; m = std::min(n, 2 * m)) {
    const Matrix prefix = f.topRows(m);
    const Estimate e = estimate(prefix, nullptr);
    const auto x = static_cast<double>(m);
    if (e.var > 0 && d <= 8) {
      for (Eigen::Index i = 0; i < d; ++i) {
        ctx.metric("S1 " + names[static_cast<std::size_t>(i)], x, e.s1[i]);
        ctx.metric("ST " + names[static_cast<std::size_t>(i)], x, e.st[i]);
      }
    } else if (e.var > 0) {
      ctx.metric("sum S1", x, e.s1.sum());
    }
    if (m == n) break;
  }
}

// The factors the indices are computed for: every input alone, or the `groups` (a map of group
// name to input names; every input in exactly one group). Grouped indices are closed indices of
// the group's inputs together.
struct SobolFactors {
  std::vector<std::string> names;
  std::vector<std::vector<Eigen::Index>> columns;  // the inputs each factor moves
};

SobolFactors readFactors(const TaskContext& ctx, const InputSet& in) {
  SobolFactors f;
  if (!ctx.has("groups")) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      f.names.push_back(in.names[i]);
      f.columns.push_back({static_cast<Eigen::Index>(i)});
    }
    return f;
  }
  const Value& g = ctx.param("groups");
  if (g.kind() != ValueKind::Map || g.asMap().empty())
    throw paramError("groups",
                     "expected a map of group name to input names, e.g. {\"geometry\": [\"L\", "
                     "\"w\"], \"load\": [\"F\"]}");
  std::vector<std::string> owner(in.size());
  for (const auto& [name, members] : g.asMap()) {
    std::vector<Eigen::Index> cols;
    const auto add = [&](const Value& m) {
      if (m.kind() != ValueKind::String)
        throw paramError("groups", "group '" + name + "': members must be input names");
      const auto it = std::find(in.names.begin(), in.names.end(), m.asString());
      if (it == in.names.end())
        throw paramError("groups",
                         "group '" + name + "': '" + m.asString() + "' is not one of the inputs");
      const auto i = static_cast<std::size_t>(it - in.names.begin());
      if (!owner[i].empty())
        throw paramError("groups", "input '" + m.asString() + "' is in group '" + owner[i] +
                                       "' and in group '" + name + "'");
      owner[i] = name;
      cols.push_back(static_cast<Eigen::Index>(i));
    };
    if (members.kind() == ValueKind::List)
      for (const auto& m : members.asList()) add(m);
    else
      add(members);
    if (cols.empty()) throw paramError("groups", "group '" + name + "' is empty");
    f.names.push_back(name);
    f.columns.push_back(std::move(cols));
  }
  for (std::size_t i = 0; i < in.size(); ++i)
    if (owner[i].empty())
      throw paramError("groups", "input '" + in.names[i] +
                                     "' is in no group (every input belongs to exactly one)");
  return f;
}

// Bootstrap replicates of S1 and ST over the N rows, replicate r from its own stream (threads do
// not change the result); `estimateOf` gives the estimate for given row counts.
template <class EstimateOf>
void bootstrapIndices(TaskContext& ctx, std::uint64_t seed, Eigen::Index n, int nboot,
                      Eigen::Index d, const EstimateOf& estimateOf, Matrix& boot_s1,
                      Matrix& boot_st) {
  boot_s1.resize(nboot, d);
  boot_st.resize(nboot, d);
  // One block per replicate on the run's threads (parallelBlocks), scratch counts per thread.
  std::vector<Vector> scratch(static_cast<std::size_t>(std::max(1, ctx.threads())));
  parallelBlocks(
      static_cast<std::size_t>(std::max(0, nboot)), ctx.threads(), [&](std::size_t rep, int slot) {
        const auto r = static_cast<Eigen::Index>(rep);
        Vector& counts = scratch[static_cast<std::size_t>(slot)];
        counts.setZero(n);
        const Stream s(seed, 1000 + static_cast<std::uint64_t>(r));
        for (Eigen::Index k = 0; k < n; ++k)  // multiply-shift of 32 random bits: bias < n / 2^32
          counts[static_cast<Eigen::Index>(
              ((s.bits(static_cast<std::uint64_t>(k)) >> 32) * static_cast<std::uint64_t>(n)) >>
              32)] += 1.0;
        const Estimate b = estimateOf(&counts);
        boot_s1.row(r) = b.s1.transpose();
        boot_st.row(r) = b.st.transpose();
      });
  ctx.checkCancelled();
}

// The indices of a vector output (Gamboa et al. 2014): per component k, and aggregated with the
// components' variances as weights, S = sum_k V_k S_k / sum_k V_k. Components of zero variance
// (an output fixed by the initial state) have NaN indices and weigh nothing.
struct VectorEstimate {
  Estimate total;
  Matrix s1, st;  // m x d
  Vector var;     // m
};

VectorEstimate estimateVector(const std::vector<Matrix>& fs, const Vector* counts) {
  const auto m = static_cast<Eigen::Index>(fs.size());
  const Eigen::Index d = fs.front().cols() - 2;
  VectorEstimate v;
  v.s1 = Matrix::Constant(m, d, NAN);
  v.st = Matrix::Constant(m, d, NAN);
  v.var = Vector::Zero(m);
  v.total.s1 = Vector::Zero(d);
  v.total.st = Vector::Zero(d);
  double weight = 0;
  for (Eigen::Index k = 0; k < m; ++k) {
    const Estimate e = estimate(fs[static_cast<std::size_t>(k)], counts);
    v.var[k] = e.var;
    if (!(e.var > 1e-300)) continue;
    v.s1.row(k) = e.s1.transpose();
    v.st.row(k) = e.st.transpose();
    v.total.s1 += e.var * e.s1;
    v.total.st += e.var * e.st;
    weight += e.var;
  }
  v.total.var = weight;
  if (weight > 0) v.total.s1 /= weight, v.total.st /= weight;
  return v;
}

void runSobol(TaskContext& ctx) {
  const InputSet in = readInputs(ctx, false);
  const SobolFactors factors = readFactors(ctx, in);
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  const auto g = static_cast<Eigen::Index>(factors.names.size());
  auto model = readModel(ctx, in, n * (g + 2));
  const std::uint64_t seed = taskSeed(ctx);
  const auto nboot = static_cast<int>(ctx.integer("bootstrap"));
  const double conf = ctx.number("confidence");
  if (2 * d > 3667)
    throw paramError("inputs", "at most 1833 inputs (Sobol direction numbers for 2d dimensions)");
  ctx.setMethod("saltelli_jansen",
                "Saltelli sampling (matrices A, B and A_B^i from a 2d-dimensional Sobol sequence "
                "with a random "
                "digital shift), S1 by the Saltelli (2010) estimator, ST by Jansen's; cost N(" +
                    std::string(g == d ? "d" : "groups") + "+2)");

  // Sample matrix: rows [A; B; A_B^1; ...; A_B^g], all in the unit cube; A_B^i is A with the
  // columns of factor i from B.
  Matrix u(n * (g + 2), d);
  {
    boost::random::sobol q(static_cast<std::size_t>(2 * d));
    const Stream shift_stream(seed, 2);
    std::vector<std::uint64_t> shift(static_cast<std::size_t>(2 * d));
    for (std::size_t j = 0; j < shift.size(); ++j) shift[j] = shift_stream.bits(j);
    for (Eigen::Index k = 0; k < n; ++k)
      for (Eigen::Index j = 0; j < 2 * d; ++j) {
        const std::uint64_t bits =
            (static_cast<std::uint64_t>(q()) ^ shift[static_cast<std::size_t>(j)]) >> 11;
        const double t = (static_cast<double>(bits) + 0.5) * 0x1p-53;
        if (j < d)
          u(k, j) = t;
        else
          u(n + k, j - d) = t;
      }
    for (Eigen::Index i = 0; i < g; ++i) {
      u.middleRows((2 + i) * n, n) = u.topRows(n);
      for (const Eigen::Index c : factors.columns[static_cast<std::size_t>(i)])
        u.block((2 + i) * n, c, n, 1) = u.block(n, c, n, 1);
    }
  }
  const Matrix x = in.fromUniform(u);
  // Failed samples are collected (not stopped at the first) so that the refusal names them all.
  model->allowFailedSamples(true);
  // An expression is one number per sample; a step or program may give a vector (a trajectory).
  const bool may_be_vector = ctx.param("model").kind() != ValueKind::String;
  const Matrix y =
      may_be_vector
          ? evaluateVectorWithProgress(ctx, *model, x, 0.0, 0.9, "evaluating the model")
          : Matrix(evaluateWithProgress(ctx, *model, x, 0.0, 0.9, "evaluating the model"));
  refuseFailedSamples(
      *model, model->failedSamples(), static_cast<std::size_t>(y.rows()),
      "Sobol indices cannot drop samples (the estimators pair rows of A, B and A_B^i; dropping "
      "biases the indices): make the model succeed on the whole input box (rows are A: 0.." +
          std::to_string(n - 1) + ", B: " + std::to_string(n) + "..)");
  const Eigen::Index m = y.cols();
  // Centring keeps the estimators accurate for large means.
  std::vector<Matrix> fs;
  Vector centres(m);
  for (Eigen::Index k = 0; k < m; ++k) {
    centres[k] = y.col(k).head(2 * n).mean();
    fs.push_back(Eigen::Map<const Matrix>(y.col(k).data(), n, g + 2).array() - centres[k]);
  }
  VectorEstimate ve;
  Estimate e;
  if (m == 1) {
    e = estimate(fs[0], nullptr);
  } else {
    ve = estimateVector(fs, nullptr);
    e = ve.total;
  }
  if (!(e.var > 0))
    throw Error(ErrorCode::RunFailed,
                "the model output has zero variance over the samples: "
                "sensitivity indices are undefined",
                {}, "model");
  e.mean = m == 1 ? e.mean + centres[0] : NAN;
  if (m == 1) reportConvergence(ctx, fs[0], factors.names);

  Matrix boot_s1, boot_st;
  if (m == 1)
    bootstrapIndices(
        ctx, seed, n, nboot, g, [&](const Vector* c) { return estimate(fs[0], c); }, boot_s1,
        boot_st);
  else
    bootstrapIndices(
        ctx, seed, n, nboot, g, [&](const Vector* c) { return estimateVector(fs, c).total; },
        boot_s1, boot_st);

  const double z = normalQuantile(0.5 + conf / 2);
  Vector s1_conf = Vector::Constant(g, NAN), st_conf = Vector::Constant(g, NAN);
  Matrix s1_int = Matrix::Constant(g, 2, NAN), st_int = Matrix::Constant(g, 2, NAN);
  auto summarise = [&](const Matrix& boot, Vector& half, Matrix& interval, Eigen::Index i) {
    std::vector<double> v(boot.col(i).data(), boot.col(i).data() + nboot);
    const double mb = boot.col(i).mean();
    half[i] = z * std::sqrt((boot.col(i).array() - mb).square().sum() / std::max(1, nboot - 1));
    std::sort(v.begin(), v.end());
    interval(i, 0) = quantileSorted(v, 0.5 - conf / 2);
    interval(i, 1) = quantileSorted(v, 0.5 + conf / 2);
  };
  if (nboot >= 2)
    for (Eigen::Index i = 0; i < g; ++i)
      summarise(boot_s1, s1_conf, s1_int, i), summarise(boot_st, st_conf, st_int, i);

  List names;
  for (const auto& nm : factors.names) names.emplace_back(nm);
  ctx.output("S1", e.s1);
  ctx.output("ST", e.st);
  ctx.output("S1_conf", s1_conf);
  ctx.output("ST_conf", st_conf);
  ctx.output("S1_interval", s1_int);
  ctx.output("ST_interval", st_int);
  ctx.output("mean", e.mean);
  ctx.output("variance", e.var);
  ctx.output("evaluations", static_cast<std::int64_t>(n * (g + 2)));
  ctx.output("names", names);
  if (m > 1) {
    Vector axis;
    if (ctx.has("output_axis")) {
      axis = ctx.vector("output_axis");
      if (axis.size() != m)
        throw paramError("output_axis", "has " + std::to_string(axis.size()) +
                                            " values but the model output has " +
                                            std::to_string(m) + " components");
    } else {
      axis = Vector::LinSpaced(m, 0, static_cast<double>(m - 1));
    }
    // One row per output component: the axis, every index, the component's variance and mean.
    Table table;
    const auto column = [&](std::string name, Vector v) {
      table.columns.push_back(std::move(name));
      table.data.emplace_back(std::move(v));
    };
    column("axis", axis);
    for (Eigen::Index i = 0; i < g; ++i)
      column("S1 " + factors.names[static_cast<std::size_t>(i)], ve.s1.col(i));
    for (Eigen::Index i = 0; i < g; ++i)
      column("ST " + factors.names[static_cast<std::size_t>(i)], ve.st.col(i));
    column("variance", ve.var);
    column("mean", centres);
    ctx.output("components", std::move(table));
    ctx.diagnostic("output_components", static_cast<std::int64_t>(m));
    ctx.diagnostic("aggregation",
                   "S1 and ST are the variance-weighted means of the per-component indices "
                   "(Gamboa et al. 2014); variance is the sum of the components' variances");
  }
  reportModel(ctx, *model, in, seed);
  ctx.diagnostic("base_samples", static_cast<std::int64_t>(n));
  ctx.diagnostic("bootstrap", nboot);
  ctx.diagnostic("confidence_level", conf);
  if (g != d) ctx.diagnostic("groups", static_cast<std::int64_t>(g));
  ctx.diagnostic("conf_definition",
                 "S*_conf = z(" + formatFine(0.5 + conf / 2) +
                     ") x bootstrap standard deviation "
                     "(half-width, as SALib); S*_interval = bootstrap percentile interval");
  ctx.diagnostic("sum_S1", e.s1.sum());
  ctx.diagnostic("interaction_share", 1.0 - e.s1.sum());
  ctx.progress(1.0, "done");
  if ((n & (n - 1)) != 0)
    ctx.warn("n = " + std::to_string(n) +
             " is not a power of 2: Sobol points are balanced at powers of 2");
  if (nboot < 2) ctx.warn("bootstrap < 2: no confidence intervals");
  if (nboot > 0 && nboot < 50)
    ctx.warn("only " + std::to_string(nboot) + " bootstrap replicates: the intervals are rough");
}

}  // namespace

TaskSpec sobolTask() {
  TaskSpec t;
  t.id = "sobol";
  t.summary =
      "Sobol sensitivity indices (first order S1 and total ST) with bootstrap confidence "
      "intervals.";
  t.doc =
      "Saltelli sampling: matrices A and B (N rows each) from a 2d-dimensional Sobol sequence "
      "(Boost.Random) with a "
      "seeded random digital shift, and for every input i the matrix A_B^i (A with column i from "
      "B); the model is "
      "evaluated N(d+2) times (in parallel for step models; a failed or non-finite sample fails "
      "the step naming "
      "every failed sample, since dropping rows would bias the indices). First-order S1_i = "
      "mean(f_B (f_ABi - f_A)) / V "
      "(Saltelli 2010), total ST_i = mean((f_A - f_ABi)^2) / (2V) (Jansen 1999), V the variance of "
      "f over A and B. "
      "Bootstrap (`bootstrap` replicates, seeded) gives S*_conf = z x bootstrap sd (the half-width "
      "of the normal "
      "interval, SALib's convention) and percentile intervals. Inputs must be independent.\n\n"
      "How to choose N: S error ~ 1/N for smooth models; N = 2^10..2^14 is typical; use powers of "
      "2.";
  t.params = {
      modelParam(),
      inputsParam(),
      ParamSpec::make("n", ParamType::Integer)
          .def(1024)
          .range(16, 1e8)
          .describe("Base sample size N (a power of 2); the model is evaluated N(d+2) times."),
      seedParam(),
      ParamSpec::make("bootstrap", ParamType::Integer)
          .def(100)
          .range(0, 100000)
          .describe("Bootstrap replicates for the confidence intervals (0: none)."),
      confidenceParam(),
      constantsParam(),
      ParamSpec::make("groups", ParamType::Map)
          .describe(
              "Grouped indices: a map of group name to input names, every input in exactly one "
              "group, e.g. {\"geometry\": [\"L\", \"w\"], \"load\": [\"F\"]}. S1 and ST "
              "are then one per group (closed indices of the group's inputs together) and the "
              "model runs N(groups+2) times."),
      ParamSpec::make("output_axis", ParamType::Vector)
          .describe("For a model with a vector output (a step's whole trajectory: output \"y\" of "
                    "a one-state ODE, or \"y_final\"): the value each component stands for, "
                    "e.g. the times {\"from\": \"sim.t\"}; default 0, 1, 2, ..."),
  };
  t.outputs = {
      {"S1", ValueKind::Vector,
       "First-order indices, one per input (in input order) or group; for a vector output the "
       "variance-weighted aggregate."},
      {"ST", ValueKind::Vector, "Total-effect indices."},
      {"S1_conf", ValueKind::Vector,
       "Half-width of the confidence interval of S1 (z x bootstrap sd)."},
      {"ST_conf", ValueKind::Vector, "Half-width of the confidence interval of ST."},
      {"S1_interval", ValueKind::Matrix,
       "Bootstrap percentile interval of S1, one [lo, hi] row per input."},
      {"ST_interval", ValueKind::Matrix, "Bootstrap percentile interval of ST."},
      {"mean", ValueKind::Scalar, "Mean of the model output."},
      {"variance", ValueKind::Scalar, "Variance of the model output."},
      {"evaluations", ValueKind::Integer, "Model evaluations, N(d+2)."},
      {"names", ValueKind::List, "Input (or group) names, the order of the index vectors."},
      {"components", ValueKind::Table,
       "Vector output: one row per output component (e.g. per time): axis (the output_axis "
       "param, or 0..m-1), 'S1 <input>' and 'ST <input>' per input, variance and mean.",
       true},
  };
  t.run = runSobol;
  return t;
}

}  // namespace sciagents::core::agents::uq
