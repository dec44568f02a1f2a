// linear_algebra.eigen: eigenvalues/eigenvectors of a dense (or small sparse) square matrix.
// Symmetric input -> real spectrum (SelfAdjointEigenSolver); general input -> complex spectrum,
// never dropped: see the output docs for the format.
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/tasks.h"
#include "core/linalg/dense_decompositions.h"

#include <algorithm>
#include <complex>
#include <numeric>

namespace sciagents::core::agents::la {

namespace {
using Complex = std::complex<double>;

// Indices of the eigenvalues in output order: by `which` (SciPy eigs/eigsh), best first.
std::vector<Eigen::Index> order(const Eigen::VectorXcd& ev, const std::string& which,
                                bool ascending_default) {
  std::vector<Eigen::Index> idx(static_cast<size_t>(ev.size()));
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  auto key = [&](Eigen::Index i) -> std::pair<double, double> {
    const Complex z = ev[i];
    if (which == "LM") return {-std::abs(z), -z.imag()};
    if (which == "SM") return {std::abs(z), -z.imag()};
    if (which == "LA") return {-z.real(), -z.imag()};
    if (which == "SA") return {z.real(), -z.imag()};
    return {z.real(), ascending_default ? z.imag() : -z.imag()};
  };
  std::stable_sort(idx.begin(), idx.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return key(a) < key(b); });
  return idx;
}

void runEigen(TaskContext& ctx) {
  const Matrix a = readDense(ctx, "A", "eigen");
  requireSquare(a, "eigen");
  const auto n = a.rows();
  const std::string& sym_mode = ctx.text("symmetric");
  const bool want_vectors = ctx.flag("vectors");
  const bool sym = sym_mode == "true" || (sym_mode == "auto" && isSymmetric(a));
  if (sym_mode == "true" && !isSymmetric(a))
    throw paramError("symmetric", "symmetric = true but A is not symmetric");
  const Eigen::Index k = ctx.has("k") ? ctx.integer("k") : n;
  if (k > n)
    throw paramError("k",
                     "k = " + std::to_string(k) + " exceeds the matrix size " + std::to_string(n));
  const std::string which = ctx.has("k") ? ctx.text("which") : "";

  Eigen::VectorXcd values;
  Eigen::MatrixXcd vectors;
  if (sym) {
    Eigen::SelfAdjointEigenSolver<Matrix> es(
        a, want_vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
    if (es.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed, "symmetric eigensolver did not converge");
    values = es.eigenvalues().cast<Complex>();
    if (want_vectors) vectors = es.eigenvectors().cast<Complex>();
    ctx.setMethod("symmetric_qr",
                  std::string(sym_mode == "auto" ? "A is symmetric" : "symmetric = true") +
                      ": tridiagonal QR (real eigenvalues, orthonormal eigenvectors)");
  } else {
    Eigen::EigenSolver<Matrix> es(a, want_vectors);
    if (es.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed, "eigensolver (Hessenberg QR) did not converge");
    values = es.eigenvalues();
    if (want_vectors) vectors = es.eigenvectors();
    ctx.setMethod(
        "hessenberg_qr",
        "A is not symmetric: Hessenberg reduction + shifted QR (complex spectrum possible)");
  }
  const auto idx = order(values, which, sym);
  Vector re(k), im(k);
  Matrix vre(want_vectors ? n : 0, want_vectors ? k : 0), vim = vre;
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto i = idx[static_cast<size_t>(j)];
    re[j] = values[i].real();
    im[j] = values[i].imag();
    if (want_vectors) {
      vre.col(j) = vectors.col(i).real();
      vim.col(j) = vectors.col(i).imag();
    }
  }
  const bool complex = (im.array() != 0.0).any();
  ctx.diagnostic("complex", complex);
  if (complex) {
    Matrix pairs(k, 2);
    pairs << re, im;
    ctx.output("eigenvalues", pairs);
  } else {
    ctx.output("eigenvalues", re);
  }
  ctx.output("eigenvalues_imag", im);
  if (want_vectors) {
    ctx.output("eigenvectors", vre);
    if (complex) ctx.output("eigenvectors_imag", vim);
    // Accuracy check: max_j ||A v_j - lambda_j v_j|| / (||A|| ||v_j||).
    const Eigen::MatrixXcd v = vre.cast<Complex>() + Complex(0, 1) * vim.cast<Complex>();
    double worst = 0;
    const double anorm = std::max(a.norm(), 1e-300);
    for (Eigen::Index j = 0; j < k; ++j) {
      const Complex lambda(re[j], im[j]);
      const double r =
          (a.cast<Complex>() * v.col(j) - lambda * v.col(j)).norm() / (anorm * v.col(j).norm());
      worst = std::max(worst, r);
    }
    ctx.diagnostic("eigen_residual", worst);
  }
  ctx.diagnostic("order", which.empty()
                              ? (sym ? "ascending" : "ascending real part, then imaginary part")
                              : "by which = " + which);
}
}  // namespace

TaskSpec eigenTask() {
  TaskSpec t;
  t.id = "eigen";
  t.summary = "Eigenvalues and eigenvectors of a square matrix (real or complex spectrum).";
  t.doc =
      "Dense eigen-decomposition (sparse inputs up to 20000 rows are converted to dense). "
      "Symmetric A (auto-detected) "
      "uses the symmetric tridiagonal QR and gives real eigenvalues in ascending order; general A "
      "uses the "
      "Hessenberg QR. With `k`, the k eigenvalues selected by `which` (SciPy eigs/eigsh: LM/SM "
      "largest/smallest "
      "magnitude, LA/SA largest/smallest real part) are returned, best first.\n\n"
      "Complex spectra are never dropped: `eigenvalues` is a Vector when every eigenvalue is real, "
      "and a k x 2 "
      "Matrix [real, imag] (one row per eigenvalue) when any is complex; `eigenvalues_imag` is "
      "always the Vector of "
      "imaginary parts (zeros for a real spectrum), and diagnostic `complex` says which case "
      "occurred. Eigenvectors "
      "are columns; for a complex spectrum their imaginary parts are in `eigenvectors_imag`.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix).req().describe("Square matrix."),
      ParamSpec::make("symmetric", ParamType::Choice)
          .oneOf({"auto", "true", "false"})
          .def("auto")
          .describe("Treat A as symmetric (real spectrum); auto detects symmetry."),
      ParamSpec::make("k", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("Number of eigenpairs to return (default: all)."),
      ParamSpec::make("which", ParamType::Choice)
          .oneOf({"LM", "SM", "LA", "SA"})
          .def("LM")
          .describe("Which k eigenvalues (SciPy): LM/SM largest/smallest magnitude, LA/SA "
                    "largest/smallest real part."),
      ParamSpec::make("vectors", ParamType::Boolean)
          .def(true)
          .describe("Also compute eigenvectors."),
  };
  t.outputs = {
      {"eigenvalues", ValueKind::Vector,
       "Real eigenvalues (Vector), or a k x 2 Matrix [real, imag] if any is complex."},
      {"eigenvalues_imag", ValueKind::Vector,
       "Imaginary parts of the eigenvalues (zeros for a real spectrum)."},
      {"eigenvectors", ValueKind::Matrix,
       "Eigenvectors as columns (real parts for a complex spectrum)."},
      {"eigenvectors_imag", ValueKind::Matrix,
       "Imaginary parts of the eigenvectors (complex spectrum only)."},
  };
  t.run = runEigen;
  return t;
}

}  // namespace sciagents::core::agents::la
