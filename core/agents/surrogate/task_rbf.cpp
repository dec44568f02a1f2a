// surrogate.rbf: radial basis function interpolation (or smoothing) with a polynomial tail, and
// the leave-one-out error by Rippa's formula.
#include "core/agents/surrogate/pce_basis.h"
#include "core/agents/surrogate/rbf_model.h"
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

constexpr Eigen::Index kMaxLoocv = 6000;
constexpr Eigen::Index kMaxSearch = 1500;
constexpr Eigen::Index kMaxRbfPoints = 10000;

void runRbf(TaskContext& ctx) {
  const TrainingSet t = readTraining(ctx, 0);
  const Eigen::Index n = t.x.rows(), d = t.x.cols();
  if (n > kMaxRbfPoints)
    throw paramError("xtrain", std::to_string(n) +
                                   " points: the dense RBF system needs O(n^2) memory and O(n^3) "
                                   "time; use at most " +
                                   std::to_string(kMaxRbfPoints) + " (or thin the data)");
  const auto xtest = readTest(ctx, d);
  RbfModel m;
  try {
    m.kernel = parseRbfKernel(ctx.text("kernel"));
  } catch (const std::exception& e) {
    throw paramError("kernel", e.what());
  }
  const int min_degree = rbfMinDegree(m.kernel);
  m.degree = ctx.has("degree") ? static_cast<int>(ctx.integer("degree")) : std::max(1, min_degree);
  if (m.degree < min_degree)
    throw paramError(
        "degree", "the " + rbfKernelName(m.kernel) +
                      " kernel needs a polynomial tail of degree >= " + std::to_string(min_degree) +
                      " (got " + std::to_string(m.degree) + ")");
  const double smoothing = ctx.number("smoothing");

  Eigen::Index da = 0, db = 0;
  const double hmin = minPairDistance(t.x, &da, &db);
  if (hmin == 0 && smoothing == 0)
    throw paramError(
        "xtrain",
        "points #" + std::to_string(da) + " and #" + std::to_string(db) +
            " coincide: interpolation is singular (remove duplicates or set smoothing > 0)");
  // Typical spacing: mean nearest-neighbour distance.
  double spacing = 0;
  if (n > 1) {
    for (Eigen::Index i = 0; i < n; ++i) {
      double best = std::numeric_limits<double>::infinity();
      for (Eigen::Index j = 0; j < n; ++j)
        if (j != i) best = std::min(best, (t.x.row(i) - t.x.row(j)).squaredNorm());
      spacing += std::sqrt(best);
    }
    spacing /= static_cast<double>(n);
  }
  if (!(spacing > 0)) spacing = 1.0;
  m.epsilon = ctx.has("epsilon") ? ctx.number("epsilon") : 1.0 / spacing;
  m.x = t.x;
  m.shift = (t.x.colwise().maxCoeff() + t.x.colwise().minCoeff()).transpose() / 2;
  m.scale =
      ((t.x.colwise().maxCoeff() - t.x.colwise().minCoeff()).transpose() / 2).cwiseMax(1e-300);
  if (m.degree >= 0) m.exponents = totalDegreeIndices(static_cast<int>(d), m.degree);
  const auto np = static_cast<Eigen::Index>(m.exponents.size());
  if (n < np)
    throw paramError("xtrain", std::to_string(n) + " points cannot fix a degree-" +
                                   std::to_string(m.degree) + " polynomial tail (" +
                                   std::to_string(np) + " terms); add points or lower `degree`");

  const Matrix P = m.polyMatrix(t.x);
  if (np > 0) {
    Eigen::ColPivHouseholderQR<Matrix> pq(P);
    if (pq.rank() < np)
      throw paramError(
          "xtrain", "the points do not determine a degree-" + std::to_string(m.degree) +
                        " polynomial (e.g. collinear points in 2-D); lower `degree` or add points");
  }
  const Eigen::Index N = n + np;
  const Matrix D = [&] {  // pairwise distances of the training points
    Matrix dm(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = 0; i < n; ++i) dm(i, j) = (t.x.row(i) - t.x.row(j)).norm();
    return dm;
  }();
  Vector rhs = Vector::Zero(N);
  rhs.head(n) = t.y;
  struct Fit {
    Vector sol, loocv;
    double rcond = 0;
  };
  // Solves the saddle-point system at epsilon; LOOCV errors by Rippa (1999): e_i = c_i /
  // (A^{-1})_ii.
  auto solve = [&](double eps, bool loocv) {
    Matrix A = Matrix::Zero(N, N);
    const double e = rbfUsesEpsilon(m.kernel) ? eps : 1.0;
    A.topLeftCorner(n, n) = D.unaryExpr([&](double r) { return rbfPhi(m.kernel, e * r); });
    A.topLeftCorner(n, n).diagonal().array() += smoothing;
    A.topRightCorner(n, np) = P;
    A.bottomLeftCorner(np, n) = P.transpose();
    Eigen::PartialPivLU<Matrix> lu(A);
    Fit f;
    f.sol = lu.solve(rhs);
    f.rcond = lu.rcond();
    if (loocv && f.sol.allFinite()) {
      const Matrix Ainv = lu.inverse();
      f.loocv.resize(n);
      for (Eigen::Index i = 0; i < n; ++i) f.loocv[i] = f.sol[i] / Ainv(i, i);
    }
    return f;
  };
  const bool do_loocv = n <= kMaxLoocv;
  std::string eps_rule = "given";
  if (!ctx.has("epsilon") && rbfUsesEpsilon(m.kernel)) {
    if (n <= kMaxSearch) {
      // Rippa's criterion: the epsilon on a log grid in [0.05, 2] / spacing with the smallest LOOCV
      // RMSE among well-conditioned systems.
      double best = std::numeric_limits<double>::infinity();
      List tried;
      for (int k = 0; k < 13; ++k) {
        const double eps = 0.05 * std::pow(40.0, k / 12.0) / spacing;
        const Fit f = solve(eps, true);
        const double rmse =
            f.loocv.size() ? std::sqrt(f.loocv.squaredNorm() / static_cast<double>(n)) : NAN;
        tried.emplace_back(Map{{"epsilon", eps}, {"loocv_rmse", rmse}, {"rcond", f.rcond}});
        if (f.rcond > 1e-13 && std::isfinite(rmse) && rmse < best) best = rmse, m.epsilon = eps;
        ctx.checkCancelled();
      }
      ctx.diagnostic("epsilon_search", tried);
      eps_rule = std::isfinite(best)
                     ? "minimum LOOCV error (Rippa) over a log grid in [0.05, 2] / mean spacing"
                     : "1 / mean spacing (no well-conditioned candidate in the search)";
      if (!std::isfinite(best)) m.epsilon = 1 / spacing;
    } else {
      m.epsilon = 1 / spacing;
      eps_rule = "1 / mean nearest-neighbour distance (n > " + std::to_string(kMaxSearch) +
                 ": no LOOCV search)";
    }
  } else if (!ctx.has("epsilon")) {
    eps_rule = "not used (scale-invariant kernel)";
  }
  ctx.progress(0.5, "solving the interpolation system");
  const Fit fit = solve(m.epsilon, do_loocv);
  const double rcond = fit.rcond;
  if (!fit.sol.allFinite() || !(rcond > 1e-17))
    throw Error(ErrorCode::RunFailed,
                "the RBF system is singular to working precision (reciprocal condition " +
                    formatFine(rcond) + "); lower `epsilon`, add `smoothing` or use thin_plate");
  m.weights = fit.sol.head(n);
  m.poly = fit.sol.tail(np);
  if (rcond < 1e-13)
    ctx.warn("the RBF system is ill-conditioned (reciprocal condition " + formatFine(rcond) +
             "): results may carry large rounding errors; lower `epsilon` or use thin_plate");

  const Vector fitted = m.evaluate(t.x);
  const double ymax = std::max(t.y.cwiseAbs().maxCoeff(), 1e-300);
  ctx.output("train_max_rel_error", (fitted - t.y).cwiseAbs().maxCoeff() / ymax);
  if (do_loocv) {
    ctx.output("loocv_errors", fit.loocv);
    ctx.output("loocv_rmse", std::sqrt(fit.loocv.squaredNorm() / static_cast<double>(n)));
  } else {
    ctx.warn("n > " + std::to_string(kMaxLoocv) +
             ": the leave-one-out errors (O(n^3)) were not computed");
  }
  if (xtest) ctx.output("prediction", m.evaluate(*xtest));
  ctx.output("weights", m.weights);
  ctx.output("polynomial_coefficients", m.poly);
  ctx.output("epsilon", m.epsilon);
  ctx.output("names", nameList(t.names));
  Map model = m.toMap();
  model["names"] = nameList(t.names);
  ctx.output("model", model);
  ctx.setMethod(
      "rbf_" + rbfKernelName(m.kernel),
      rbfKernelName(m.kernel) + " kernel" +
          (rbfUsesEpsilon(m.kernel) ? " with epsilon " + formatFine(m.epsilon) : std::string()) +
          (m.degree >= 0 ? ", polynomial tail of degree " + std::to_string(m.degree)
                         : ", no polynomial tail") +
          (smoothing > 0 ? ", smoothing " + formatFine(smoothing) : ", interpolating") +
          "; dense LU of the saddle-point system, LOOCV by Rippa's formula");
  ctx.diagnostic("mean_spacing", spacing);
  ctx.diagnostic("epsilon_rule", eps_rule);
  ctx.diagnostic("condition_estimate", 1.0 / rcond);
  ctx.diagnostic("polynomial_terms", static_cast<std::int64_t>(np));
  ctx.diagnostic("polynomial_variables",
                 "(x - shift) / scale with the centre and half-range of xtrain per column");
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec rbfTask() {
  TaskSpec t;
  t.id = "rbf";
  t.summary =
      "Radial basis function interpolation or smoothing with a polynomial tail and the LOOCV error "
      "(Rippa).";
  t.doc =
      "s(x) = sum_j w_j phi(epsilon |x - x_j|) + p(x), with p a polynomial of total degree "
      "`degree` and the "
      "weights orthogonal to it (the saddle-point system is solved by dense LU). Kernels (SciPy "
      "RBFInterpolator signs): gaussian exp(-r^2), multiquadric -sqrt(1+r^2), inverse_multiquadric "
      "1/sqrt(1+r^2), thin_plate r^2 log r, cubic r^3, linear -r; thin_plate and cubic need degree "
      ">= 1, "
      "linear and multiquadric >= 0. `epsilon` applies to the first three (default: on a log grid "
      "in [0.05, 2] / "
      "mean nearest-neighbour "
      "distance chosen by the smallest Rippa LOOCV error, n <= 1500); the others are scale "
      "invariant. `smoothing` > 0 adds to the kernel diagonal (no longer "
      "interpolating). `loocv_errors`/`loocv_rmse` are leave-one-out errors by Rippa's formula, "
      "without refits.";
  t.params = {
      xtrainParam(),
      ytrainParam(),
      xtestParam(),
      ParamSpec::make("kernel", ParamType::Choice)
          .oneOf(
              {"thin_plate", "cubic", "linear", "gaussian", "multiquadric", "inverse_multiquadric"})
          .def("thin_plate")
          .describe("Radial function."),
      ParamSpec::make("epsilon", ParamType::Number)
          .positive()
          .describe("Shape parameter of gaussian / multiquadric / inverse_multiquadric (default: "
                    "the value with the smallest LOOCV error on a log grid in [0.05, 2] / mean "
                    "nearest-neighbour distance, for n <= 1500; else 1 / mean spacing)."),
      ParamSpec::make("degree", ParamType::Integer)
          .range(-1, 3)
          .describe("Degree of the polynomial tail, -1 for none (default: 1, the SciPy default)."),
      ParamSpec::make("smoothing", ParamType::Number)
          .def(0.0)
          .range(0, std::nullopt)
          .describe("Added to the kernel diagonal: 0 interpolates, > 0 smooths noisy data."),
      uq::modelParam(false),
      optionalInputsParam(),
      designSizeParam("required with model"),
      uq::seedParam(),
      uq::constantsParam(),
  };
  t.outputs = {
      {"prediction", ValueKind::Vector, "Interpolant at xtest."},
      {"weights", ValueKind::Vector, "Kernel weights, one per training point."},
      {"polynomial_coefficients", ValueKind::Vector,
       "Coefficients of the polynomial tail (scaled monomials)."},
      {"epsilon", ValueKind::Scalar, "The shape parameter used."},
      {"loocv_errors", ValueKind::Vector,
       "Leave-one-out errors y_i - s_{-i}(x_i) (Rippa), n <= 6000."},
      {"loocv_rmse", ValueKind::Scalar, "RMS of the leave-one-out errors."},
      {"train_max_rel_error", ValueKind::Scalar, "max |s(x_i) - y_i| / max |y|."},
      {"names", ValueKind::List, "Input names."},
      {"model", ValueKind::Map,
       "The fitted interpolant (surrogate: rbf): usable as the `model` of a later step."},
      {"xtrain", ValueKind::Matrix, "The design (with model)."},
      {"ytrain", ValueKind::Vector, "The model values at the design (with model)."},
  };
  t.run = runRbf;
  return t;
}

}  // namespace sciagents::core::agents::surrogate
