// inverse.bayesian: MCMC posterior of parameters theta given data y = model(theta) + eps,
// eps ~ N(0, diag(sigma^2)), by adaptive Metropolis over several chains run in parallel, started
// around a Laplace approximation (MAP by Levenberg-Marquardt) and checked by split R-hat and ESS.
#include "core/agent/constants_param.h"
#include "core/agents/inverse/mcmc.h"
#include "core/agents/inverse/tasks.h"
#include "core/agents/optimization/lm.h"
#include "core/expr/expression.h"
#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace sciagents::core::agents::inverse {

namespace {

struct Prior {
  std::vector<std::string> names;
  std::vector<bool> uniform;  // per parameter: uniform (a, b) or normal (mu, sigma)
  Vector p1, p2;              // mu, sigma | a, b
  bool mvn = false;           // multivariate normal (prior_mean, prior_covariance)
  Vector mean;
  Matrix cov_chol;  // lower Cholesky factor of the prior covariance (mvn)
  Eigen::Index size() const { return static_cast<Eigen::Index>(names.size()); }

  double logDensity(const Vector& t) const {
    if (mvn) return -0.5 * cov_chol.triangularView<Eigen::Lower>().solve(t - mean).squaredNorm();
    double lp = 0;
    for (Eigen::Index i = 0; i < size(); ++i) {
      if (uniform[static_cast<std::size_t>(i)]) {
        if (!(t[i] >= p1[i] && t[i] <= p2[i])) return -std::numeric_limits<double>::infinity();
      } else {
        const double z = (t[i] - p1[i]) / p2[i];
        lp -= 0.5 * z * z;
      }
    }
    return lp;
  }
  // Whitened prior residuals (normal parts) for the MAP fit; uniform parts have none.
  Vector residuals(const Vector& t) const {
    if (mvn) return cov_chol.triangularView<Eigen::Lower>().solve(t - mean);
    Vector r = Vector::Zero(size());
    for (Eigen::Index i = 0; i < size(); ++i)
      if (!uniform[static_cast<std::size_t>(i)]) r[i] = (t[i] - p1[i]) / p2[i];
    return r;
  }
  Vector centre() const {
    if (mvn) return mean;
    Vector c(size());
    for (Eigen::Index i = 0; i < size(); ++i)
      c[i] = uniform[static_cast<std::size_t>(i)] ? 0.5 * (p1[i] + p2[i]) : p1[i];
    return c;
  }
};

double field(const Map& m, const char* key, Eigen::Index i) {
  auto it = m.find(key);
  if (it == m.end() || !it->second.isNumber())
    throw paramError("parameters",
                     "parameter " + std::to_string(i) + " needs a number \"" + key + "\"");
  return it->second.asDouble();
}

Prior readPrior(const TaskContext& ctx) {
  Prior p;
  const Value& v = ctx.param("parameters");
  if (v.kind() != ValueKind::List || v.asList().empty())
    throw paramError(
        "parameters",
        "expected a non-empty list of parameter names or {\"name\", \"prior\", ...} objects");
  p.mvn = ctx.has("prior_covariance");
  const auto d = static_cast<Eigen::Index>(v.asList().size());
  p.p1.resize(d), p.p2.resize(d);
  Eigen::Index i = 0;
  for (const Value& e : v.asList()) {
    if (e.isString()) {
      if (!p.mvn)
        throw paramError("parameters",
                         "'" + e.asString() +
                             "' has no prior: give {\"name\", \"prior\": \"normal\", \"mu\", "
                             "\"sigma\"} or {\"prior\": \"uniform\", \"a\", \"b\"}, or "
                             "prior_mean/prior_covariance");
      p.names.push_back(e.asString());
      p.uniform.push_back(false);
    } else if (e.kind() == ValueKind::Map) {
      const Map& m = e.asMap();
      auto name = m.find("name");
      if (name == m.end() || !name->second.isString())
        throw paramError("parameters", "parameter " + std::to_string(i) + " needs a \"name\"");
      p.names.push_back(name->second.asString());
      for (const auto& [k, _] : m)
        if (k != "name" && k != "prior" && k != "mu" && k != "sigma" && k != "a" && k != "b")
          throw paramError("parameters",
                           "unknown field \"" + k + "\" of parameter '" + p.names.back() + "'");
      auto prior = m.find("prior");
      const std::string kind =
          prior != m.end() && prior->second.isString() ? prior->second.asString() : "";
      if (p.mvn) {
        if (!kind.empty())
          throw paramError(
              "parameters",
              "'" + p.names.back() + "' has its own prior although prior_covariance is given");
        p.uniform.push_back(false);
      } else if (kind == "normal") {
        p.p1[i] = field(m, "mu", i), p.p2[i] = field(m, "sigma", i);
        if (!(p.p2[i] > 0))
          throw paramError(
              "parameters",
              "'" + p.names.back() + "': normal prior needs sigma > 0, got " + formatFine(p.p2[i]));
        p.uniform.push_back(false);
      } else if (kind == "uniform") {
        p.p1[i] = field(m, "a", i), p.p2[i] = field(m, "b", i);
        if (!(p.p1[i] < p.p2[i]))
          throw paramError("parameters", "'" + p.names.back() + "': uniform prior needs a < b");
        p.uniform.push_back(true);
      } else {
        throw paramError("parameters", "'" + p.names.back() +
                                           "': prior must be \"normal\" or \"uniform\", got '" +
                                           kind + "'");
      }
    } else {
      throw paramError("parameters", "entry " + std::to_string(i) +
                                         " must be a name or an object, got " +
                                         std::string(e.kindName()));
    }
    ++i;
  }
  if (p.mvn) {
    const Matrix c = ctx.matrix("prior_covariance");
    p.mean = ctx.has("prior_mean") ? ctx.vector("prior_mean") : Vector::Zero(d);
    if (c.rows() != d || c.cols() != d)
      throw paramError("prior_covariance",
                       "must be " + std::to_string(d) + " x " + std::to_string(d));
    if (p.mean.size() != d)
      throw paramError("prior_mean", "has " + std::to_string(p.mean.size()) + " values for " +
                                         std::to_string(d) + " parameters");
    if (!c.isApprox(c.transpose(), 1e-12)) throw paramError("prior_covariance", "is not symmetric");
    Eigen::LLT<Matrix> llt(c);
    if (llt.info() != Eigen::Success)
      throw paramError("prior_covariance", "is not positive definite");
    p.cov_chol = llt.matrixL();
  } else if (ctx.has("prior_mean")) {
    throw paramError("prior_mean", "needs prior_covariance");
  }
  return p;
}

// The forward model: G theta; an expression in the parameter names and x at every xdata; or a
// model evaluator (a workflow step used as a template, or a fitted surrogate) of (theta, x),
// evaluated at the m points (theta, x_i) in one call, which the engine spreads over its threads.
struct Forward {
  std::optional<Matrix> g;
  std::optional<Expression> expr;
  std::shared_ptr<ModelEvaluator> evaluator;
  bool series = false;  // the evaluator maps theta to the whole predicted series (a vector output)
  const TaskContext* ctx = nullptr;
  Vector xdata;
  Matrix buffer;  // expression: variable-major inputs of evalMany; evaluator: one row (theta, x_i)
                  // per datum
  Vector out;

  const Vector& operator()(const Vector& t) {
    if (g) {
      out.noalias() = *g * t;
    } else if (expr) {
      for (Eigen::Index k = 0; k < t.size(); ++k) buffer.col(k).setConstant(t[k]);
      expr->evalMany(buffer.data(), static_cast<std::size_t>(xdata.size()), out.data());
    } else if (series) {
      const Matrix row = evaluator->evaluateVector(Matrix(t.transpose()), *ctx);
      if (row.cols() != out.size())
        throw paramError("model", "the model's output has " + std::to_string(row.cols()) +
                                      " values but `data` has " + std::to_string(out.size()) +
                                      "; the step must predict one value per datum");
      out = row.row(0).transpose();
    } else {
      buffer.leftCols(t.size()).rowwise() = t.transpose();
      out = evaluator->evaluate(buffer, *ctx);
    }
    return out;
  }
  std::string describe() const {
    const std::string m = std::to_string(out.size());
    if (g) return "linear operator G (" + m + " x " + std::to_string(g->cols()) + ")";
    if (series) return evaluator->describe() + " (the predicted series of " + m + " values)";
    return (expr ? "expression '" + expr->text() + "'" : evaluator->describe()) + " at " + m +
           " xdata";
  }
};

// A wrongly set-up model (output of the wrong size or shape) is not a failed evaluation.
bool configError(const Error& e) {
  return e.code() == ErrorCode::InvalidInput && e.param() == "model";
}

class Posterior final : public LogDensity {
 public:
  Posterior(const Prior& prior, Forward f, const Vector& y, const Vector& inv_sigma)
      : m_prior(prior), m_f(std::move(f)), m_y(y), m_w(inv_sigma) {}
  double operator()(const Vector& t) override {
    const double lp = m_prior.logDensity(t);
    if (!std::isfinite(lp)) return lp;
    if (m_f.evaluator) {
      // A model that fails or gives a non-finite value at a proposal rejects it (counted); the
      // MAP fit has already shown that the model runs.
      try {
        m_f(t);
      } catch (const Error& e) {
        if (e.code() == ErrorCode::Cancelled || configError(e)) throw;
        ++failed;
        return -std::numeric_limits<double>::infinity();
      }
    }
    const Vector& f = m_f.evaluator ? m_f.out : m_f(t);
    const double ll = -0.5 * ((m_y - f).cwiseProduct(m_w)).squaredNorm();
    return std::isfinite(ll) ? lp + ll : -std::numeric_limits<double>::infinity();
  }
  Vector residuals(const Vector& t) {  // whitened data and prior residuals (MAP fit)
    Vector r(m_y.size() + t.size());
    try {
      r.head(m_y.size()) = (m_f(t) - m_y).cwiseProduct(m_w);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::Cancelled || !m_f.evaluator || configError(e)) throw;
      return Vector::Constant(r.size(),
                              NAN);  // LM shortens the step; at the start it reports the point
    }
    r.tail(t.size()) = m_prior.residuals(t);
    return r;
  }
  std::int64_t failed = 0;  // proposals whose model evaluation failed

 private:
  const Prior& m_prior;
  Forward m_f;
  Vector m_y, m_w;
};

// Number of input paths of a step-reference model.
std::size_t inputCount(const Value& ref) {
  const Value* in = ref.find("input");
  return in && in->kind() == ValueKind::List ? in->asList().size() : 1;
}

Forward readForward(const TaskContext& ctx, const Prior& prior, Eigen::Index m) {
  Forward f;
  const Eigen::Index d = prior.size();
  f.out.resize(m);
  if (ctx.has("G") == ctx.has("model"))
    throw paramError(
        ctx.has("G") ? "model" : "G",
        "give exactly one of `model` (an expression in the parameters and x) and `G` (a matrix)");
  if (ctx.has("G")) {
    const Matrix g = ctx.matrix("G");
    requireFinite("G", g);
    if (g.rows() != m || g.cols() != d)
      throw paramError("G", "is " + std::to_string(g.rows()) + " x " + std::to_string(g.cols()) +
                                "; expected " + std::to_string(m) + " x " + std::to_string(d) +
                                " (data x parameters)");
    f.g = g;
    return f;
  }
  const Value& mv = ctx.param("model");
  if (isStepModel(mv) && inputCount(mv) == static_cast<std::size_t>(d)) {
    // One input path per parameter: the step predicts the whole series (a vector output).
    f.evaluator = makeModel(ctx, "model", prior.names);
    f.series = true;
    f.ctx = &ctx;
    return f;
  }
  if (!ctx.has("xdata")) throw paramError("xdata", "a `model` needs xdata (one x per datum)");
  f.xdata = ctx.vector("xdata");
  if (f.xdata.size() != m)
    throw paramError("xdata", "has " + std::to_string(f.xdata.size()) + " values for " +
                                  std::to_string(m) + " data");
  std::vector<std::string> vars = prior.names;
  vars.push_back("x");
  if (!mv.isString()) {  // step reference or fitted surrogate: inputs are the parameters, then x
    f.evaluator = makeModel(ctx, "model", vars);
    f.ctx = &ctx;
    f.buffer.resize(m, d + 1);
    f.buffer.col(d) = f.xdata;
    return f;
  }
  try {
    f.expr.emplace(mv.asString(), vars, readConstants(ctx));
  } catch (const Error& e) {
    throw paramError("model", e.bareMessage());
  }
  f.buffer.resize(m, d + 1);
  f.buffer.col(d) = f.xdata;
  return f;
}

void runBayesian(TaskContext& ctx) {
  const Prior prior = readPrior(ctx);
  const Vector y = ctx.vector("data");
  requireFinite("data", y);
  const Eigen::Index m = y.size(), d = prior.size();
  if (m == 0) throw paramError("data", "is empty");
  const Vector inv_sigma = readSigma(ctx, "sigma", m).cwiseInverse();
  const Forward forward = readForward(ctx, prior, m);
  const std::uint64_t seed = taskSeed(ctx);
  const Eigen::Index chains = ctx.integer("chains"), samples = ctx.integer("samples"),
                     thin = ctx.integer("thin");
  const Eigen::Index burn = ctx.has("burn_in") ? ctx.integer("burn_in") : samples;
  const double level = ctx.number("credible_level");
  if (samples / thin < 4)
    throw paramError(
        "thin", "keeps " + std::to_string(samples / thin) + " draws per chain; need at least 4");

  // Laplace approximation: MAP by Levenberg-Marquardt on the whitened residuals, covariance from J.
  Posterior map_post(prior, forward, y, inv_sigma);
  opt::Bounds bounds;
  bounds.lo = Vector::Constant(d, -std::numeric_limits<double>::infinity());
  bounds.hi = Vector::Constant(d, std::numeric_limits<double>::infinity());
  Vector h_uniform = Vector::Zero(d);
  for (Eigen::Index i = 0; i < d; ++i)
    if (!prior.mvn && prior.uniform[static_cast<std::size_t>(i)]) {
      bounds.lo[i] = prior.p1[i], bounds.hi[i] = prior.p2[i], bounds.any = true;
      h_uniform[i] =
          12.0 / ((prior.p2[i] - prior.p1[i]) * (prior.p2[i] - prior.p1[i]));  // uniform's variance
    }
  opt::LmOptions lo;
  lo.bounds = bounds.any ? &bounds : nullptr;
  lo.maxfev = 200 * (d + 1);
  opt::LmResult map;
  try {
    map = opt::levenbergMarquardt([&](const Vector& t) { return map_post.residuals(t); },
                                  prior.centre(), lo);
  } catch (const Error& e) {
    if (configError(e)) throw;
    throw Error(ErrorCode::RunFailed,
                "the model cannot be evaluated at the prior centre: " + e.bareMessage());
  }
  Matrix h = map.jac.transpose() * map.jac;
  h.diagonal() += h_uniform;
  Eigen::LDLT<Matrix> hl(h);
  Matrix laplace = hl.solve(Matrix::Identity(d, d));
  Eigen::LLT<Matrix> lchol(laplace);
  if (hl.info() != Eigen::Success || lchol.info() != Eigen::Success || !laplace.allFinite()) {
    ctx.warn("the Laplace covariance at the MAP is singular; starting from the prior scale");
    laplace = Matrix::Identity(d, d);
    for (Eigen::Index i = 0; i < d; ++i)
      laplace(i, i) = prior.mvn          ? prior.cov_chol.row(i).squaredNorm()
                      : h_uniform[i] > 0 ? 1 / h_uniform[i]
                                         : prior.p2[i] * prior.p2[i];
    lchol.compute(laplace);
  }
  const Matrix lapl_l = lchol.matrixL();

  // Chains: overdispersed starts (MAP + 2 x Laplace deviates, kept inside uniform supports).
  ChainSettings cs;
  cs.burn_in = burn, cs.samples = samples, cs.thin = thin, cs.seed = seed,
  cs.adapt = ctx.flag("adapt");
  const double sd = 2.38 * 2.38 / static_cast<double>(d);
  std::vector<std::unique_ptr<Chain>> chain(static_cast<std::size_t>(chains));
  const Stream starts(seed, 0);
  std::vector<const Posterior*> posteriors;
  for (Eigen::Index c = 0; c < chains; ++c) {
    Vector z(d);
    gaussians(starts, static_cast<std::uint64_t>(2 * ((d + 1) / 2) * c), z.data(), d);
    Vector x0 = map.p + 2.0 * lapl_l * z;
    for (Eigen::Index i = 0; i < d; ++i)
      if (bounds.any && std::isfinite(bounds.lo[i])) {
        const double w = bounds.hi[i] - bounds.lo[i];
        x0[i] = std::clamp(x0[i], bounds.lo[i] + 1e-6 * w, bounds.hi[i] - 1e-6 * w);
      }
    auto density = std::make_unique<Posterior>(prior, forward, y, inv_sigma);
    posteriors.push_back(density.get());
    if (!std::isfinite((*density)(x0))) x0 = map.p;
    chain[static_cast<std::size_t>(c)] = std::make_unique<Chain>(
        std::move(density), x0, sd * laplace, cs, static_cast<std::uint64_t>(c));
  }
  ctx.setMethod("adaptive_metropolis",
                "adaptive Metropolis (Haario et al. 2001): Gaussian random-walk proposals with "
                "covariance 2.38^2/d x "
                "(Laplace covariance at the MAP, then the empirical covariance of the burn-in "
                "draws), frozen after "
                "burn-in so the kept draws form a time-homogeneous Metropolis chain; " +
                    std::to_string(chains) + " chains from overdispersed starts for split R-hat");

  // Run in blocks: chains advance in parallel; between blocks the running figures stream.
  const Eigen::Index total = burn + samples, block = std::max<Eigen::Index>(1000, total / 20);
  // An evaluator model spreads each proposal's m evaluations over the engine's threads itself.
  const int threads = forward.evaluator ? 1 : std::max(1, ctx.threads());
  for (Eigen::Index done = 0; done < total;) {
    const Eigen::Index step = std::min(block, total - done);
    parallelFor(threads, chains,
                [&](Eigen::Index c) { chain[static_cast<std::size_t>(c)]->advance(step); });
    done += step;
    ctx.checkCancelled();
    std::int64_t acc = 0;
    for (const auto& ch : chain) acc += ch->accepted() + ch->acceptedBurnIn();
    ctx.metric("acceptance_rate", static_cast<double>(done),
               static_cast<double>(acc) / static_cast<double>(done * chains));
    const Eigen::Index kept = chain[0]->kept();
    if (kept > 0) {
      Vector mean = Vector::Zero(d);
      for (const auto& ch : chain) mean += ch->draws().topRows(kept).colwise().sum().transpose();
      mean /= static_cast<double>(kept * chains);
      for (Eigen::Index i = 0; i < d; ++i)
        ctx.metric("running_mean." + prior.names[static_cast<std::size_t>(i)],
                   static_cast<double>(done), mean[i]);
    }
    ctx.progress(static_cast<double>(done) / static_cast<double>(total),
                 done <= burn ? "burn-in" : "sampling");
  }

  // Pooled statistics and diagnostics.
  const Eigen::Index kept = chain[0]->kept();
  Matrix all(kept * chains, d);
  std::vector<const Matrix*> per_chain;
  std::int64_t accepted = 0;
  Vector acc_by_chain(chains);
  for (Eigen::Index c = 0; c < chains; ++c) {
    const Chain& ch = *chain[static_cast<std::size_t>(c)];
    all.middleRows(c * kept, kept) = ch.draws().topRows(kept);
    per_chain.push_back(&ch.draws());
    accepted += ch.accepted();
    acc_by_chain[c] = static_cast<double>(ch.accepted()) / static_cast<double>(samples);
  }
  const Vector mean = all.colwise().mean().transpose();
  const Matrix centred = all.rowwise() - mean.transpose();
  const Matrix cov = centred.transpose() * centred / static_cast<double>(all.rows() - 1);
  Vector lo_ci(d), hi_ci(d), ess(d), rhat(d), median(d), mcse(d);
  for (Eigen::Index i = 0; i < d; ++i) {
    std::vector<double> v(all.col(i).data(), all.col(i).data() + all.rows());
    std::sort(v.begin(), v.end());
    lo_ci[i] = uq::quantileSorted(v, 0.5 - level / 2);
    hi_ci[i] = uq::quantileSorted(v, 0.5 + level / 2);
    median[i] = uq::quantileSorted(v, 0.5);
    ess[i] = effectiveSampleSize(per_chain, i, kept);
    rhat[i] = splitRhat(per_chain, i, kept);
    mcse[i] = std::sqrt(cov(i, i) / ess[i]);
  }
  List names;
  for (const auto& n : prior.names) names.emplace_back(n);
  Table summary;
  summary.columns = {"parameter", "mean", "std", "ci_lower", "ci_upper", "ess", "rhat", "mcse"};
  summary.data = {Value(names), Value(mean),  Value(Vector(cov.diagonal().cwiseSqrt())),
                  Value(lo_ci), Value(hi_ci), Value(ess),
                  Value(rhat),  Value(mcse)};
  ctx.output("parameter_names", names);
  ctx.output("mean", mean);
  ctx.output("std", Vector(cov.diagonal().cwiseSqrt()));
  ctx.output("covariance", cov);
  ctx.output("median", median);
  ctx.output("ci_lower", lo_ci);
  ctx.output("ci_upper", hi_ci);
  ctx.output("ess", ess);
  ctx.output("rhat", rhat);
  ctx.output("mcse", mcse);
  ctx.output("acceptance_rate",
             static_cast<double>(accepted) / static_cast<double>(samples * chains));
  ctx.output("map", map.p);
  ctx.output("laplace_covariance", laplace);
  ctx.output("summary", summary);
  const Eigen::Index max_out = ctx.integer("output_samples");
  if (max_out > 0) {
    const Eigen::Index every = std::max<Eigen::Index>(1, (all.rows() + max_out - 1) / max_out);
    const Eigen::Index rows = (all.rows() + every - 1) / every;
    Matrix out(rows, d);
    Vector chain_of(rows);
    for (Eigen::Index r = 0; r < rows; ++r)
      out.row(r) = all.row(r * every), chain_of[r] = static_cast<double>(r * every / kept);
    ctx.output("samples", out);
    ctx.output("sample_chain", chain_of);
  }
  ctx.diagnostic("chains", static_cast<std::int64_t>(chains));
  ctx.diagnostic("burn_in", static_cast<std::int64_t>(burn));
  ctx.diagnostic("draws_per_chain", static_cast<std::int64_t>(kept));
  ctx.diagnostic("acceptance_by_chain", acc_by_chain);
  ctx.diagnostic("max_rhat", rhat.maxCoeff());
  ctx.diagnostic("min_ess", ess.minCoeff());
  ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
  ctx.diagnostic("map_fit", map.message);
  ctx.diagnostic("model", forward.describe());
  if (forward.evaluator) {
    ctx.diagnostic("model_evaluations", forward.evaluator->diagnostics());
    std::int64_t failed = 0;
    for (const Posterior* p : posteriors) failed += p->failed;
    ctx.diagnostic("failed_evaluations", failed);
    if (failed > 0)
      ctx.warn(std::to_string(failed) + " proposals were rejected because the model failed there");
  }
  ctx.diagnostic("prior", prior.mvn ? "multivariate normal" : "independent normal/uniform");
  ctx.diagnostic("credible_level", level);
  if (rhat.maxCoeff() > 1.01)
    ctx.warn("split R-hat up to " + formatFine(rhat.maxCoeff()) +
             " > 1.01: the chains have not converged; increase burn_in/samples");
  if (ess.minCoeff() < 100 * static_cast<double>(chains) / 4)
    ctx.warn("effective sample size as low as " + formatFine(ess.minCoeff()) +
             ": posterior summaries are rough");
  const double rate = static_cast<double>(accepted) / static_cast<double>(samples * chains);
  if (rate < 0.05 || rate > 0.8)
    ctx.warn("acceptance rate " + formatFine(rate) +
             " is far from the 0.2-0.5 range of an efficient random walk");
}

}  // namespace

TaskSpec bayesianTask() {
  TaskSpec t;
  t.id = "bayesian";
  t.summary =
      "Posterior of parameters given data by adaptive-Metropolis MCMC over parallel chains: mean, "
      "covariance, "
      "credible intervals, ESS, split R-hat.";
  t.doc =
      "Samples p(theta | y) for data y = model(theta) + eps with Gaussian noise eps_i ~ N(0, "
      "sigma_i^2). The model is "
      "a linear operator `G` (y = G theta), an expression `model` in the parameter names and `x` "
      "evaluated at every "
      "`xdata` point, or a step of this workflow used as a template, {\"step\": ID, \"input\": "
      "[one path per "
      "parameter, then the path that receives x], \"output\": \"NAME[i]\"} (e.g. an ode_pde.ivp "
      "step with inputs "
      "[\"constants.k\", \"t_span[1]\"] and output \"y_final[0]\"): every proposal then re-runs it "
      "at the m points "
      "(theta, x_i) in parallel on the engine's threads (a fitted surrogate of (theta, x) works "
      "the same way). "
      "A step reference with one input path per parameter (no x path) maps theta to the whole "
      "predicted series "
      "instead: its `output` names an array with one value per datum (e.g. an ode_pde.ivp step's "
      "\"y\" with "
      "one state and `t_eval` at the data's times), one run per proposal; `xdata` is then not "
      "needed. A "
      "proposal where the step fails is rejected and counted (failed_evaluations, with a warning). "
      "Priors: per parameter normal (mu, sigma) or uniform (a, b), or a "
      "multivariate normal (prior_mean, prior_covariance). The sampler starts from a Laplace "
      "approximation (MAP by "
      "Levenberg-Marquardt, covariance from the Jacobian), runs `chains` adaptive-Metropolis "
      "chains (Haario et al. "
      "2001; proposal adapted during burn-in, frozen afterwards) in parallel from overdispersed "
      "starts, each on "
      "its own counter-based random stream: the same seed gives identical draws for any thread "
      "count. Reports the "
      "posterior mean, covariance, median, equal-tailed credible intervals, bulk effective sample "
      "size and split "
      "R-hat per parameter (Vehtari et al. 2021), the Monte Carlo standard error of the mean and "
      "the acceptance "
      "rate. Live series: acceptance_rate and running_mean.<name>.";
  t.params = {
      ParamSpec::make("parameters", ParamType::Any)
          .req()
          .describe("List of parameters: {\"name\", \"prior\": \"normal\", \"mu\", \"sigma\"} or "
                    "{\"name\", \"prior\": "
                    "\"uniform\", \"a\", \"b\"}; plain names when prior_covariance gives a "
                    "multivariate normal prior."),
      ParamSpec::make("data", ParamType::Vector).req().describe("Observations y (m values)."),
      ParamSpec::make("sigma", ParamType::Any)
          .req()
          .describe("Noise standard deviation: one number or one per datum."),
      ParamSpec::make("G", ParamType::Matrix)
          .describe("Linear forward operator (m x d): y = G theta."),
      ParamSpec::make("model", ParamType::Any)
          .describe("Forward model of (parameters, x), evaluated at every xdata: an expression in "
                    "the parameter names and x "
                    "(plus `constants`), a step reference {\"step\", \"input\": [parameter "
                    "paths..., x path], \"output\"} "
                    "or a fitted surrogate; or a step reference with one path per parameter whose "
                    "output is the whole "
                    "predicted series (one value per datum)."),
      ParamSpec::make("xdata", ParamType::Vector)
          .describe("The x of every datum (expression model)."),
      uq::constantsParam(),
      ParamSpec::make("prior_mean", ParamType::Vector)
          .describe("Mean of a multivariate normal prior (default 0)."),
      ParamSpec::make("prior_covariance", ParamType::Matrix)
          .describe("Covariance of a multivariate normal prior (d x d, SPD)."),
      ParamSpec::make("chains", ParamType::Integer)
          .def(4)
          .range(2, 64)
          .describe("Number of chains (run in parallel)."),
      ParamSpec::make("samples", ParamType::Integer)
          .def(5000)
          .range(8, 1e8)
          .describe("Steps per chain after burn-in."),
      ParamSpec::make("burn_in", ParamType::Integer)
          .range(0, 1e8)
          .describe("Steps per chain discarded first (default: = samples)."),
      ParamSpec::make("thin", ParamType::Integer)
          .def(1)
          .range(1, 1e6)
          .describe("Keep every thin-th draw after burn-in."),
      ParamSpec::make("adapt", ParamType::Boolean)
          .def(true)
          .describe("Adapt the proposal covariance during burn-in."),
      ParamSpec::make("credible_level", ParamType::Number)
          .def(0.95)
          .range(0.5, 0.9999)
          .describe("Level of the equal-tailed credible intervals."),
      ParamSpec::make("output_samples", ParamType::Integer)
          .def(4000)
          .range(0, 1e7)
          .describe("At most this many pooled draws are returned in `samples` (evenly subsampled; "
                    "0: none). Statistics use all draws."),
      seedParam(),
  };
  t.outputs = {
      {"parameter_names", ValueKind::List, "Parameter names, in order."},
      {"mean", ValueKind::Vector, "Posterior mean."},
      {"std", ValueKind::Vector, "Posterior standard deviation."},
      {"covariance", ValueKind::Matrix, "Posterior covariance."},
      {"median", ValueKind::Vector, "Posterior median."},
      {"ci_lower", ValueKind::Vector, "Lower ends of the equal-tailed credible intervals."},
      {"ci_upper", ValueKind::Vector, "Upper ends of the credible intervals."},
      {"ess", ValueKind::Vector,
       "Bulk effective sample size per parameter (split chains, Geyer's monotone sequence)."},
      {"rhat", ValueKind::Vector, "Split R-hat per parameter."},
      {"mcse", ValueKind::Vector,
       "Monte Carlo standard error of the posterior mean: std / sqrt(ESS)."},
      {"acceptance_rate", ValueKind::Scalar, "Fraction of accepted proposals after burn-in."},
      {"map", ValueKind::Vector, "Maximum a posteriori estimate (Laplace starting point)."},
      {"laplace_covariance", ValueKind::Matrix,
       "Inverse Gauss-Newton Hessian of -log posterior at the MAP."},
      {"summary", ValueKind::Table, "parameter, mean, std, ci_lower, ci_upper, ess, rhat, mcse."},
      {"samples", ValueKind::Matrix,
       "Pooled draws (one row each, chains stacked), subsampled to output_samples."},
      {"sample_chain", ValueKind::Vector, "Chain number of every row of samples."},
  };
  t.run = runBayesian;
  return t;
}

}  // namespace sciagents::core::agents::inverse
