// linear_algebra.matrix: standard test and model matrices (as scipy.linalg.hilbert,
// scipy.sparse.diags...), so workflows can build large problems without pasting numbers.
#include "core/agents/linear_algebra/la_common.h"
#include "core/agents/linear_algebra/tasks.h"

#include <random>
#include <vector>

namespace sciagents::core::agents::la {

namespace {

using Triplets = std::vector<Eigen::Triplet<double>>;

// Dirichlet finite-difference Laplacian (-∇² with unit spacing: 2d on the diagonal, -1 off it) on
// an m^d grid, unknowns ordered with the last axis fastest.
SparseMatrix laplacian(Eigen::Index m, int dim) {
  Eigen::Index n = 1;
  for (int d = 0; d < dim; ++d) n *= m;
  Triplets t;
  t.reserve(static_cast<std::size_t>(n * (2 * dim + 1)));
  Eigen::Index stride = 1;
  std::vector<Eigen::Index> strides(static_cast<std::size_t>(dim));
  for (int d = dim - 1; d >= 0; --d) strides[static_cast<std::size_t>(d)] = stride, stride *= m;
  for (Eigen::Index k = 0; k < n; ++k) {
    t.emplace_back(k, k, 2.0 * dim);
    for (int d = 0; d < dim; ++d) {
      const Eigen::Index s = strides[static_cast<std::size_t>(d)];
      const Eigen::Index coord = (k / s) % m;
      if (coord > 0) t.emplace_back(k, k - s, -1.0);
      if (coord < m - 1) t.emplace_back(k, k + s, -1.0);
    }
  }
  SparseMatrix a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  a.makeCompressed();
  return a;
}

void runMatrix(TaskContext& ctx) {
  const std::string kind = ctx.text("kind");
  const Eigen::Index n = ctx.integer("n");
  const bool want_sparse = ctx.text("format") == "sparse";
  const bool want_dense = ctx.text("format") == "dense";
  constexpr Eigen::Index kMaxDense = 20000;
  auto publish = [&](Value dense_or_sparse, const std::string& what) {
    ctx.output("A", std::move(dense_or_sparse));
    ctx.setMethod(kind, what);
  };
  auto dense = [&](Matrix m, const std::string& what) {
    if (want_sparse) {
      SparseMatrix s = m.sparseView();
      s.makeCompressed();
      return publish(std::move(s), what);
    }
    publish(std::move(m), what);
  };
  const bool sparse_kind = kind.rfind("laplacian", 0) == 0 || kind == "identity";
  const Eigen::Index rows = kind == "laplacian_2d" ? n * n : kind == "laplacian_3d" ? n * n * n : n;
  if ((!sparse_kind || want_dense) && rows > kMaxDense && kind != "ones")
    throw paramError("n", "a dense " + std::to_string(rows) + "x" + std::to_string(rows) +
                              " matrix is too large (limit " + std::to_string(kMaxDense) +
                              " rows); use format 'sparse' or a sparse kind");
  if (kind == "laplacian_3d" && n > 400)
    throw paramError("n", "laplacian_3d is limited to n <= 400 per axis");
  if (kind == "laplacian_2d" && n > 8000)
    throw paramError("n", "laplacian_2d is limited to n <= 8000 per axis");

  if (kind == "ones") {
    const Eigen::Index cols = ctx.has("cols") ? ctx.integer("cols") : n;
    if (n * cols > kMaxDense * kMaxDense)
      throw paramError("cols", "the matrix of ones is too large");
    return dense(Matrix::Ones(n, cols),
                 "matrix of ones (n x cols); with cols = 1 a right-hand side");
  }
  if (kind == "hilbert") {
    Matrix h(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) h(i, j) = 1.0 / static_cast<double>(i + j + 1);
    return dense(std::move(h),
                 "Hilbert matrix H_ij = 1/(i+j+1) (0-based): symmetric positive definite, "
                 "notoriously ill-conditioned");
  }
  if (kind == "random" || kind == "random_spd") {
    std::mt19937_64 rng(ctx.seed());
    std::normal_distribution<double> g;
    Matrix m(n, n);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = g(rng);
    if (kind == "random")
      return dense(std::move(m), "independent standard normal entries (seeded)");
    Matrix spd = m * m.transpose() / static_cast<double>(n);
    spd.diagonal().array() += 1.0;
    return dense(std::move(spd),
                 "B B^T / n + I with B standard normal (seeded): symmetric positive definite");
  }
  SparseMatrix s;
  std::string what;
  if (kind == "identity") {
    s.resize(n, n);
    s.setIdentity();
    what = "identity matrix";
  } else {
    const int dim = kind == "laplacian_1d" ? 1 : kind == "laplacian_2d" ? 2 : 3;
    s = laplacian(n, dim);
    what = "finite-difference Laplacian -∇² (unit spacing, Dirichlet) on an n^" +
           std::to_string(dim) + " grid: " + std::to_string(s.rows()) +
           " unknowns, symmetric positive definite";
  }
  if (want_dense) return publish(Matrix(s), what);
  publish(std::move(s), what);
}

}  // namespace

TaskSpec matrixTask() {
  TaskSpec t;
  t.id = "matrix";
  t.summary =
      "Build a standard matrix: Hilbert, identity, ones, seeded random, random SPD, or a "
      "finite-difference Laplacian.";
  t.doc =
      "Laplacians are sparse by default (`format: auto`); the others are dense. `n` is the size, "
      "or the number of "
      "grid points per axis for `laplacian_2d`/`laplacian_3d` (n^2 or n^3 unknowns). Random kinds "
      "use the step's seed "
      "(its `seed` parameter, or the one derived from the run seed), so results are reproducible.";
  t.params = {
      ParamSpec::make("kind", ParamType::Choice)
          .req()
          .oneOf({"hilbert", "identity", "ones", "random", "random_spd", "laplacian_1d",
                  "laplacian_2d", "laplacian_3d"})
          .describe("Which matrix to build."),
      ParamSpec::make("n", ParamType::Integer)
          .req()
          .range(1, 100000000)
          .describe("Size (rows = columns), or grid points per axis for the 2-D/3-D Laplacians."),
      ParamSpec::make("cols", ParamType::Integer)
          .range(1, 100000000)
          .describe(
              "Columns for kind 'ones' (default n); cols = 1 gives a right-hand side vector."),
      ParamSpec::make("format", ParamType::Choice)
          .def("auto")
          .oneOf({"auto", "dense", "sparse"})
          .describe("Storage of the result: auto keeps each kind's natural storage."),
      ParamSpec::make("seed", ParamType::Integer)
          .range(0, std::nullopt)
          .describe(
              "Seed for the random kinds (default: derived from the run seed and the step id)."),
  };
  t.outputs = {
      {"A", ValueKind::Matrix,
       "The matrix (a sparse matrix for Laplacians and identity unless format is dense)."}};
  t.run = runMatrix;
  return t;
}

}  // namespace sciagents::core::agents::la
