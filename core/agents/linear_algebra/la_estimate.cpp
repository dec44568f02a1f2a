// Resource estimates of the linear_algebra tasks (core/agent/resource_estimate.h): dense matrices
// cost rows x cols doubles (a few copies: the input, the factor, the result), dense
// factorizations O(n^3) work.
#include "core/agent/task_spec.h"
#include "core/agents/resource_estimators.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace sciagents::core::agents::la {

ResourceEstimate estimateMatrix(const AgentRegistry&, const TaskContext& ctx) {
  const std::string kind = ctx.text("kind");
  const double n = paramCount(ctx, "n");
  const int dim = kind == "laplacian_2d" ? 2 : kind == "laplacian_3d" ? 3 : 1;
  const double rows = std::pow(n, dim);
  const double cols = kind == "ones" && ctx.has("cols") ? paramCount(ctx, "cols") : rows;
  const bool sparse_kind = kind.rfind("laplacian", 0) == 0 || kind == "identity";
  const bool dense = !sparse_kind || ctx.text("format") == "dense";
  ResourceEstimate e;
  e.memory_param = e.work_param = "n";
  if (dense) {
    // random_spd forms B B^T from B: three n x n matrices at once; the others one (plus the copy
    // published as the output).
    const double copies = kind == "random_spd" ? 3 : 2;
    e.memory_bytes = rows * cols * 8.0 * copies;
    e.memory_what = "a dense " + formatCount(rows) + " x " + formatCount(cols) + " matrix";
    e.work = kind == "random_spd" ? 2 * rows * rows * rows : rows * cols * 10;
  } else {
    e.memory_bytes = rows * (2 * dim + 1) * 12.0 * 2;
    e.memory_what = "a sparse " + formatCount(rows) + " x " + formatCount(rows) + " matrix";
    e.work = rows * (2 * dim + 1);
  }
  return e;
}

ResourceEstimate estimateDenseA(const AgentRegistry&, const TaskContext& ctx) {
  const Value& a = ctx.param("A");
  ResourceEstimate e;
  e.memory_param = e.work_param = "A";
  const std::string& task = ctx.spec().id;
  if (a.kind() == ValueKind::SparseMatrix) {
    const auto& s = a.asSparse();
    const double nnz = static_cast<double>(s.nonZeros()), n = static_cast<double>(s.rows());
    // Sparse factorizations: fill of a few times nnz (more for 3-D problems), O(fill) work.
    e.memory_bytes = (nnz * 20 + n * 8 * 8) * 12.0;
    e.memory_what = "sparse factorization of a " + formatCount(n) + "-row matrix";
    e.work = nnz * 400;
    return e;
  }
  const Matrix m = ctx.matrix("A");
  const double r = static_cast<double>(m.rows()), c = static_cast<double>(m.cols());
  const double big = std::max(r, c), small = std::min(r, c);
  // The input, its factor or workspace, and the outputs (eigen/svd vectors) at once.
  const double copies = task == "eigen" || task == "svd" ? 5 : 3;
  e.memory_bytes = r * c * 8.0 * copies;
  e.memory_what = "dense " + task + " of a " + formatCount(r) + " x " + formatCount(c) + " matrix";
  const double flops = big * small * small;
  e.work = task == "eigen" ? 25 * flops : task == "svd" ? 12 * flops : 2 * flops;
  return e;
}

}  // namespace sciagents::core::agents::la
