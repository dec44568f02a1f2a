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

void runSobol(TaskContext& ctx) {
  const InputSet in = readInputs(ctx, false);
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  auto model = readModel(ctx, in, n * (d + 2));
  const std::uint64_t seed = taskSeed(ctx);
  const auto nboot = static_cast<int>(ctx.integer("bootstrap"));
  const double conf = ctx.number("confidence");
  if (2 * d > 3667)
    throw paramError("inputs", "at most 1833 inputs (Sobol direction numbers for 2d dimensions)");
  ctx.setMethod("saltelli_jansen",
                "Saltelli sampling (matrices A, B and A_B^i from a 2d-dimensional Sobol sequence "
                "with a random "
                "digital shift), S1 by the Saltelli (2010) estimator, ST by Jansen's; cost N(d+2)");

  // Sample matrix: rows [A; B; A_B^1; ...; A_B^d], all in the unit cube.
  Matrix u(n * (d + 2), d);
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
    for (Eigen::Index i = 0; i < d; ++i) {
      u.middleRows((2 + i) * n, n) = u.topRows(n);
      u.block((2 + i) * n, i, n, 1) = u.block(n, i, n, 1);
    }
  }
  const Matrix x = in.fromUniform(u);
  // Failed samples are collected (not stopped at the first) so that the refusal names them all.
  model->allowFailedSamples(true);
  const Vector y = evaluateWithProgress(ctx, *model, x, 0.0, 0.9, "evaluating the model");
  refuseFailedSamples(
      *model, model->failedSamples(), static_cast<std::size_t>(y.size()),
      "Sobol indices cannot drop samples (the estimators pair rows of A, B and A_B^i; dropping "
      "biases the indices): make the model succeed on the whole input box (rows are A: 0.." +
          std::to_string(n - 1) + ", B: " + std::to_string(n) + "..)");
  const double centre =
      y.head(2 * n).mean();  // centring keeps the estimators accurate for large means
  const Matrix f = Eigen::Map<const Matrix>(y.data(), n, d + 2).array() - centre;
  Estimate e = estimate(f, nullptr);
  if (!(e.var > 0))
    throw Error(ErrorCode::RunFailed,
                "the model output has zero variance over the samples: "
                "sensitivity indices are undefined",
                {}, "model");
  e.mean += centre;
  reportConvergence(ctx, f, in.names);

  // Bootstrap over the N rows; replicate r uses its own stream, so threads do not change the
  // result.
  Matrix boot_s1(nboot, d), boot_st(nboot, d);
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
        const Estimate b = estimate(f, &counts);
        boot_s1.row(r) = b.s1.transpose();
        boot_st.row(r) = b.st.transpose();
      });
  ctx.checkCancelled();

  const double z = normalQuantile(0.5 + conf / 2);
  Vector s1_conf = Vector::Constant(d, NAN), st_conf = Vector::Constant(d, NAN);
  Matrix s1_int = Matrix::Constant(d, 2, NAN), st_int = Matrix::Constant(d, 2, NAN);
  auto summarise = [&](const Matrix& boot, Vector& half, Matrix& interval, Eigen::Index i) {
    std::vector<double> v(boot.col(i).data(), boot.col(i).data() + nboot);
    const double m = boot.col(i).mean();
    half[i] = z * std::sqrt((boot.col(i).array() - m).square().sum() / std::max(1, nboot - 1));
    std::sort(v.begin(), v.end());
    interval(i, 0) = quantileSorted(v, 0.5 - conf / 2);
    interval(i, 1) = quantileSorted(v, 0.5 + conf / 2);
  };
  if (nboot >= 2)
    for (Eigen::Index i = 0; i < d; ++i)
      summarise(boot_s1, s1_conf, s1_int, i), summarise(boot_st, st_conf, st_int, i);

  List names;
  for (const auto& nm : in.names) names.emplace_back(nm);
  ctx.output("S1", e.s1);
  ctx.output("ST", e.st);
  ctx.output("S1_conf", s1_conf);
  ctx.output("ST_conf", st_conf);
  ctx.output("S1_interval", s1_int);
  ctx.output("ST_interval", st_int);
  ctx.output("mean", e.mean);
  ctx.output("variance", e.var);
  ctx.output("evaluations", static_cast<std::int64_t>(n * (d + 2)));
  ctx.output("names", names);
  reportModel(ctx, *model, in, seed);
  ctx.diagnostic("base_samples", static_cast<std::int64_t>(n));
  ctx.diagnostic("bootstrap", nboot);
  ctx.diagnostic("confidence_level", conf);
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
  };
  t.outputs = {
      {"S1", ValueKind::Vector, "First-order indices, one per input (in input order)."},
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
      {"names", ValueKind::List, "Input names, the order of the index vectors."},
  };
  t.run = runSobol;
  return t;
}

}  // namespace sciagents::core::agents::uq
