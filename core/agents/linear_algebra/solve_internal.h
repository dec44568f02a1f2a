// Internal interface between the solve task (dense paths) and its sparse/iterative paths.
#pragma once

#include "core/agent/task_context.h"

#include <cstdint>
#include <string>

namespace sciagents::core::agents::la {

struct SolveOptions {
  std::string method;          // auto, sparse_lu, sparse_cholesky, cg, bicgstab
  std::string assume_a;        // "", gen, sym, pos
  std::string preconditioner;  // auto, none, jacobi, ilut, ichol
  double tol = 1e-10;
  std::int64_t maxiter = 0;  // 0: 10 n
};

void solveSparse(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const SolveOptions& o);
void solveIterative(TaskContext& ctx, const SparseMatrix& a, const Matrix& b, const SolveOptions& o,
                    const std::string& rationale);

}  // namespace sciagents::core::agents::la
