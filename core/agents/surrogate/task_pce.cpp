// surrogate.pce: polynomial chaos expansion by least-squares regression on an orthonormal basis
// matched to the input distributions; moments and Sobol indices from the coefficients.
#include "core/agents/surrogate/pce_basis.h"
#include "core/agents/surrogate/surrogate_common.h"
#include "core/agents/surrogate/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::surrogate {

namespace {

void runPce(TaskContext& ctx) {
  const int degree = static_cast<int>(ctx.integer("degree"));
  const Value& inputs_v = ctx.param("inputs");
  const int d = inputs_v.kind() == ValueKind::List ? static_cast<int>(inputs_v.asList().size()) : 0;
  const std::size_t P = basisSize(std::max(d, 1), degree);
  if (P > 20000)
    throw paramError("degree", "the total-degree basis of degree " + std::to_string(degree) +
                                   " in " + std::to_string(d) + " inputs has " + std::to_string(P) +
                                   " terms (limit 20000); lower `degree`");
  const TrainingSet t = readTraining(ctx, static_cast<Eigen::Index>(3 * P));
  if (!t.inputs)
    throw paramError("inputs",
                     "the PCE basis is matched to the input distributions: give `inputs`");
  const Eigen::Index n = t.x.rows();
  std::vector<PceVariable> vars;
  for (std::size_t j = 0; j < t.inputs->size(); ++j) {
    try {
      vars.push_back(PceVariable::fromDistribution(t.inputs->dists[j]));
    } catch (const std::exception& e) {
      throw paramError("inputs", "input '" + t.inputs->names[j] + "': " + e.what());
    }
    if (vars.back().log)
      for (Eigen::Index i = 0; i < n; ++i)
        if (!(t.x(i, static_cast<Eigen::Index>(j)) > 0))
          throw paramError("xtrain", "input '" + t.inputs->names[j] + "' is lognormal but row " +
                                         std::to_string(i) + " holds " +
                                         formatFine(t.x(i, static_cast<Eigen::Index>(j))) +
                                         " <= 0");
  }
  if (static_cast<std::size_t>(n) < P) {
    const std::string msg =
        "n = " + std::to_string(n) + " samples is fewer than the " + std::to_string(P) +
        " basis terms of degree " + std::to_string(degree) + " in " + std::to_string(d) +
        " inputs: least squares needs n >= P (2-3 P recommended); raise `n` or lower `degree`";
    throw paramError(t.source == "model" ? "n" : "degree", msg);
  }
  const auto alpha = totalDegreeIndices(d, degree);
  ctx.progress(0.35, "building the design matrix");
  const Matrix psi = pceDesign(t.x, vars, alpha);
  ctx.checkCancelled();
  ctx.progress(0.5, "least squares");
  Eigen::ColPivHouseholderQR<Matrix> qr(psi);
  if (qr.rank() < static_cast<Eigen::Index>(P))
    throw paramError(t.source == "model" ? "n" : "degree",
                     "the design matrix has rank " + std::to_string(qr.rank()) + " < " +
                         std::to_string(P) + " basis terms (degree " + std::to_string(degree) +
                         "); raise `n` or lower `degree`");
  const Vector c = qr.solve(t.y);
  const Vector fitted = psi * c;
  const Vector resid = t.y - fitted;
  // Leave-one-out residuals r_i / (1 - h_i), h = diag of the hat matrix Q Q^T.
  const Matrix Q = qr.householderQ() * Matrix::Identity(n, static_cast<Eigen::Index>(P));
  const double yvar = (t.y.array() - t.y.mean()).square().mean();
  double loo = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double h = Q.row(i).squaredNorm();
    const double e = h < 1 - 1e-12 ? resid[i] / (1 - h) : std::numeric_limits<double>::infinity();
    loo += e * e;
  }
  loo /= static_cast<double>(n);
  const double loo_rel = yvar > 0 ? loo / yvar : loo;

  // Moments and Sobol indices from the coefficients (orthonormal basis).
  const double mean = c[0];
  const double variance = c.tail(static_cast<Eigen::Index>(P) - 1).squaredNorm();
  Vector S1 = Vector::Zero(d), ST = Vector::Zero(d);
  Matrix mi(static_cast<Eigen::Index>(P), d);
  for (std::size_t k = 0; k < P; ++k) {
    int active = 0, which = -1;
    for (int j = 0; j < d; ++j) {
      mi(static_cast<Eigen::Index>(k), j) = alpha[k][static_cast<std::size_t>(j)];
      if (alpha[k][static_cast<std::size_t>(j)] > 0) ++active, which = j;
    }
    if (active == 0) continue;
    const double c2 = c[static_cast<Eigen::Index>(k)] * c[static_cast<Eigen::Index>(k)];
    if (active == 1) S1[which] += c2;
    for (int j = 0; j < d; ++j)
      if (alpha[k][static_cast<std::size_t>(j)] > 0) ST[j] += c2;
  }
  if (variance > 0) S1 /= variance, ST /= variance;

  ctx.output("coefficients", c);
  ctx.output("multi_indices", mi);
  ctx.output("mean", mean);
  ctx.output("variance", variance);
  ctx.output("S1", S1);
  ctx.output("ST", ST);
  ctx.output("loo_error", loo_rel);
  ctx.output("r2", yvar > 0 ? 1 - resid.squaredNorm() / static_cast<double>(n) / yvar : 1.0);
  ctx.output("names", nameList(t.names));
  ctx.output("basis_size", static_cast<std::int64_t>(P));
  ctx.output("n", static_cast<std::int64_t>(n));
  List vlist;
  for (const auto& v : vars) vlist.emplace_back(v.toMap());
  const Map model{{"surrogate", "pce"},
                  {"names", nameList(t.names)},
                  {"variables", vlist},
                  {"multi_indices", mi},
                  {"coefficients", c}};
  if (const auto xtest = readTest(ctx, d))
    ctx.output("prediction", pcePredictFromMap(model, *xtest));
  ctx.output("model", model);
  ctx.setMethod("pce_regression",
                "orthonormal polynomial chaos (Legendre for uniform, Hermite for normal/lognormal "
                "inputs), total "
                "degree " +
                    std::to_string(degree) + " (" + std::to_string(P) +
                    " terms), coefficients by least "
                    "squares (column-pivoting QR) on " +
                    std::to_string(n) + " samples");
  ctx.diagnostic("inputs", t.inputs->describe());
  ctx.diagnostic("condition_estimate",
                 qr.maxPivot() > 0 ? std::abs(qr.matrixR()(0, 0)) /
                                         std::abs(qr.matrixR()(static_cast<Eigen::Index>(P) - 1,
                                                               static_cast<Eigen::Index>(P) - 1))
                                   : NAN);
  ctx.diagnostic("oversampling", static_cast<double>(n) / static_cast<double>(P));
  ctx.diagnostic(
      "loo_note",
      "loo_error = mean of squared leave-one-out residuals (hat-matrix formula) / var(y)");
  if (loo_rel > 1e-2)
    ctx.warn("leave-one-out error " + formatFine(loo_rel) +
             " of the variance: the expansion may be inaccurate "
             "(raise `degree` with more samples, or check the model)");
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec pceTask() {
  TaskSpec t;
  t.id = "pce";
  t.summary =
      "Polynomial chaos expansion by regression; mean, variance and Sobol indices from the "
      "coefficients.";
  t.doc =
      "Orthonormal polynomials matched to each input's distribution (Legendre for uniform, Hermite "
      "for normal, "
      "Hermite in log x for lognormal), total-degree truncation `degree` (P = C(d+p, p) terms), "
      "coefficients "
      "by least squares on samples: a `model` evaluated on a seeded Latin hypercube of `n` points "
      "(default 3P), "
      "or given `xtrain` + `ytrain`. Mean = c_0, variance = sum of the other c_k^2; first-order "
      "(S1) and total "
      "(ST) Sobol indices sum the c_k^2 of the terms in one input only / involving the input, in "
      "the order of "
      "`inputs`. `loo_error` is the leave-one-out error (hat-matrix formula) relative to var(y).";
  t.params = {
      uq::inputsParam(),
      ParamSpec::make("degree", ParamType::Integer)
          .def(5)
          .range(0, 30)
          .describe("Total degree of the basis."),
      uq::modelParam(false),
      designSizeParam("3 x the number of basis terms"),
      xtrainParam(),
      ytrainParam(),
      xtestParam(),
      uq::seedParam(),
      uq::constantsParam(),
  };
  t.outputs = {
      {"coefficients", ValueKind::Vector, "Expansion coefficients, one per multi-index."},
      {"multi_indices", ValueKind::Matrix, "P x d degrees of each basis term (graded order)."},
      {"mean", ValueKind::Scalar, "Mean of the expansion (c_0)."},
      {"variance", ValueKind::Scalar, "Variance of the expansion."},
      {"S1", ValueKind::Vector, "First-order Sobol indices (input order)."},
      {"ST", ValueKind::Vector, "Total Sobol indices (input order)."},
      {"loo_error", ValueKind::Scalar, "Leave-one-out error relative to var(y)."},
      {"r2", ValueKind::Scalar, "Coefficient of determination on the training data."},
      {"names", ValueKind::List, "Input names."},
      {"basis_size", ValueKind::Integer, "Number of basis terms P."},
      {"n", ValueKind::Integer, "Number of samples."},
      {"prediction", ValueKind::Vector, "Expansion at xtest."},
      {"model", ValueKind::Map,
       "The fitted expansion (surrogate: pce): usable as the `model` of a later step."},
      {"xtrain", ValueKind::Matrix, "The design (with model)."},
      {"ytrain", ValueKind::Vector, "The model values at the design (with model)."},
  };
  t.run = runPce;
  return t;
}

}  // namespace sciagents::core::agents::surrogate
