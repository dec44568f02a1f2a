// integration.monte_carlo: plain Monte Carlo and randomised quasi-Monte Carlo (Sobol with random
// digital shifts, R independent replicas) with an honest, reproducible error estimate.
#include "core/agents/integration/integ_common.h"
#include "core/agents/integration/tasks.h"
#include "core/agents/resource_estimators.h"

#include <boost/math/distributions/students_t.hpp>
#include <boost/random/sobol.hpp>

#include <chrono>
#include <cmath>
#include <random>

namespace sciagents::core::agents::integ {

namespace {
constexpr std::size_t kMaxSobolDim =
    1000;  // Boost's table has 3667; the cost is d per point anyway

struct McProblem {
  std::vector<std::string> vars;
  std::shared_ptr<const Expression> f;
  Bounds bounds;
  std::int64_t n;
  std::uint64_t seed;
  std::int64_t replicas;
};

McProblem readMonteCarlo(const TaskContext& ctx) {
  std::vector<std::string> vars = readVars(ctx);
  McProblem p{vars,
              compileIntegrand(ctx, "f", vars),
              readBounds(ctx, vars.size(), false),
              ctx.integer("n"),
              ctx.has("seed") ? static_cast<std::uint64_t>(ctx.integer("seed")) : ctx.seed(),
              ctx.integer("replicas")};
  if (p.replicas > p.n)
    throw paramError("replicas", "replicas (" + std::to_string(p.replicas) + ") exceed n (" +
                                     std::to_string(p.n) + ")");
  return p;
}

MethodChoice chooseMonteCarlo(const McProblem& p) {
  if (p.vars.size() > kMaxSobolDim)
    return {"mc",
            std::to_string(p.vars.size()) +
                " variables: plain Monte Carlo (dimension-independent 1/sqrt(n))",
            {}};
  return {"qmc",
          std::to_string(p.vars.size()) +
              " variables: randomised Sobol QMC (error close to 1/n for integrands "
              "of bounded variation, versus 1/sqrt(n) for MC), error from " +
              std::to_string(p.replicas) + " independently shifted replicas",
          {}};
}

// Streams the running estimate; `w` is the 95% half-width.
class Live {
 public:
  explicit Live(TaskContext& ctx) : m_ctx(ctx), m_last(std::chrono::steady_clock::now()) {}
  void tick(double done, std::int64_t n, double mean, double w, bool force = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_last < std::chrono::milliseconds(10)) return;
    m_last = now;
    m_ctx.checkCancelled();
    m_ctx.metric("running_mean", static_cast<double>(n), mean);
    if (std::isfinite(w)) m_ctx.metric("ci_halfwidth", static_cast<double>(n), w);
    m_ctx.progress(done, "sampling");
  }

 private:
  TaskContext& m_ctx;
  std::chrono::steady_clock::time_point m_last;
};

double evalAt(const McProblem& p, const std::vector<double>& x) {
  const double y = p.f->eval(x.data());
  if (!std::isfinite(y)) {
    std::string where;
    for (double v : x) where += (where.empty() ? "" : ", ") + formatPrecise(v);
    throw Error(ErrorCode::RunFailed,
                "the integrand is " + formatPrecise(y) + " at (" + where + ")");
  }
  return y;
}

void runMc(TaskContext& ctx, const McProblem& p, double vol) {
  std::mt19937_64 rng(p.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t d = p.vars.size();
  std::vector<double> x(d);
  double mean = 0, m2 = 0;
  Live live(ctx);
  for (std::int64_t k = 1; k <= p.n; ++k) {
    for (std::size_t i = 0; i < d; ++i)
      x[i] = p.bounds[i][0] + (p.bounds[i][1] - p.bounds[i][0]) * u(rng);
    const double y = evalAt(p, x) * vol;
    const double delta = y - mean;  // Welford: stable running variance
    mean += delta / static_cast<double>(k);
    m2 += delta * (y - mean);
    if ((k & 1023) == 0 || k == p.n)
      live.tick(
          static_cast<double>(k) / static_cast<double>(p.n), k, mean,
          k > 1 ? 1.96 * std::sqrt(m2 / static_cast<double>(k - 1) / static_cast<double>(k)) : NAN,
          k == p.n);
  }
  const double se =
      p.n > 1 ? std::sqrt(m2 / static_cast<double>(p.n - 1) / static_cast<double>(p.n)) : INFINITY;
  ctx.output("value", mean);
  ctx.output("stderr", se);
  ctx.output("abserr", 1.96 * se);
  ctx.output("n", p.n);
  ctx.diagnostic("confidence_level", 0.95);
  ctx.diagnostic("sample_variance", p.n > 1 ? m2 / static_cast<double>(p.n - 1) : 0.0);
}

void runQmc(TaskContext& ctx, const McProblem& p, double vol) {
  const std::size_t d = p.vars.size();
  const std::int64_t r_count = p.replicas, m = p.n / r_count;
  boost::random::sobol base(d);
  std::mt19937_64 rng(p.seed);
  std::vector<double> x(d), means;
  std::vector<std::uint64_t> shift(d);
  Live live(ctx);
  double sum = 0, sumsq = 0;
  for (std::int64_t r = 0; r < r_count; ++r) {
    for (auto& s : shift)
      s = rng();  // random digital shift: every point stays uniform, nets stay nets
    boost::random::sobol q = base;
    double acc = 0;
    for (std::int64_t k = 0; k < m; ++k) {
      for (std::size_t i = 0; i < d; ++i) {
        const std::uint64_t bits = (q() ^ shift[i]) >> 11;  // 53 bits -> [0, 1)
        const double t = (static_cast<double>(bits) + 0.5) * 0x1p-53;
        x[i] = p.bounds[i][0] + (p.bounds[i][1] - p.bounds[i][0]) * t;
      }
      acc += evalAt(p, x);
      if ((k & 4095) == 4095) ctx.checkCancelled();
    }
    const double est = acc / static_cast<double>(m) * vol;
    means.push_back(est);
    sum += est, sumsq += est * est;
    const double rr = static_cast<double>(r + 1), mean = sum / rr;
    double w = NAN;
    if (r >= 1) {
      const boost::math::students_t t(rr - 1);
      w = boost::math::quantile(t, 0.975) *
          std::sqrt(std::max(0.0, (sumsq - rr * mean * mean) / (rr - 1)) / rr);
    }
    live.tick(rr / static_cast<double>(r_count), (r + 1) * m, mean, w, true);
  }
  const double rr = static_cast<double>(r_count), mean = sum / rr;
  double var = 0;
  for (double e : means) var += (e - mean) * (e - mean);
  var /= std::max(1.0, rr - 1);
  const double se = r_count > 1 ? std::sqrt(var / rr) : INFINITY;
  const double tq =
      r_count > 1 ? boost::math::quantile(boost::math::students_t(rr - 1), 0.975) : INFINITY;
  ctx.output("value", mean);
  ctx.output("stderr", se);
  ctx.output("abserr", tq * se);
  ctx.output("n", r_count * m);
  ctx.diagnostic("replicas", r_count);
  ctx.diagnostic("points_per_replica", m);
  ctx.diagnostic("t_quantile", tq);
  ctx.diagnostic("confidence_level", 0.95);
  if ((m & (m - 1)) != 0)
    ctx.diagnostic("note", "points per replica (" + std::to_string(m) +
                               ") is not a power of 2; Sobol nets are "
                               "balanced at powers of 2 (choose n = replicas * 2^k)");
  if (r_count < 8)
    ctx.warn("only " + std::to_string(r_count) +
             " replicas: the error estimate is itself uncertain");
}

void runMonteCarlo(TaskContext& ctx) {
  const McProblem p = readMonteCarlo(ctx);
  double vol = 1;
  for (const auto& b : p.bounds) vol *= b[1] - b[0];
  std::string method = ctx.text("method");
  if (method == "auto") {
    const MethodChoice c = chooseMonteCarlo(p);
    method = c.method;
    ctx.setMethod(method, c.rationale);
  } else {
    ctx.setMethod(method, "requested");
  }
  if (method == "qmc" && p.vars.size() > 3667)
    throw paramError("vars", "qmc supports up to 3667 variables (Sobol direction numbers); use mc");
  ctx.diagnostic("seed", static_cast<std::int64_t>(p.seed));
  if (method == "mc")
    runMc(ctx, p, vol);
  else
    runQmc(ctx, p, vol);
}

}  // namespace

// Samples are streamed (running sums), so memory stays small; work is n points of d variables.
ResourceEstimate estimateMonteCarlo(const AgentRegistry&, const TaskContext& ctx) {
  ResourceEstimate e;
  e.work = paramCount(ctx, "n") * (static_cast<double>(ctx.param("vars").asList().size()) + 1) * 50;
  e.work_param = "n";
  return e;
}

TaskSpec monteCarloTask() {
  TaskSpec t;
  t.id = "monte_carlo";
  t.summary =
      "Monte Carlo / randomised quasi-Monte Carlo integration over a box with a confidence "
      "interval.";
  t.doc =
      "Estimates the integral of f over the box `bounds` (finite) from n evaluations. `mc`: "
      "uniform pseudo-random "
      "points (mt19937_64), value = volume x sample mean, stderr = sample sd / sqrt(n), abserr = "
      "1.96 stderr (95%). "
      "`qmc`: a Sobol sequence (Boost.Random) with `replicas` independent random digital shifts "
      "(XOR of the "
      "53-bit coordinates with a random mask); each replica of n/replicas points is an unbiased "
      "estimate, value is "
      "their mean, stderr their standard error and abserr = t(0.975, replicas-1) stderr. Both are "
      "reproducible for a "
      "given seed. Live series: running_mean and ci_halfwidth against the number of points.\n\n"
      "How to choose: qmc for smooth or moderately rough integrands in up to hundreds of "
      "dimensions (error close to "
      "1/n); mc when f is very rough or d is huge; integration.cubature when d <= 7 and f is "
      "smooth and you want "
      "many digits.";
  t.params = {
      ParamSpec::make("f", ParamType::Expression)
          .req()
          .describe("Integrand, an expression in vars."),
      ParamSpec::make("vars", ParamType::StringList).req().describe("Variable names."),
      ParamSpec::make("bounds", ParamType::Any).req().describe("One finite [lo, hi] per variable."),
      ParamSpec::make("n", ParamType::Integer)
          .def(65536)
          .range(2, 1e10)
          .describe("Total number of evaluations."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"auto", "mc", "qmc"})
          .def("auto")
          .describe(
              "mc: pseudo-random; qmc: randomised Sobol; auto: qmc (mc above 1000 variables)."),
      ParamSpec::make("replicas", ParamType::Integer)
          .def(16)
          .range(2, 4096)
          .describe(
              "qmc: number of independently shifted Sobol replicas used for the error estimate."),
      ParamSpec::make("seed", ParamType::Integer)
          .range(0, std::nullopt)
          .describe("Random seed (default: the workflow's seed)."),
      ParamSpec::make("constants", ParamType::Map).describe("Named constants used in f."),
  };
  t.outputs = {
      {"value", ValueKind::Scalar, "The estimate of the integral."},
      {"stderr", ValueKind::Scalar, "Standard error of the estimate."},
      {"abserr", ValueKind::Scalar, "Half-width of the 95% confidence interval."},
      {"n", ValueKind::Integer, "Number of evaluations used."},
  };
  t.run = runMonteCarlo;
  t.select = [](const TaskContext& ctx) { return chooseMonteCarlo(readMonteCarlo(ctx)); };
  t.analyze = [](const TaskContext& ctx) {
    const McProblem p = readMonteCarlo(ctx);
    Map m;
    m["dimension"] = static_cast<std::int64_t>(p.vars.size());
    m["n"] = p.n;
    return m;
  };
  return t;
}

}  // namespace sciagents::core::agents::integ
