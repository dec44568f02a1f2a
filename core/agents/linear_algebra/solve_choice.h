// The structural choice behind `solve` with method "auto": shared by the task itself and by its
// `select` hook (algorithm_selector), so the selector and the run always agree.
#pragma once

#include "core/agent/task_spec.h"

#include <string>

namespace sciagents::core::agents::la {

struct SolveChoice {
  std::string
      method;  // cholesky | ldlt | lu (dense); sparse_cholesky | sparse_lu | cg | bicgstab (sparse)
  std::string rationale;
  bool symmetric = false;
  bool positive_diagonal = false;
};

SolveChoice chooseDense(const Matrix& a, const std::string& assume_a);
SolveChoice chooseSparse(const SparseMatrix& a, const std::string& assume_a);

// Hooks for the solve task: facts about A (and b), the auto choice, and an independent residual
// check.
Map analyzeSolve(const TaskContext& ctx);
MethodChoice selectSolve(const TaskContext& ctx);
std::vector<ValidationCheck> validateSolve(const TaskContext& ctx, const Map& outputs);

}  // namespace sciagents::core::agents::la
