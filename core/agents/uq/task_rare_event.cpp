// uq.rare_event: a failure probability P(g(X) <= threshold) (or > threshold) by crude Monte Carlo
// or by importance sampling around the FORM design point, each with a confidence interval.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::uq {

namespace {

struct LimitState {
  ModelEvaluator& model;
  const InputSet& in;
  double threshold;
  bool below;
  // h(x) <= 0 is failure.
  Vector eval(TaskContext& ctx, const Matrix& z) const {
    const Vector g = model.evaluate(in.fromStandardNormal(z), ctx);
    return below ? Vector(g.array() - threshold) : Vector(threshold - g.array());
  }
};

struct Form {
  Vector z;
  double beta = 0;
  int iterations = 0;
  bool converged = false;
  std::int64_t evaluations = 0;
};

// Hasofer-Lind-Rackwitz-Fiessler iteration in standard normal space, forward-difference gradient
// (d + 1 model runs per iteration, evaluated as one parallel batch).
Form form(TaskContext& ctx, const LimitState& ls, Eigen::Index d, int maxiter) {
  Form f;
  f.z = Vector::Zero(d);
  const double h = 1e-3;
  double h_origin = NAN;
  for (int it = 0; it < maxiter; ++it) {
    Matrix pts = f.z.transpose().replicate(d + 1, 1);
    for (Eigen::Index j = 0; j < d; ++j) pts(j + 1, j) += h;
    const Vector v = ls.eval(ctx, pts);
    f.evaluations += d + 1;
    if (it == 0) h_origin = v[0];
    Vector grad(d);
    for (Eigen::Index j = 0; j < d; ++j) grad[j] = (v[j + 1] - v[0]) / h;
    const double g2 = grad.squaredNorm();
    if (!(g2 > 0))
      throw Error(ErrorCode::RunFailed,
                  "FORM: the limit state has a zero gradient at z = " + formatFine(f.z.norm()) +
                      " from the origin; use method \"mc\"",
                  {}, "model");
    const Vector next = (grad.dot(f.z) - v[0]) / g2 * grad;
    const double step = (next - f.z).norm();
    f.z = next;
    f.iterations = it + 1;
    ctx.progress(0.2 * (it + 1) / maxiter, "FORM design point");
    if (step < 1e-6 * (1 + f.z.norm())) {
      f.converged = true;
      break;
    }
  }
  f.beta = (h_origin > 0 ? 1.0 : -1.0) * f.z.norm();
  return f;
}

void runRareEvent(TaskContext& ctx) {
  const InputSet in = readInputs(ctx);
  auto model = readModel(ctx, in);
  const std::uint64_t seed = taskSeed(ctx);
  const Eigen::Index n = ctx.integer("n"), d = static_cast<Eigen::Index>(in.size());
  const double conf = ctx.number("confidence"), zq = normalQuantile(0.5 + conf / 2);
  const LimitState ls{*model, in, ctx.number("threshold"), ctx.text("failure") == "below"};
  const std::string method = ctx.text("method");
  // Standard normal samples from the seeded counter stream.
  const Matrix xi =
      randomUniforms(seed, 1, n, d).unaryExpr([](double u) { return normalQuantile(u); });

  double p = 0, se = 0, lo = 0, hi = 0;
  std::int64_t failures = 0, evaluations = n;
  if (method == "mc") {
    ctx.setMethod("mc",
                  "crude Monte Carlo: unbiased for any limit state, needs n >> 1/P; exact "
                  "Clopper-Pearson interval");
    const Eigen::Index chunk = std::max<Eigen::Index>(64, (n + 19) / 20);
    for (Eigen::Index s = 0; s < n; s += chunk) {
      const Eigen::Index len = std::min(chunk, n - s);
      const Vector hv = ls.eval(ctx, xi.middleRows(s, len));
      failures += (hv.array() <= 0).count();
      const auto done = static_cast<double>(s + len);
      ctx.metric("running_probability", done, static_cast<double>(failures) / done);
      ctx.progress(done / static_cast<double>(n), "sampling");
    }
    const auto k = static_cast<double>(failures), nn = static_cast<double>(n), alpha = 1 - conf;
    p = k / nn;
    se = std::sqrt(p * (1 - p) / nn);
    lo = failures == 0 ? 0.0 : boost::math::ibeta_inv(k, nn - k + 1, alpha / 2);
    hi = failures == n ? 1.0 : boost::math::ibeta_inv(k + 1, nn - k, 1 - alpha / 2);
    if (failures < 10)
      ctx.warn(std::to_string(failures) + " failures in " + std::to_string(n) +
               " samples: the estimate is unreliable; raise n or use method \"importance\"");
  } else {
    const Form f = form(ctx, ls, d, static_cast<int>(ctx.integer("form_maxiter")));
    evaluations += f.evaluations;
    ctx.setMethod(
        "importance",
        "importance sampling from a unit normal centred at the FORM design point (found by "
        "HL-RF in " +
            std::to_string(f.iterations) +
            " iterations): variance falls by orders "
            "of magnitude for small P when the failure region is near one design point");
    if (!f.converged)
      ctx.warn("FORM did not converge in " + std::to_string(f.iterations) +
               " iterations; the "
               "importance density may be poorly placed (the estimate stays unbiased)");
    const double shift2 = f.z.squaredNorm();
    double sw = 0, sw2 = 0;
    const Eigen::Index chunk = std::max<Eigen::Index>(64, (n + 19) / 20);
    for (Eigen::Index s = 0; s < n; s += chunk) {
      const Eigen::Index len = std::min(chunk, n - s);
      const Matrix z = xi.middleRows(s, len).rowwise() + f.z.transpose();
      const Vector hv = ls.eval(ctx, z);
      for (Eigen::Index k = 0; k < len; ++k) {
        if (hv[k] > 0) continue;
        ++failures;
        const double w = std::exp(-xi.row(s + k).dot(f.z) - 0.5 * shift2);  // phi(z) / phi(z - z*)
        sw += w, sw2 += w * w;
      }
      const auto done = static_cast<double>(s + len);
      const double pm = sw / done;
      ctx.metric("running_probability", done, pm);
      if (done > 1)
        ctx.metric("ci_halfwidth", done,
                   zq * std::sqrt(std::max(0.0, sw2 / done - pm * pm) / (done - 1)));
      ctx.progress(0.2 + 0.8 * done / static_cast<double>(n), "importance sampling");
    }
    const auto nn = static_cast<double>(n);
    p = sw / nn;
    se = std::sqrt(std::max(0.0, sw2 / nn - p * p) / (nn - 1));
    lo = std::max(0.0, p - zq * se), hi = p + zq * se;
    ctx.output("design_point", Vector(in.fromStandardNormal(f.z.transpose()).row(0).transpose()));
    ctx.output("form_beta", f.beta);
    ctx.output("form_probability", normalCdf(-f.beta));
    ctx.diagnostic("form_iterations", f.iterations);
    ctx.diagnostic("form_converged", f.converged);
    ctx.diagnostic("design_point_standard_normal", f.z);
    if (failures < 10)
      ctx.warn("only " + std::to_string(failures) +
               " importance samples failed: the estimate is rough");
  }
  Vector interval(2);
  interval << lo, hi;
  ctx.output("probability", p);
  ctx.output("interval", interval);
  ctx.output("stderr", se);
  ctx.output("cov", p > 0 ? se / p : NAN);
  ctx.output("reliability_index",
             p > 0 && p < 1 ? -normalQuantile(p) : (p <= 0 ? INFINITY : -INFINITY));
  ctx.output("failures", failures);
  ctx.output("evaluations", evaluations);
  reportModel(ctx, *model, in, seed);
  ctx.diagnostic("confidence_level", conf);
  ctx.diagnostic("failure_event",
                 std::string(ls.below ? "g <= " : "g > ") + formatFine(ls.threshold));
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec rareEventTask() {
  TaskSpec t;
  t.id = "rare_event";
  t.summary =
      "Failure probability P(g(X) <= threshold) by crude Monte Carlo or FORM-guided importance "
      "sampling, with an interval.";
  t.doc =
      "The model is the limit-state function g of the inputs; failure is g <= threshold (`failure: "
      "below`) or "
      "g > threshold (`above`). Inputs are sampled in standard normal space and mapped through "
      "their quantile "
      "functions (Gaussian copula for `correlation`). `mc`: crude Monte Carlo with the exact "
      "Clopper-Pearson "
      "interval; needs n of about 100/P. `importance` (default): the FORM design point z* (HL-RF "
      "iteration with "
      "finite-difference gradients) and n samples from N(z*, I) weighted by phi(z)/phi(z - z*); "
      "unbiased, with a "
      "normal-approximation interval; good for P down to 1e-8 when the failure region is near one "
      "design point. "
      "Also reported: the generalised reliability index -Phi^-1(P) and, for importance, the FORM "
      "estimate Phi(-beta).";
  t.params = {
      modelParam(),
      inputsParam(),
      ParamSpec::make("threshold", ParamType::Number).def(0.0).describe("Failure threshold of g."),
      ParamSpec::make("failure", ParamType::Choice)
          .oneOf({"below", "above"})
          .def("below")
          .describe("below: failure when g <= threshold; above: when g > threshold."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"importance", "mc"})
          .def("importance")
          .describe("importance: FORM-guided importance sampling; mc: crude Monte Carlo."),
      ParamSpec::make("n", ParamType::Integer)
          .def(10000)
          .range(10, 1e9)
          .describe("Number of samples."),
      ParamSpec::make("form_maxiter", ParamType::Integer)
          .def(50)
          .range(1, 1000)
          .describe("HL-RF iteration limit."),
      seedParam(),
      correlationParam(),
      confidenceParam(),
      constantsParam(),
  };
  t.outputs = {
      {"probability", ValueKind::Scalar, "Estimated failure probability."},
      {"interval", ValueKind::Vector, "Confidence interval [lo, hi]."},
      {"stderr", ValueKind::Scalar, "Standard error of the estimate."},
      {"cov", ValueKind::Scalar, "Coefficient of variation stderr / P."},
      {"reliability_index", ValueKind::Scalar, "-Phi^-1(P)."},
      {"failures", ValueKind::Integer, "Samples in the failure region."},
      {"evaluations", ValueKind::Integer, "Model evaluations (including FORM)."},
      {"design_point", ValueKind::Vector, "FORM design point in input space (importance)."},
      {"form_beta", ValueKind::Scalar, "FORM reliability index (importance)."},
      {"form_probability", ValueKind::Scalar, "FORM estimate Phi(-beta) (importance)."},
  };
  t.run = runRareEvent;
  return t;
}

}  // namespace sciagents::core::agents::uq
