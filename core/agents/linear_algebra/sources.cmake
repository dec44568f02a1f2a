# linear_algebra agent. Dense solves call LAPACK (OpenBLAS through Debian's alternatives) when found;
# sparse Cholesky uses CHOLMOD (SuiteSparse) when found (both looked up in core/CMakeLists.txt).
# Both fall back to Eigen; the definitions are confined to the translation units that use them.
set(_la agents/linear_algebra)
target_sources(sciagents_core PRIVATE
  ${_la}/linear_algebra_agent.cpp
  ${_la}/la_common.cpp
  ${_la}/dense_lapack.cpp
  ${_la}/task_solve.cpp
  ${_la}/solve_sparse.cpp
  ${_la}/solve_iterative.cpp
  ${_la}/task_least_squares.cpp
  ${_la}/task_eigen.cpp
  ${_la}/task_svd.cpp
  ${_la}/task_decompose.cpp
  ${_la}/task_condition.cpp
  ${_la}/condition_sparse.cpp
  ${_la}/task_matrix.cpp
  ${_la}/la_estimate.cpp
  ${_la}/solve_choice.cpp
)

if(SCIAGENTS_USE_LAPACK AND LAPACK_FOUND)
  set_source_files_properties(${_la}/dense_lapack.cpp TARGET_DIRECTORY sciagents_core
    PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_HAVE_LAPACK)
endif()
if(CHOLMOD_FOUND)
  set_source_files_properties(${_la}/solve_sparse.cpp TARGET_DIRECTORY sciagents_core
    PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_HAVE_CHOLMOD INCLUDE_DIRECTORIES ${CHOLMOD_INCLUDE_DIR})
endif()
# Compiled alone: inlined into a unity batch, Eigen's DiagonalPreconditioner trips GCC 12's false
# -Wuse-after-free (Eigen/src/Core/util/Memory.h).
set_source_files_properties(${_la}/solve_iterative.cpp TARGET_DIRECTORY sciagents_core
  PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
unset(_la)
