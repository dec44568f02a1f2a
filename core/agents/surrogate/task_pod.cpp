// surrogate.pod: proper orthogonal decomposition of a snapshot matrix by a thin SVD (Eigen
// BDCSVD), truncated by an energy criterion or a given rank; optional reconstruction of snapshots.
#include "core/agents/surrogate/surrogate_common.h"
#include "core/agents/surrogate/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <cmath>

namespace sciagents::core::agents::surrogate {

namespace {

void runPod(TaskContext& ctx) {
  const Matrix S = finiteMatrix(ctx, "snapshots");
  const Eigen::Index m = S.rows(), ns = S.cols();
  if (m == 0 || ns == 0) throw paramError("snapshots", "the snapshot matrix is empty");
  const bool center = ctx.flag("center");
  const Vector mean = center ? Vector(S.rowwise().mean()) : Vector::Zero(m);
  const Matrix X = S.colwise() - mean;
  ctx.progress(0.1, "SVD of the snapshots");
  Eigen::BDCSVD<Matrix> svd(X, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Vector sv = svd.singularValues();
  const double total = sv.squaredNorm();
  if (!(total > 0))
    throw paramError("snapshots",
                     "all snapshots are zero" + std::string(center ? " after centring" : ""));
  const Eigen::Index kmax = sv.size();
  Vector cumulative(kmax);
  double acc = 0;
  for (Eigen::Index k = 0; k < kmax; ++k) cumulative[k] = (acc += sv[k] * sv[k]) / total;
  Eigen::Index r = 0;
  std::string rule;
  if (ctx.has("rank")) {
    r = ctx.integer("rank");
    if (r > kmax)
      throw paramError("rank", "rank " + std::to_string(r) +
                                   " exceeds min(rows, snapshots) = " + std::to_string(kmax));
    rule = "given rank";
  } else {
    const double energy = ctx.number("energy");
    while (r < kmax && cumulative[r] < energy) ++r;
    r = std::min(r + 1, kmax);
    // modes at round-off level carry no information: never keep them
    const double tol = sv[0] * static_cast<double>(std::max(m, ns)) * 1e-15;
    while (r > 1 && sv[r - 1] <= tol) --r;
    rule =
        "smallest rank capturing energy >= " + formatFine(energy) + " (cumulative sigma^2 / total)";
  }
  const Matrix U = svd.matrixU().leftCols(r);
  const Matrix coeffs = sv.head(r).asDiagonal() * svd.matrixV().leftCols(r).transpose();  // r x ns
  const Matrix recon = U * coeffs;
  const double err = (X - recon).norm() / std::max(S.norm(), 1e-300);
  ctx.output("modes", U);
  ctx.output("singular_values", sv);
  ctx.output("rank", static_cast<std::int64_t>(r));
  ctx.output("energy", cumulative[r - 1]);
  ctx.output("cumulative_energy", cumulative);
  ctx.output("coefficients", coeffs);
  ctx.output("reconstruction_error", err);
  if (center) ctx.output("mean", mean);
  if (ctx.has("reconstruct")) {
    Matrix Y = finiteMatrix(ctx, "reconstruct");
    if (Y.rows() != m && Y.cols() == m && Y.rows() != 1) Y.transposeInPlace();
    if (Y.rows() != m)
      throw paramError("reconstruct", "snapshots to reconstruct need " + std::to_string(m) +
                                          " rows (one per degree of freedom), got " +
                                          std::to_string(Y.rows()));
    const Matrix c = U.transpose() * (Y.colwise() - mean);
    const Matrix yr = (U * c).colwise() + mean;
    ctx.output("reconstruction", yr);
    ctx.output("reconstruction_coefficients", c);
    ctx.output("reconstruct_error", (Y - yr).norm() / std::max(Y.norm(), 1e-300));
  }
  ctx.setMethod("pod_svd", "thin SVD of the " + std::string(center ? "centred " : "") +
                               "snapshot matrix (Eigen BDCSVD); " + rule + ": rank " +
                               std::to_string(r) + " of " + std::to_string(kmax));
  ctx.diagnostic("snapshots_shape",
                 Vector(Eigen::Vector2d(static_cast<double>(m), static_cast<double>(ns))));
  ctx.diagnostic("truncation_bound", std::sqrt(std::max(0.0, 1 - cumulative[r - 1])));
  ctx.diagnostic(
      "error_note",
      "reconstruction_error = ||S - S_r||_F / ||S||_F (S_r adds the mean back when centred)");
  ctx.progress(1.0, "done");
}

}  // namespace

TaskSpec podTask() {
  TaskSpec t;
  t.id = "pod";
  t.summary =
      "Proper orthogonal decomposition of snapshots: modes, singular values, energy, coefficients.";
  t.doc =
      "`snapshots` is an m x n_s matrix whose columns are snapshots (states at m degrees of "
      "freedom). Its thin "
      "SVD S = U Sigma V^T (Eigen BDCSVD, optionally after subtracting the mean snapshot with "
      "`center`) gives "
      "the POD modes (columns of U). The rank is the smallest capturing a fraction `energy` of sum "
      "sigma^2 "
      "(modes at round-off level are never kept), or `rank`. `coefficients` = Sigma_r V_r^T (r x "
      "n_s) "
      "reconstruct the snapshots as modes x coefficients; `reconstruction_error` is the relative "
      "Frobenius "
      "error. `reconstruct` projects further snapshots (same m rows) on the modes.";
  t.params = {
      ParamSpec::make("snapshots", ParamType::Matrix)
          .req()
          .describe("Snapshot matrix, one column per snapshot."),
      [] {
        ParamSpec p = ParamSpec::make("energy", ParamType::Number)
                          .def(0.9999)
                          .range(0, 1)
                          .describe(
                              "Fraction of the snapshot energy (sum of sigma^2) to capture; "
                              "ignored when `rank` is given.");
        p.min_exclusive = true;
        return p;
      }(),
      ParamSpec::make("rank", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("Number of modes to keep (overrides energy)."),
      ParamSpec::make("center", ParamType::Boolean)
          .def(false)
          .describe("Subtract the mean snapshot before the SVD."),
      ParamSpec::make("reconstruct", ParamType::Matrix)
          .describe("Snapshots to project on the modes and reconstruct (m rows)."),
  };
  t.outputs = {
      {"modes", ValueKind::Matrix, "m x r POD modes (orthonormal columns)."},
      {"singular_values", ValueKind::Vector, "All singular values, descending."},
      {"rank", ValueKind::Integer, "Number of modes kept."},
      {"energy", ValueKind::Scalar, "Fraction of the energy captured by the kept modes."},
      {"cumulative_energy", ValueKind::Vector, "Captured energy fraction per number of modes."},
      {"coefficients", ValueKind::Matrix, "r x n_s modal coefficients of the snapshots."},
      {"reconstruction_error", ValueKind::Scalar, "||S - S_r||_F / ||S||_F."},
      {"mean", ValueKind::Vector, "The mean snapshot (center)."},
      {"reconstruction", ValueKind::Matrix, "Reconstruction of `reconstruct`."},
      {"reconstruction_coefficients", ValueKind::Matrix, "Modal coefficients of `reconstruct`."},
      {"reconstruct_error", ValueKind::Scalar,
       "Relative Frobenius error of the reconstruction of `reconstruct`."},
  };
  t.run = runPod;
  return t;
}

}  // namespace sciagents::core::agents::surrogate
