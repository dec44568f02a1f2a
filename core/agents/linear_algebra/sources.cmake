# linear_algebra agent. Dense solves call LAPACK (OpenBLAS through Debian's alternatives) when found;
# sparse Cholesky uses CHOLMOD (SuiteSparse) when found. Both fall back to Eigen, so the agent
# builds everywhere; the definitions are confined to the translation units that use them.
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

option(SCIAGENTS_USE_LAPACK "Dense linear solves through the system LAPACK/BLAS (OpenBLAS)" ON)
option(SCIAGENTS_USE_CHOLMOD "Sparse Cholesky through SuiteSparse CHOLMOD" ON)

if(SCIAGENTS_USE_LAPACK)
  find_package(LAPACK QUIET)
  if(LAPACK_FOUND)
    target_link_libraries(sciagents_core PRIVATE LAPACK::LAPACK)
    set_source_files_properties(${_la}/dense_lapack.cpp TARGET_DIRECTORY sciagents_core
      PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_HAVE_LAPACK)
    message(STATUS "linear_algebra: dense solves use LAPACK (${LAPACK_LIBRARIES})")
  else()
    message(STATUS "linear_algebra: LAPACK not found, dense solves use Eigen")
  endif()
endif()

if(SCIAGENTS_USE_CHOLMOD)
  find_path(CHOLMOD_INCLUDE_DIR cholmod.h PATH_SUFFIXES suitesparse)
  find_library(CHOLMOD_LIBRARY cholmod)
  if(CHOLMOD_INCLUDE_DIR AND CHOLMOD_LIBRARY)
    target_link_libraries(sciagents_core PRIVATE ${CHOLMOD_LIBRARY})
    set_source_files_properties(${_la}/solve_sparse.cpp TARGET_DIRECTORY sciagents_core
      PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_HAVE_CHOLMOD INCLUDE_DIRECTORIES ${CHOLMOD_INCLUDE_DIR})
    message(STATUS "linear_algebra: sparse Cholesky uses CHOLMOD (${CHOLMOD_LIBRARY})")
  else()
    message(STATUS "linear_algebra: CHOLMOD not found, sparse Cholesky uses Eigen SimplicialLDLT")
  endif()
endif()
unset(_la)
