# ode_pde PDE tasks (poisson, heat, wave) and bvp. Sparse Cholesky through CHOLMOD when found
# (confined to pde_direct.cpp), else Eigen's simplicial LL^T.
set(_op agents/ode_pde)
target_sources(sciagents_core PRIVATE
  ${_op}/task_bvp.cpp
  ${_op}/bvp_colloc.cpp
  ${_op}/task_heat.cpp
  ${_op}/task_wave.cpp
  ${_op}/task_poisson.cpp
  ${_op}/pde_common.cpp
  ${_op}/pde_direct.cpp
  ${_op}/pde_mg.cpp
)
find_path(CHOLMOD_INCLUDE_DIR cholmod.h PATH_SUFFIXES suitesparse)
find_library(CHOLMOD_LIBRARY cholmod)
if(CHOLMOD_INCLUDE_DIR AND CHOLMOD_LIBRARY)
  target_link_libraries(sciagents_core PRIVATE ${CHOLMOD_LIBRARY})
  set_source_files_properties(${_op}/pde_direct.cpp TARGET_DIRECTORY sciagents_core
    PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_PDE_CHOLMOD INCLUDE_DIRECTORIES ${CHOLMOD_INCLUDE_DIR})
endif()
unset(_op)
