// uq.fit_distribution: fits the uq agent's distributions to data (maximum likelihood where it has
// a closed form, moments otherwise) and ranks them in a goodness-of-fit table: log-likelihood,
// AIC, BIC and the Kolmogorov-Smirnov statistic with its p-value. The best fit is returned as an
// input ready for the other uq tasks' `inputs`.
#include "core/agents/uq/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sciagents::core::agents::uq {

namespace {

struct FittedCandidate {
  std::string dist;
  Map params;  // as an input spec takes them: {"mu": .., "sigma": ..}
  double log_likelihood = -INFINITY;
  int k = 0;  // fitted parameters
  double ks = NAN, ks_p = NAN;
};

FittedCandidate candidate(std::string dist, Map params, int k) {
  FittedCandidate c;
  c.dist = std::move(dist);
  c.params = std::move(params);
  c.k = k;
  return c;
}

// P(D_n > d) by the Kolmogorov series with Stephens' small-sample correction.
double ksPValue(double d, std::size_t n) {
  const double sn = std::sqrt(static_cast<double>(n));
  const double lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 0.2) return 1.0;
  double p = 0;
  for (int j = 1; j <= 100; ++j) {
    const double term = 2 * ((j % 2) ? 1 : -1) * std::exp(-2.0 * j * j * lambda * lambda);
    p += term;
    if (std::abs(term) < 1e-12) break;
  }
  return std::clamp(p, 0.0, 1.0);
}

template <class Dist>
void score(FittedCandidate& c, const Dist& dist, const std::vector<double>& sorted) {
  const auto n = static_cast<double>(sorted.size());
  double ll = 0, d = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double f = boost::math::pdf(dist, sorted[i]);
    ll += f > 0 ? std::log(f) : -INFINITY;
    const double F = boost::math::cdf(dist, sorted[i]);
    d = std::max({d, F - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - F});
  }
  c.log_likelihood = ll;
  c.ks = d;
  c.ks_p = ksPValue(d, sorted.size());
}

std::vector<FittedCandidate> fitAll(const std::vector<double>& x,
                                    const std::vector<std::string>& which) {
  const auto n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double sd_mle = std::sqrt(ss / n), var = ss / (n - 1);
  const double lo = x.front(), hi = x.back(), span = hi - lo;
  const auto wanted = [&](const char* d) {
    return std::find(which.begin(), which.end(), d) != which.end();
  };
  std::vector<FittedCandidate> out;
  if (wanted("normal") && sd_mle > 0) {
    FittedCandidate c = candidate("normal", {{"mu", mean}, {"sigma", sd_mle}}, 2);
    score(c, boost::math::normal_distribution<>(mean, sd_mle), x);
    out.push_back(c);
  }
  if (wanted("lognormal") && lo > 0) {
    double m = 0, s = 0;
    for (double v : x) m += std::log(v);
    m /= n;
    for (double v : x) s += (std::log(v) - m) * (std::log(v) - m);
    s = std::sqrt(s / n);
    if (s > 0) {
      FittedCandidate c = candidate("lognormal", {{"mu", m}, {"sigma", s}}, 2);
      score(c, boost::math::lognormal_distribution<>(m, s), x);
      out.push_back(c);
    }
  }
  if (wanted("uniform") && span > 0) {
    // The unbiased end points (the MLE [min, max] puts the sample's extremes on the bounds).
    const double a = lo - span / (n - 1), b = hi + span / (n - 1);
    FittedCandidate c = candidate("uniform", {{"a", a}, {"b", b}}, 2);
    score(c, boost::math::uniform_distribution<>(a, b), x);
    out.push_back(c);
  }
  if (wanted("triangular") && span > 0) {
    const double a = lo - span / (n - 1), b = hi + span / (n - 1);
    const double mode = std::clamp(3 * mean - a - b, a, b);  // moments: mean = (a + b + c) / 3
    FittedCandidate c = candidate("triangular", {{"a", a}, {"c", mode}, {"b", b}}, 3);
    score(c, boost::math::triangular_distribution<>(a, mode, b), x);
    out.push_back(c);
  }
  if (wanted("beta") && span > 0) {
    // Moments on [a, b] just beyond the data (beta's density vanishes or blows up at its ends).
    const double a = lo - span / (n - 1), b = hi + span / (n - 1), w = b - a;
    const double m = (mean - a) / w, v = var / (w * w);
    const double common = m * (1 - m) / v - 1;
    if (common > 0) {
      const double alpha = m * common, beta = (1 - m) * common;
      FittedCandidate c =
          candidate("beta", {{"alpha", alpha}, {"beta", beta}, {"a", a}, {"b", b}}, 4);
      // On [a, b]: the density of (x - a) / w over w.
      FittedCandidate unit = c;
      std::vector<double> u(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) u[i] = (x[i] - a) / w;
      score(unit, boost::math::beta_distribution<>(alpha, beta), u);
      c.log_likelihood = unit.log_likelihood - n * std::log(w);
      c.ks = unit.ks;
      c.ks_p = unit.ks_p;
      out.push_back(c);
    }
  }
  return out;
}

void runFit(TaskContext& ctx) {
  std::vector<double> x;
  {
    const Vector data = ctx.vector("data");
    for (Eigen::Index i = 0; i < data.size(); ++i) {
      if (!std::isfinite(data[i]))
        throw paramError("data", "value #" + std::to_string(i) + " is " + std::to_string(data[i]) +
                                     ": every value must be finite");
      x.push_back(data[i]);
    }
  }
  if (x.size() < 5)
    throw paramError(
        "data", "needs at least 5 values to fit a distribution, got " + std::to_string(x.size()));
  std::sort(x.begin(), x.end());
  std::vector<std::string> which;
  for (const auto& v : ctx.param("candidates").asList()) {
    const std::string d = v.kind() == ValueKind::String ? v.asString() : std::string();
    static const char* const kKnown[] = {"normal", "lognormal", "uniform", "triangular", "beta"};
    if (std::find(std::begin(kKnown), std::end(kKnown), d) == std::end(kKnown))
      throw paramError("candidates", "unknown distribution '" + d +
                                         "' (normal, lognormal, uniform, triangular, beta)");
    which.push_back(d);
  }
  ctx.setMethod("maximum_likelihood",
                "normal and lognormal by maximum likelihood, uniform and triangular from the "
                "extremes (unbiased end points) and the mean, beta by moments on the same range; "
                "ranked by AIC, with the Kolmogorov-Smirnov test of each");
  std::vector<FittedCandidate> fits = fitAll(x, which);
  if (fits.empty())
    throw Error(ErrorCode::RunFailed,
                "no candidate could be fitted (constant data, or lognormal with values <= 0)", {},
                "data");
  const auto n = static_cast<double>(x.size());
  const auto aic = [](const FittedCandidate& c) { return 2.0 * c.k - 2.0 * c.log_likelihood; };
  std::stable_sort(fits.begin(), fits.end(),
                   [&](const auto& a, const auto& b) { return aic(a) < aic(b); });
  Table table;
  List dists, params_text;
  Vector ll(static_cast<Eigen::Index>(fits.size())), aics(ll.size()), bics(ll.size()),
      ks(ll.size()), ksp(ll.size());
  for (std::size_t i = 0; i < fits.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    dists.emplace_back(fits[i].dist);
    std::string text;
    for (const auto& [name, v] : fits[i].params)
      text += (text.empty() ? "" : ", ") + name + " = " + formatFine(v.asDouble());
    params_text.emplace_back(text);
    ll[k] = fits[i].log_likelihood;
    aics[k] = aic(fits[i]);
    bics[k] = fits[i].k * std::log(n) - 2.0 * fits[i].log_likelihood;
    ks[k] = fits[i].ks;
    ksp[k] = fits[i].ks_p;
  }
  table.columns = {"dist", "params", "log_likelihood", "aic", "bic", "ks_statistic", "ks_pvalue"};
  table.data = {dists, params_text, ll, aics, bics, ks, ksp};
  Map input = fits[0].params;
  input["dist"] = fits[0].dist;
  input["name"] = ctx.text("name");
  ctx.output("best", fits[0].dist);
  ctx.output("input", input);
  ctx.output("table", table);
  ctx.output("ks_pvalue", fits[0].ks_p);
  ctx.output("n", static_cast<std::int64_t>(x.size()));
  ctx.diagnostic("pvalue_note",
                 "the KS p-values use parameters fitted to the same data, so they are too "
                 "large (Lilliefors): a small p-value rejects, a large one does not confirm");
  if (fits[0].ks_p < 0.05)
    ctx.warn("even the best fit (" + fits[0].dist + ") is rejected by the KS test (p = " +
             formatFine(fits[0].ks_p) + "): none of the candidates describes the data");
}

}  // namespace

TaskSpec fitDistributionTask() {
  TaskSpec t;
  t.id = "fit_distribution";
  t.summary =
      "Fit input distributions to data and rank them: log-likelihood, AIC, BIC and the "
      "Kolmogorov-Smirnov test; the best fit as an input for the other uq tasks.";
  t.doc =
      "Each candidate is fitted to `data`: normal and lognormal by maximum likelihood, uniform "
      "and triangular on [min - r/(n-1), max + r/(n-1)] (r the range; the unbiased end points) "
      "with the triangular mode from the mean, beta by moments on the same range. `table` ranks "
      "them by AIC (lower is better) with BIC, the log-likelihood, the KS statistic and its "
      "p-value (Kolmogorov series with Stephens' correction; with fitted parameters the p-value "
      "is conservative, Lilliefors). `input` is the best fit as an entry of `inputs` "
      "({\"name\", \"dist\", ...}), so a study can link it: \"inputs\": [{\"from\": "
      "\"fit.input\"}, ...].";
  t.params = {
      ParamSpec::make("data", ParamType::Vector).req().describe("The observations (at least 5)."),
      ParamSpec::make("candidates", ParamType::Any)
          .def(List{Value("normal"), Value("lognormal"), Value("uniform"), Value("triangular"),
                    Value("beta")})
          .describe("Distributions to fit: normal, lognormal, uniform, triangular, beta."),
      ParamSpec::make("name", ParamType::String)
          .def("x")
          .describe("The input name given to the best fit in `input`."),
  };
  t.outputs = {
      {"best", ValueKind::String, "The distribution with the lowest AIC."},
      {"input", ValueKind::Map, "The best fit as an input spec: {\"name\", \"dist\", params}."},
      {"table", ValueKind::Table,
       "Goodness of fit, best first: dist, params, log_likelihood, aic, bic, ks_statistic, "
       "ks_pvalue."},
      {"ks_pvalue", ValueKind::Scalar, "KS p-value of the best fit."},
      {"n", ValueKind::Integer, "Number of observations."},
  };
  t.run = runFit;
  return t;
}

}  // namespace sciagents::core::agents::uq
