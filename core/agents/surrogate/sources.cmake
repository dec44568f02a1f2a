# surrogate agent: GP (NLopt L-BFGS on the marginal likelihood), PCE, RBF, POD (Eigen).
target_sources(sciagents_core PRIVATE
  agents/surrogate/surrogate_agent.cpp
  agents/surrogate/surrogate_common.cpp
  agents/surrogate/gp_model.cpp
  agents/surrogate/task_gp.cpp
  agents/surrogate/pce_basis.cpp
  agents/surrogate/task_pce.cpp
  agents/surrogate/rbf_model.cpp
  agents/surrogate/task_rbf.cpp
  agents/surrogate/task_pod.cpp
  agents/surrogate/surrogate_predict.cpp
)
target_link_libraries(sciagents_core PRIVATE ${NLOPT_LIBRARIES})
# The GP likelihood factorises and inverts K with LAPACK (dpotrf/dpotri) when core/CMakeLists.txt
# found it; Eigen otherwise.
if(SCIAGENTS_USE_LAPACK AND LAPACK_FOUND)
  set_source_files_properties(agents/surrogate/gp_model.cpp TARGET_DIRECTORY sciagents_core
    PROPERTIES COMPILE_DEFINITIONS SCIAGENTS_HAVE_LAPACK)
endif()
