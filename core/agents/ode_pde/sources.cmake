# ode_pde agent: initial value problems (own Runge-Kutta, SUNDIALS CVODE; ARKODE as the validation
# reference), the PDE tasks (poisson, heat, wave) and bvp. Sparse Cholesky through CHOLMOD when
# found (core/CMakeLists.txt; confined to pde_direct.cpp), else Eigen's simplicial LL^T.
set(_op agents/ode_pde)
target_sources(sciagents_core PRIVATE
  ${_op}/ode_pde_agent.cpp
  ${_op}/task_ivp.cpp
  ${_op}/ivp_problem.cpp
  ${_op}/ivp_analysis.cpp
  ${_op}/ivp_one_step.cpp
  ${_op}/ivp_radau.cpp
  ${_op}/ivp_rk.cpp
  ${_op}/ivp_cvode.cpp
  ${_op}/ivp_solve.cpp
  ${_op}/ivp_prepared.cpp
  ${_op}/ivp_reference.cpp
  ${_op}/sundials_callbacks.cpp
  ${_op}/task_bvp.cpp
  ${_op}/bvp_colloc.cpp
  ${_op}/task_heat.cpp
  ${_op}/task_wave.cpp
  ${_op}/task_poisson.cpp
  ${_op}/pde_common.cpp
  ${_op}/pde_direct.cpp
  ${_op}/pde_mg.cpp
)
target_link_libraries(sciagents_core PRIVATE SUNDIALS::cvode SUNDIALS::arkode)
if(CHOLMOD_FOUND)
  set_source_files_properties(${_op}/pde_direct.cpp TARGET_DIRECTORY sciagents_core
    PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_PDE_CHOLMOD INCLUDE_DIRECTORIES ${CHOLMOD_INCLUDE_DIR})
endif()
unset(_op)
